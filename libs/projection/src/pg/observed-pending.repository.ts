/**
 * `observed_pending`: the districts whose observed timeline is to be rewritten from an instant on.
 * Batches append marks (never update one, so a batch never waits for a rewrite in progress); the
 * settler takes every mark of a few districts, rewrites each district from its earliest instant,
 * and deletes the marks it took, by id: a mark appended meanwhile stays for the next round.
 */
import { Pool, PoolClient } from 'pg';

export interface PendingRewrite {
  readonly district: string;
  /** Milliseconds: the earliest instant of the marks taken. */
  readonly from: number;
  /** The marks taken, deleted once the district is rewritten. */
  readonly marks: readonly string[];
}

export class ObservedPendingRepository {
  constructor(
    private readonly client: Pool | PoolClient,
    private readonly schema: string,
  ) {}

  /** The id of the newest mark, or null when nothing is pending. */
  async newest(): Promise<string | null> {
    const { rows } = await this.client.query<{ id: string | null }>(
      `SELECT max(id)::text AS id FROM ${this.schema}.observed_pending`,
    );
    return rows[0]?.id ?? null;
  }

  /** Whether any mark up to `id` (inclusive) is still pending. */
  async anyUpTo(id: string): Promise<boolean> {
    const { rows } = await this.client.query<{ pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.schema}.observed_pending WHERE id <= $1) AS pending`,
      [id],
    );
    return rows[0]?.pending ?? false;
  }

  async mark(from: ReadonlyMap<string, number>): Promise<void> {
    if (from.size === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.observed_pending (district, from_at)
       SELECT * FROM unnest($1::text[], $2::timestamptz[])`,
      [[...from.keys()], [...from.values()].map((ms) => new Date(ms).toISOString())],
    );
  }

  /**
   * Every committed mark of up to `limit` districts, those marked longest ago first. One settler
   * at a time per version: the caller holds `lockRewrites`.
   */
  async take(limit: number): Promise<PendingRewrite[]> {
    const { rows } = await this.client.query<{ district: string; from_at: Date; marks: string[] }>(
      `SELECT district, min(from_at) AS from_at, array_agg(id)::text[] AS marks
         FROM ${this.schema}.observed_pending
        GROUP BY district ORDER BY min(marked_at), district LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ district: r.district, from: r.from_at.getTime(), marks: r.marks }));
  }

  /** The earliest instant still pending (milliseconds) of each of these places that has marks. */
  async earliest(places: readonly string[]): Promise<Map<string, number>> {
    if (places.length === 0) return new Map();
    const { rows } = await this.client.query<{ district: string; from_at: Date }>(
      `SELECT district, min(from_at) AS from_at FROM ${this.schema}.observed_pending
        WHERE district = ANY($1::text[]) GROUP BY district`,
      [places],
    );
    return new Map(rows.map((r) => [r.district, r.from_at.getTime()]));
  }

  /**
   * Whether this transaction may rewrite the version's observed timelines: one settler at a time
   * (every projector instance runs one, and a replay settles before it switches). With `wait`,
   * waits for the one that holds it; else false when another holds it now.
   */
  async lockRewrites(wait: boolean): Promise<boolean> {
    const key = `sitrep.observed-settler.${this.schema}`;
    if (wait) {
      await this.client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
      return true;
    }
    const { rows } = await this.client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
      [key],
    );
    return rows[0]!.locked;
  }

  async clear(taken: readonly PendingRewrite[]): Promise<void> {
    const ids = taken.flatMap((t) => t.marks);
    if (ids.length === 0) return;
    await this.client.query(
      `DELETE FROM ${this.schema}.observed_pending WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }
}
