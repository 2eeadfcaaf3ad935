/**
 * The status and position timelines of a read-model version (`status_timeline`,
 * `position_timeline`, keyed by `district_claimants`): recorded versions upserted as they come,
 * observed timelines rewritten from an instant on, and the observed state in effect just before
 * an instant, for the engine to fold again from there.
 */
import {
  Axis,
  decide,
  DistrictRef,
  DistrictState,
  LineRecord,
  parseLineRecord,
  positionFromRecord,
  restoreLine,
} from '@sitrep/domain';
import { PoolClient } from 'pg';
import {
  ContinuedInstant,
  ObservedRewrite,
  PositionVersion,
  StatusVersion,
} from '../projection-effects';
import { POSITION_COLUMNS, positionRow, STATUS_COLUMNS, statusRow } from './copy-rows';
import { CopyStream } from './copy-stream';

export const AXIS_CODE: Readonly<Record<Axis, string>> = { recorded: 'r', observed: 'o' };

/**
 * The positions of a district at an instant, per claimant: its latest row there (`own`) and, when
 * that says nothing (no row, or a null one: the position is the lane's), the lane's (`lane`).
 * Parameters: district, province, axis code, instant, inclusive (at the instant, or just before).
 */
export const positionsAt = (schema: string) => `
  SELECT c.claimant, own.record AS own, lane.record AS lane
    FROM (SELECT DISTINCT claimant FROM ${schema}.district_claimants
           WHERE district IN ($1, $2)) c
    LEFT JOIN LATERAL (
      SELECT record FROM ${schema}.position_timeline t
       WHERE t.district = $1 AND t.claimant = c.claimant AND t.axis = $3
         AND (t.valid_from < $4 OR ($5 AND t.valid_from = $4))
       ORDER BY t.valid_from DESC LIMIT 1) own ON true
    LEFT JOIN LATERAL (
      SELECT record FROM ${schema}.position_timeline t
       WHERE $1 <> $2 AND t.district = $2 AND t.claimant = c.claimant AND t.axis = $3
         AND (t.valid_from < $4 OR ($5 AND t.valid_from = $4))
       ORDER BY t.valid_from DESC LIMIT 1) lane ON own.record IS NULL`;
const iso = (ms: number) => new Date(ms).toISOString();

export class TimelinesRepository {
  constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
  ) {}

  /**
   * The observed state of each district (or province lane) in effect just before its `from`:
   * each claimant's latest row there, or the lane's when the district's says so. One statement.
   */
  async observedBefore(
    districts: readonly (DistrictRef & { readonly from: number })[],
  ): Promise<DistrictState[]> {
    const found = districts.map(() => [] as { own: boolean; record: LineRecord }[]);
    if (districts.length > 0) {
      const { rows } = await this.client.query<{
        i: number;
        own: string | null;
        lane: string | null;
      }>(
        `SELECT d.i, own.record AS own, lane.record AS lane
           FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[]) AS d(i, district, province, at)
           CROSS JOIN LATERAL (SELECT DISTINCT claimant FROM ${this.schema}.district_claimants
                                WHERE district IN (d.district, d.province)) c
           LEFT JOIN LATERAL (
             SELECT record FROM ${this.schema}.position_timeline t
              WHERE t.district = d.district AND t.claimant = c.claimant AND t.axis = 'o'
                AND t.valid_from < d.at
              ORDER BY t.valid_from DESC LIMIT 1) own ON true
           LEFT JOIN LATERAL (
             SELECT record FROM ${this.schema}.position_timeline t
              WHERE d.district <> d.province AND t.district = d.province
                AND t.claimant = c.claimant AND t.axis = 'o' AND t.valid_from < d.at
              ORDER BY t.valid_from DESC LIMIT 1) lane ON own.record IS NULL
          WHERE own.record IS NOT NULL OR lane.record IS NOT NULL`,
        [
          districts.map((_, i) => i),
          districts.map((d) => d.pcode),
          districts.map((d) => d.province),
          districts.map((d) => (Number.isFinite(d.from) ? iso(d.from) : '-infinity')),
        ],
      );
      for (const r of rows)
        found[r.i]!.push({ own: r.own !== null, record: parseLineRecord((r.own ?? r.lane)!) });
    }
    return districts.map((district, i) => {
      const records = found[i]!;
      const positions = records.map((r) => positionFromRecord(r.record, district));
      const state = new DistrictState(
        { pcode: district.pcode, province: district.province },
        { positions, decision: decide(positions) },
      );
      for (const { own, record } of records) restoreLine(state, record, { own });
      return state;
    });
  }

  /** New versions (nothing to conflict with), by COPY. */
  private async copyVersions(
    statuses: readonly StatusVersion[],
    positions: readonly PositionVersion[],
  ): Promise<void> {
    if (statuses.length > 0) {
      const copy = new CopyStream(
        this.client,
        `COPY ${this.schema}.status_timeline (${STATUS_COLUMNS}) FROM STDIN`,
      );
      await copy.addEach(statuses, statusRow);
      await copy.finish();
    }
    if (positions.length > 0) {
      await this.addClaimants(positions);
      const copy = new CopyStream(
        this.client,
        `COPY ${this.schema}.position_timeline (${POSITION_COLUMNS}) FROM STDIN`,
      );
      await copy.addEach(positions, positionRow);
      await copy.finish();
    }
  }

  private async addClaimants(versions: readonly PositionVersion[]): Promise<void> {
    const pairs = new Map(versions.map((v) => [`${v.district}\u0000${v.claimant}`, v]));
    await this.client.query(
      `INSERT INTO ${this.schema}.district_claimants (district, claimant)
       SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
      [[...pairs.values()].map((v) => v.district), [...pairs.values()].map((v) => v.claimant)],
    );
  }

  private async upsertStatuses(versions: readonly StatusVersion[]) {
    if (versions.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.status_timeline (district, axis, valid_from, status, controller, verification, caused_by)
       SELECT * FROM unnest($1::text[], $2::"char"[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::uuid[])
       ON CONFLICT (district, axis, valid_from) DO UPDATE SET status = EXCLUDED.status,
         controller = EXCLUDED.controller, verification = EXCLUDED.verification,
         caused_by = EXCLUDED.caused_by`,
      [
        versions.map((v) => v.district),
        versions.map((v) => AXIS_CODE[v.axis]),
        versions.map((v) => iso(v.from)),
        versions.map((v) => v.status),
        versions.map((v) => v.controller),
        versions.map((v) => v.verification),
        versions.map((v) => v.cause),
      ],
    );
  }

  private async upsertPositions(versions: readonly PositionVersion[]) {
    if (versions.length === 0) return;
    await this.addClaimants(versions);
    await this.client.query(
      `INSERT INTO ${this.schema}.position_timeline (district, claimant, axis, valid_from, kind, actor, record, caused_by)
       SELECT * FROM unnest($1::text[], $2::text[], $3::"char"[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::uuid[])
       ON CONFLICT (district, claimant, axis, valid_from) DO UPDATE SET kind = EXCLUDED.kind,
         actor = EXCLUDED.actor, record = EXCLUDED.record, caused_by = EXCLUDED.caused_by`,
      [
        versions.map((v) => v.district),
        versions.map((v) => v.claimant),
        versions.map((v) => AXIS_CODE[v.axis]),
        versions.map((v) => iso(v.from)),
        versions.map((v) => v.kind),
        versions.map((v) => v.actor),
        versions.map((v) => v.record),
        versions.map((v) => v.cause),
      ],
    );
  }

  /** New versions of the recorded timelines, and the instants a batch continued. */
  async writeRecorded(
    statuses: readonly StatusVersion[],
    positions: readonly PositionVersion[],
    continued: readonly ContinuedInstant[],
  ): Promise<void> {
    // Versions at an instant the previous batch began may exist: upserts; the others are new.
    const goesOn = new Set(continued.map((c) => `${c.district}\u0000${c.from}`));
    const continues = (v: { district: string; from: number }) =>
      goesOn.has(`${v.district}\u0000${v.from}`);
    await this.upsertStatuses(statuses.filter(continues));
    await this.upsertPositions(positions.filter(continues));
    await this.copyVersions(
      statuses.filter((v) => !continues(v)),
      positions.filter((v) => !continues(v)),
    );
    if (continued.length === 0) return;
    const params = [
      continued.map((c) => c.district),
      continued.map((c) => iso(c.from)),
      continued.map((c) => c.cause),
    ];
    const at = `unnest($1::text[], $2::timestamptz[], $3::uuid[]) AS c(district, at, cause)`;
    await this.client.query(
      `UPDATE ${this.schema}.status_timeline s SET caused_by = c.cause FROM ${at}
        WHERE s.district = c.district AND s.axis = 'r' AND s.valid_from = c.at`,
      params,
    );
    await this.client.query(
      `UPDATE ${this.schema}.position_timeline t SET caused_by = c.cause
         FROM ${at} JOIN ${this.schema}.district_claimants dc ON dc.district = c.district
        WHERE t.district = dc.district AND t.claimant = dc.claimant AND t.axis = 'r' AND t.valid_from = c.at`,
      params,
    );
    // A version equal to the one before it is no change (the instant came back to where it was).
    await this.client.query(
      `DELETE FROM ${this.schema}.status_timeline s
        USING ${at}
        LEFT JOIN LATERAL (
          SELECT p.status, p.controller, p.verification FROM ${this.schema}.status_timeline p
           WHERE p.district = c.district AND p.axis = 'r' AND p.valid_from < c.at
           ORDER BY p.valid_from DESC LIMIT 1) p ON true
        WHERE s.district = c.district AND s.axis = 'r' AND s.valid_from = c.at
          AND s.status = COALESCE(p.status, 'unclaimed') AND s.controller IS NOT DISTINCT FROM p.controller
          AND s.verification = COALESCE(p.verification, 'none')`,
      params,
    );
    await this.client.query(
      `DELETE FROM ${this.schema}.position_timeline t
        USING ${at}
        JOIN ${this.schema}.district_claimants dc ON dc.district = c.district
        LEFT JOIN LATERAL (
          SELECT p.record FROM ${this.schema}.position_timeline p
           WHERE p.district = dc.district AND p.claimant = dc.claimant AND p.axis = 'r' AND p.valid_from < c.at
           ORDER BY p.valid_from DESC LIMIT 1) p ON true
        WHERE t.district = dc.district AND t.claimant = dc.claimant AND t.axis = 'r'
          AND t.valid_from = c.at AND t.record IS NOT DISTINCT FROM p.record`,
      params,
    );
  }

  /** Observed timelines recomputed from an instant on replace what was there. */
  async rewriteObserved(rewrites: readonly ObservedRewrite[]): Promise<void> {
    if (rewrites.length === 0) return;
    const params = [rewrites.map((r) => r.district), rewrites.map((r) => iso(r.from))];
    const from = `unnest($1::text[], $2::timestamptz[]) AS r(district, at)`;
    await this.client.query(
      `DELETE FROM ${this.schema}.status_timeline s USING ${from}
        WHERE s.district = r.district AND s.axis = 'o' AND s.valid_from >= r.at`,
      params,
    );
    await this.client.query(
      `DELETE FROM ${this.schema}.position_timeline t
        USING ${from} JOIN ${this.schema}.district_claimants dc ON dc.district = r.district
        WHERE t.district = dc.district AND t.claimant = dc.claimant AND t.axis = 'o' AND t.valid_from >= r.at`,
      params,
    );
    await this.copyVersions(
      rewrites.flatMap((r) => r.statuses),
      rewrites.flatMap((r) => r.positions),
    );
  }
}
