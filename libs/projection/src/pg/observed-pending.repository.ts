/**
 * `observed_pending`: the districts whose observed timeline is to be rewritten from an instant on.
 * Batches mark them (the earliest instant wins); the settler takes them, rewrites, and clears.
 */
import { PoolClient } from 'pg';

export interface PendingRewrite {
  readonly district: string;
  /** Milliseconds. */
  readonly from: number;
}

export class ObservedPendingRepository {
  constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
  ) {}

  async mark(from: ReadonlyMap<string, number>): Promise<void> {
    if (from.size === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.observed_pending (district, from_at)
       SELECT * FROM unnest($1::text[], $2::timestamptz[])
       ON CONFLICT (district) DO UPDATE SET from_at = LEAST(observed_pending.from_at, EXCLUDED.from_at)`,
      [[...from.keys()], [...from.values()].map((ms) => new Date(ms).toISOString())],
    );
  }

  /** Up to `limit` pending districts, oldest first, locked (others' are skipped). */
  async take(limit: number): Promise<PendingRewrite[]> {
    const { rows } = await this.client.query<{ district: string; from_at: Date }>(
      `SELECT district, from_at FROM ${this.schema}.observed_pending
        ORDER BY marked_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({ district: r.district, from: r.from_at.getTime() }));
  }

  async clear(districts: readonly string[]): Promise<void> {
    if (districts.length === 0) return;
    await this.client.query(
      `DELETE FROM ${this.schema}.observed_pending WHERE district = ANY($1::text[])`,
      [districts],
    );
  }

  /** How many districts wait, and for how long the oldest has (milliseconds). */
  async backlog(): Promise<{ districts: number; oldestMs: number }> {
    const { rows } = await this.client.query<{ n: number; age: number | null }>(
      `SELECT count(*)::int AS n, extract(epoch from now() - min(marked_at)) * 1000 AS age
         FROM ${this.schema}.observed_pending`,
    );
    return { districts: rows[0]!.n, oldestMs: Number(rows[0]!.age ?? 0) };
  }
}
