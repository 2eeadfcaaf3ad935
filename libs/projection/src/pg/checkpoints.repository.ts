/**
 * Where a read-model version stands in the claim log (`checkpoints`: the next offset to apply and
 * the recorded clock, per partition) and the events it set aside (`dead_letters`).
 */
import { PoolClient } from 'pg';

export interface Checkpoint {
  readonly partition: number;
  readonly nextOffset: number;
  /** The partition's recorded clock (ms): the latest recorded instant applied. */
  readonly clock: number;
}

export interface DeadLetter {
  readonly partition: number;
  readonly offset: number;
  readonly reason: string;
}

export class CheckpointsRepository {
  constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
  ) {}

  /** The stored checkpoints of `topic` (all partitions when none are named), locked with `lock`. */
  async load(
    topic: string,
    partitions?: readonly number[],
    lock = false,
  ): Promise<Map<number, Checkpoint>> {
    // A lock needs a row: a partition's first batch creates it (offset 0, as no row means), so
    // that two projectors meeting a new partition during a rebalance apply its batches one
    // after the other (the second waits on the first's row, then reads what it committed).
    if (lock && partitions)
      await this.client.query(
        `INSERT INTO ${this.schema}.checkpoints (topic, partition, next_offset, clock)
         SELECT $1, p, 0, 0 FROM unnest($2::int[]) AS p
         ON CONFLICT (topic, partition) DO NOTHING`,
        [topic, partitions],
      );
    const { rows } = await this.client.query<{
      partition: number;
      next_offset: string;
      clock: string;
    }>(
      `SELECT partition, next_offset, clock FROM ${this.schema}.checkpoints
        WHERE topic = $1 AND ($2::int[] IS NULL OR partition = ANY($2::int[]))${lock ? ' FOR UPDATE' : ''}`,
      [topic, partitions ?? null],
    );
    return new Map(
      rows.map((r) => [
        r.partition,
        { partition: r.partition, nextOffset: Number(r.next_offset), clock: Number(r.clock) },
      ]),
    );
  }

  async save(topic: string, checkpoints: readonly Checkpoint[]): Promise<void> {
    if (checkpoints.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.checkpoints (topic, partition, next_offset, clock)
       SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::bigint[])
       ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, clock = EXCLUDED.clock`,
      [
        topic,
        checkpoints.map((c) => c.partition),
        checkpoints.map((c) => c.nextOffset),
        checkpoints.map((c) => Math.round(c.clock)),
      ],
    );
  }

  async recordDeadLetters(topic: string, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.dead_letters (topic, partition, log_offset, reason)
       SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::text[]) ON CONFLICT DO NOTHING`,
      [
        topic,
        letters.map((l) => l.partition),
        letters.map((l) => l.offset),
        letters.map((l) => l.reason),
      ],
    );
  }
}
