import { Pool, PoolClient } from 'pg';
import { liveReadModel } from './database';

/**
 * Reads of the live read model's `checkpoints` table for observers (readiness, lag metrics):
 * no locks, so watching never holds up the projector.
 */
export class CheckpointsRepository {
  constructor(private readonly db: Pool | PoolClient) {}

  /** The next offset to apply, per partition of `topic`, in the live read-model version. */
  async ofTopic(topic: string): Promise<{ version: number; next: Map<number, number> }> {
    const { schema, version } = await liveReadModel(this.db);
    const { rows } = await this.db.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${schema}.checkpoints WHERE topic = $1`,
      [topic],
    );
    return { version, next: new Map(rows.map((r) => [r.partition, Number(r.next_offset)])) };
  }
}
