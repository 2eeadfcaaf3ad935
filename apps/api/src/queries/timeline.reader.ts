/**
 * Reads of the timelines of the live read-model version (`status_timeline`, `position_timeline`):
 * a district's status and positions as of an instant on an axis, many districts' statuses, a
 * claimant's positions, and a district's history. Each is a few index look-ups: the latest
 * version at or before the instant, per district or per claimant (read-model.sql).
 */
import { Inject, Injectable } from '@nestjs/common';
import { Axis, DistrictStatus, Gazetteer, LineRecord, parseLineRecord } from '@sitrep/domain';
import { GAZETTEER, liveReadModel, PG_POOL } from '@sitrep/platform';
import { positionsAt } from '@sitrep/projection';
import { Pool } from 'pg';
import { StatusFilter, statusListQuery, StatusRow } from './status-list';

export interface ReadInstant {
  readonly asOf: string;
  readonly axis: Axis;
}

const AXIS: Readonly<Record<Axis, string>> = { recorded: 'r', observed: 'o' };

export interface HistoryRow {
  readonly at: string;
  readonly status: DistrictStatus['status'];
  readonly controller: string | null;
  readonly verification: DistrictStatus['verification'];
  readonly causedBy: {
    readonly claimId: string;
    readonly reportId: string | null;
    readonly type: string | null;
    readonly claimant: string | null;
  };
}

@Injectable()
export class TimelineReader {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
  ) {}

  private async schema(): Promise<string> {
    return (await liveReadModel(this.pool)).schema;
  }

  /** The status of districts as of an instant, in p-code order after `after`, filtered. */
  async statusesAt(
    filter: StatusFilter,
    after: string | undefined,
    limit: number,
    at: ReadInstant,
  ): Promise<StatusRow[]> {
    const schema = await this.schema();
    const source = `LEFT JOIN LATERAL (
           SELECT status, controller, verification FROM ${schema}.status_timeline t
            WHERE t.district = d.pcode AND t.axis = $6 AND t.valid_from <= $7
            ORDER BY t.valid_from DESC LIMIT 1) s ON true`;
    const { rows } = await this.pool.query<StatusRow>(
      statusListQuery(source, filter, after, limit, [AXIS[at.axis], at.asOf]),
    );
    return rows;
  }

  /**
   * The first and last status change on each axis, over every district: per district the first
   * and the last version by the timeline's key (two index look-ups each, a few hundred in all,
   * whatever the size of the log). Null on an axis where nothing has been claimed yet.
   */
  async span(): Promise<Record<Axis, { from: string; to: string } | null>> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<{ axis: string; first: Date | null; last: Date | null }>(
      `SELECT a.axis::text AS axis, min(f.valid_from) AS first, max(l.valid_from) AS last
         FROM districts d
        CROSS JOIN (VALUES ('r'::"char"), ('o'::"char")) a(axis)
         LEFT JOIN LATERAL (
           SELECT valid_from FROM ${schema}.status_timeline t
            WHERE t.district = d.pcode AND t.axis = a.axis ORDER BY t.valid_from ASC LIMIT 1) f ON true
         LEFT JOIN LATERAL (
           SELECT valid_from FROM ${schema}.status_timeline t
            WHERE t.district = d.pcode AND t.axis = a.axis ORDER BY t.valid_from DESC LIMIT 1) l ON true
        GROUP BY a.axis`,
    );
    const on = (axis: Axis) => {
      const row = rows.find((r) => r.axis === AXIS[axis]);
      return row?.first && row.last
        ? { from: row.first.toISOString(), to: row.last.toISOString() }
        : null;
    };
    return { recorded: on('recorded'), observed: on('observed') };
  }

  /** The records of the positions held on a district as of an instant (its own or its lane's). */
  async positionsAt(pcode: string, at: ReadInstant): Promise<LineRecord[]> {
    const schema = await this.schema();
    const province = this.gazetteer.place(pcode)!.province;
    const { rows } = await this.pool.query<{ own: string | null; lane: string | null }>(
      `${positionsAt(schema)} WHERE own.record IS NOT NULL OR lane.record IS NOT NULL`,
      [pcode, province, AXIS[at.axis], at.asOf, true],
    );
    return rows.map((r) => parseLineRecord((r.own ?? r.lane)!));
  }

  /** A claimant's position records as of an instant, district by district. */
  async positionsOfClaimantAt(
    claimant: string,
    at: ReadInstant,
  ): Promise<{ district: string; record: LineRecord }[]> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<{ district: string; record: string }>(
      `SELECT d.pcode AS district, COALESCE(own.record, lane.record) AS record
         FROM districts d
         LEFT JOIN LATERAL (
           SELECT record FROM ${schema}.position_timeline t
            WHERE t.district = d.pcode AND t.claimant = $1 AND t.axis = $2 AND t.valid_from <= $3
            ORDER BY t.valid_from DESC LIMIT 1) own ON true
         LEFT JOIN LATERAL (
           SELECT record FROM ${schema}.position_timeline t
            WHERE t.district = d.province_pcode AND t.claimant = $1 AND t.axis = $2
              AND t.valid_from <= $3
            ORDER BY t.valid_from DESC LIMIT 1) lane ON own.record IS NULL
        WHERE EXISTS (SELECT 1 FROM ${schema}.district_claimants c
                       WHERE c.claimant = $1 AND c.district IN (d.pcode, d.province_pcode))
          AND COALESCE(own.record, lane.record) IS NOT NULL
        ORDER BY d.pcode`,
      [claimant, AXIS[at.axis], at.asOf],
    );
    return rows.map((r) => ({ district: r.district, record: parseLineRecord(r.record) }));
  }

  /**
   * A page of a district's status changes on an axis, oldest or newest first, after the instant
   * `after` (exclusive) and up to `until` (inclusive), with the claim that caused each.
   */
  async history(
    pcode: string,
    axis: Axis,
    order: 'oldest' | 'newest',
    after: string | undefined,
    until: string | undefined,
    limit: number,
  ): Promise<HistoryRow[]> {
    const schema = await this.schema();
    const newest = order === 'newest';
    const { rows } = await this.pool.query<{
      valid_from: Date;
      status: DistrictStatus['status'];
      controller: string | null;
      verification: DistrictStatus['verification'];
      caused_by: string;
      report_id: string | null;
      type: string | null;
      claimant: string | null;
    }>(
      // The page first, then its causes by id: joined before the limit, the planner may hash
      // the whole events table (it cannot tell how few timeline rows the limit keeps).
      `SELECT t.valid_from, t.status, t.controller, t.verification, t.caused_by,
              e.report_id, e.type, e.claimant
         FROM (SELECT * FROM ${schema}.status_timeline
                WHERE district = $1 AND axis = $2
                  AND ($3::timestamptz IS NULL OR valid_from ${newest ? '<' : '>'} $3)
                  AND ($4::timestamptz IS NULL OR valid_from <= $4)
                ORDER BY valid_from ${newest ? 'DESC' : 'ASC'} LIMIT $5) t
         LEFT JOIN ${schema}.events e ON e.claim_id = t.caused_by
        ORDER BY t.valid_from ${newest ? 'DESC' : 'ASC'}`,
      [pcode, AXIS[axis], after ?? null, until ?? null, limit],
    );
    return rows.map((r) => ({
      at: r.valid_from.toISOString(),
      status: r.status,
      controller: r.controller,
      verification: r.verification,
      causedBy: {
        claimId: r.caused_by,
        reportId: r.report_id,
        type: r.type,
        claimant: r.claimant,
      },
    }));
  }
}
