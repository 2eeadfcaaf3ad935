/**
 * The current state of each district (`district_status`, the end of its recorded timeline, with
 * the projection's line records) and what each claimant claims now (`positions`).
 */
import {
  DistrictRef,
  DistrictState,
  LineRecord,
  lineRecord,
  PositionCore,
  restoreLine,
  StatusDecision,
} from '@sitrep/domain';
import { PoolClient } from 'pg';

interface Row {
  pcode: string;
  status: StatusDecision['status'];
  controller: string | null;
  verification: StatusDecision['verification'];
  rules: StatusDecision['rules'];
  positions: PositionCore[];
  lines: LineRecord[];
}

/** The line records of a state's claimants (those that hold a position). */
function linesOf(state: DistrictState): LineRecord[] {
  const lines: LineRecord[] = [];
  for (const line of state.allLines()) {
    const record = lineRecord(state, line);
    if (record) lines.push(record);
  }
  return lines;
}

export class DistrictStatusRepository {
  constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
  ) {}

  /**
   * The current states of districts and province lanes (one that never had a row starts empty).
   */
  async load(districts: readonly DistrictRef[]): Promise<Map<string, DistrictState>> {
    const { rows } = await this.client.query<Row>(
      `SELECT pcode, status, controller, verification, rules, positions, lines
         FROM ${this.schema}.district_status WHERE pcode = ANY($1::text[])
       UNION ALL
       SELECT province, 'unclaimed', NULL, 'none', '{}'::jsonb, positions, lines
         FROM ${this.schema}.lane_status WHERE province = ANY($1::text[])`,
      [districts.map((d) => d.pcode)],
    );
    const byPcode = new Map(rows.map((r) => [r.pcode, r]));
    const states = new Map<string, DistrictState>();
    for (const district of districts) {
      const row = byPcode.get(district.pcode);
      const state = new DistrictState(
        district,
        row && {
          positions: row.positions,
          decision: {
            status: row.status,
            controller: row.controller,
            verification: row.verification,
            rules: row.rules,
          },
        },
      );
      for (const record of row?.lines ?? []) restoreLine(state, record);
      state.judgeRows();
      states.set(district.pcode, state);
    }
    return states;
  }

  private async saveLanes(lanes: readonly DistrictState[], updatedAt: string): Promise<void> {
    if (lanes.length === 0) return;
    const rows = lanes.map((state) => ({
      province: state.district.pcode,
      positions: state.settledPositions(),
      lines: linesOf(state),
    }));
    await this.client.query(
      `INSERT INTO ${this.schema}.lane_status (province, positions, lines, updated_at)
       SELECT s.province, s.positions, s.lines, $2
         FROM jsonb_to_recordset($1::jsonb) AS s(province text, positions jsonb, lines jsonb)
       ON CONFLICT (province) DO UPDATE SET positions = EXCLUDED.positions, lines = EXCLUDED.lines,
         updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(rows), updatedAt],
    );
  }

  /**
   * Replace the current state of these districts (and province lanes), and what each claimant
   * claims in each district now.
   */
  async save(states: readonly DistrictState[], updatedAt: string): Promise<void> {
    const lanes = states.filter((s) => s.isLane);
    await this.saveLanes(lanes, updatedAt);
    states = states.filter((s) => !s.isLane);
    if (states.length === 0) return;
    const rows = states.map((state) => {
      const lines = linesOf(state);
      const d = state.decision;
      return {
        pcode: state.district.pcode,
        province: state.district.province,
        status: d.status,
        controller: d.controller,
        verification: d.verification,
        rules: d.rules,
        positions: state.settledPositions(),
        lines,
      };
    });
    // One JSON document, not a jsonb[] parameter: Postgres parses large array literals slowly.
    await this.client.query(
      `INSERT INTO ${this.schema}.district_status (pcode, province, status, controller, verification, positions, rules, lines, updated_at)
       SELECT s.pcode, s.province, s.status, s.controller, s.verification, s.positions, s.rules, s.lines, $2
         FROM jsonb_to_recordset($1::jsonb) AS s(pcode text, province text, status text,
           controller text, verification text, positions jsonb, rules jsonb, lines jsonb)
       ON CONFLICT (pcode) DO UPDATE SET status = EXCLUDED.status, controller = EXCLUDED.controller,
         verification = EXCLUDED.verification, positions = EXCLUDED.positions, rules = EXCLUDED.rules,
         lines = EXCLUDED.lines, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(rows), updatedAt],
    );
    await this.client.query(
      `DELETE FROM ${this.schema}.positions WHERE district = ANY($1::text[])`,
      [rows.map((r) => r.pcode)],
    );
    const positions = rows.flatMap((r) =>
      r.positions.map((p) => ({
        district: r.pcode,
        claimant: p.claimant,
        kind: p.kind,
        actor: p.actor,
        observed_at: p.observedAt,
        claim_ids: p.claimIds,
        disputed_by: p.disputedBy,
        corroborated_by: p.corroboratedBy,
      })),
    );
    if (positions.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.positions (district, claimant, kind, actor, observed_at, claim_ids, disputed_by, corroborated_by)
       SELECT district, claimant, kind, actor, observed_at, claim_ids, disputed_by, corroborated_by
         FROM jsonb_to_recordset($1::jsonb) AS r(district text, claimant text, kind text, actor text,
           observed_at timestamptz, claim_ids uuid[], disputed_by text[], corroborated_by jsonb)`,
      [JSON.stringify(positions)],
    );
  }
}
