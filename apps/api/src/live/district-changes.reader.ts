/**
 * Reads of the live read-model version's `district_changes` (the live stream's source), each in
 * one statement (one snapshot).
 */
import { Inject, Injectable } from '@nestjs/common';
import { liveReadModel, PG_POOL } from '@sitrep/platform';
import { Pool } from 'pg';

export interface DistrictChange {
  readonly position: number;
  readonly district: string;
  readonly province: string;
}

export interface ChangesPage {
  /** The live version the page was read from. */
  readonly version: number;
  /** The oldest and newest positions kept (0 when there is none). */
  readonly oldest: number;
  readonly newest: number;
  /** Changes after the position asked for, in order (of the province, when one was given). */
  readonly changes: readonly DistrictChange[];
}

@Injectable()
export class DistrictChangesReader {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async page(after: number, province: string | undefined, limit: number): Promise<ChangesPage> {
    const { version, schema } = await liveReadModel(this.pool);
    const { rows } = await this.pool.query<{
      oldest: string | null;
      newest: string | null;
      changes: { position: string; district: string; province: string }[] | null;
    }>(
      `WITH page AS (
         SELECT position, district, province FROM ${schema}.district_changes
          WHERE position > $1 AND ($2::text IS NULL OR province = $2)
          ORDER BY position LIMIT $3)
       SELECT (SELECT min(position) FROM ${schema}.district_changes) AS oldest,
              (SELECT max(position) FROM ${schema}.district_changes) AS newest,
              (SELECT json_agg(page ORDER BY position) FROM page) AS changes`,
      [after, province ?? null, limit],
    );
    const row = rows[0]!;
    return {
      version,
      oldest: Number(row.oldest ?? 0),
      newest: Number(row.newest ?? 0),
      changes: (row.changes ?? []).map((c) => ({ ...c, position: Number(c.position) })),
    };
  }
}
