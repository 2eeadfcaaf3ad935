/**
 * The planner's statistics of a read-model version's tables. Postgres gathers them by itself only
 * where autovacuum runs (it is often off on CI machines and tuned down on busy servers); without
 * them a growing table looks empty to the planner, which then scans it instead of using an index.
 * A replay analyzes after its bulk load; the live projector as its tables grow.
 */
import { Pool, PoolClient } from 'pg';

/** The tables whose size changes as the log grows. */
const GROWING = [
  'events',
  'status_timeline',
  'position_timeline',
  'district_status',
  'lane_status',
  'positions',
  'district_claimants',
];

export class StatisticsRepository {
  constructor(
    private readonly db: Pool | PoolClient,
    private readonly schema: string,
  ) {}

  /** Gather fresh statistics; returns the number of events the planner now knows of. */
  async analyze(): Promise<number> {
    await this.db.query(`ANALYZE ${GROWING.map((t) => `${this.schema}.${t}`).join(', ')}`);
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = $1::regclass`,
      [`${this.schema}.events`],
    );
    return rows[0]?.n ?? 0;
  }
}
