/**
 * The planner's statistics of a read-model version's tables. Postgres gathers them by itself only
 * where autovacuum runs (it is often off on CI machines and tuned down on busy servers); without
 * them a growing table looks empty to the planner, which then scans it instead of using an index.
 * A replay analyzes after its bulk load; the live projector as its tables grow.
 */
import { quoteIdent } from '@sitrep/platform';
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

  /**
   * Gather fresh statistics; returns the number of events the planner now knows of. Only of the
   * columns queries filter, join or sort on: the documents (json and jsonb: event bodies, states,
   * positions) and the timelines' line records are wide, never compared, and the costliest to
   * sample, sort and detoast.
   */
  async analyze(): Promise<number> {
    const { rows: columns } = await this.db.query<{ table: string; columns: string[] }>(
      `SELECT c.relname::text AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[])
          AND a.atttypid NOT IN ('json'::regtype, 'jsonb'::regtype) AND a.attname <> 'record'
        GROUP BY c.relname ORDER BY c.relname`,
      [this.schema, GROWING],
    );
    const targets = columns.map(
      (t) => `${this.schema}.${t.table} (${t.columns.map(quoteIdent).join(', ')})`,
    );
    await this.db.query(`ANALYZE ${targets.join(', ')}`);
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = $1::regclass`,
      [`${this.schema}.events`],
    );
    return rows[0]?.n ?? 0;
  }
}
