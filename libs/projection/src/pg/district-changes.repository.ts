/**
 * `district_changes`: one row per change of a district's current document, appended in the
 * transaction that made it, read by the API's live stream (GET /v1/stream).
 */
import { DistrictRef } from '@sitrep/domain';
import { PROJECTION_CHANNEL } from '@sitrep/platform';
import { Pool, PoolClient } from 'pg';

/** Any 64-bit key space of its own for the append lock (hashtextextended's seed). */
const APPEND_LOCK_SEED = 7402212;

export class DistrictChangesRepository {
  constructor(
    private readonly db: Pool | PoolClient,
    private readonly schema: string,
  ) {}

  /**
   * Append a change for each district (once each), under a transaction-level advisory lock of the
   * version: positions are then taken in commit order (the lock is released after the commit is
   * visible), so a reader that has seen position n never later sees a smaller one appear. Call it
   * last in the transaction: it serialises only what follows it (the commit).
   */
  async append(districts: readonly DistrictRef[]): Promise<void> {
    const unique = new Map(districts.map((d) => [d.pcode, d.province]));
    if (unique.size === 0) return;
    await this.db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, $2))', [
      `${this.schema}.district_changes`,
      APPEND_LOCK_SEED,
    ]);
    await this.db.query(
      `INSERT INTO ${this.schema}.district_changes (district, province)
       SELECT * FROM unnest($1::text[], $2::text[])`,
      [[...unique.keys()], [...unique.values()]],
    );
  }

  /** Tell listening API processes that a batch is committed (delivered on commit). */
  async announce(): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [PROJECTION_CHANNEL, this.schema]);
  }

  /**
   * Delete the rows older than `retentionMs`, by position (a prefix: what remains is every row
   * after the oldest kept), always keeping the newest row. Returns how many went.
   */
  async prune(retentionMs: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM ${this.schema}.district_changes
        WHERE position <= (SELECT max(position) FROM ${this.schema}.district_changes
                            WHERE changed_at < now() - $1 * interval '1 millisecond')
          AND position < (SELECT max(position) FROM ${this.schema}.district_changes)`,
      [retentionMs],
    );
    return rowCount ?? 0;
  }
}
