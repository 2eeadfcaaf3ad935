import { Inject, Injectable } from '@nestjs/common';
import { ObservedPendingRepository } from '@sitrep/projection';
import { liveReadModel, PG_POOL, TOPICS, Topics } from '@sitrep/platform';
import { Pool } from 'pg';

/**
 * Where the live read-model version stands: in the claim log (`checkpoints`), and in rewriting
 * the observed timelines that late events left pending (`observed_pending`).
 */
@Injectable()
export class CheckpointsReader {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TOPICS) private readonly topics: Topics,
  ) {}

  /** Partition → the next offset the projector will apply. */
  async nextOffsets(): Promise<Map<number, number>> {
    const { schema } = await liveReadModel(this.pool);
    const { rows } = await this.pool.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${schema}.checkpoints WHERE topic = $1`,
      [this.topics.claims],
    );
    return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
  }

  /** The newest pending observed rewrite (a mark id), or null when none is pending. */
  async newestPendingRewrite(): Promise<string | null> {
    const { schema } = await liveReadModel(this.pool);
    return new ObservedPendingRepository(this.pool, schema).newest();
  }

  /** Whether any observed rewrite up to the mark `id` is still pending. */
  async rewritesPendingUpTo(id: string): Promise<boolean> {
    const { schema } = await liveReadModel(this.pool);
    return new ObservedPendingRepository(this.pool, schema).anyUpTo(id);
  }
}
