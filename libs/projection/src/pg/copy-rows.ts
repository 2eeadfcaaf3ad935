/**
 * The rows of a read-model version in COPY text format: events with their facts, timeline
 * versions, and each district's current state. The live projector's repositories and replays'
 * bulk loads both write them.
 */
import { ClaimEvent, ClaimFacts, DistrictState, LineRecord, lineRecord } from '@sitrep/domain';
import { PositionVersion, StatusVersion } from '../projection-effects';
import { AXIS_CODE } from './timelines.repository';
import { arrayLiteral, copyField, jsonCopyField } from './copy-stream';

/** ISO text of an instant; rows of one instant come together, so the last one is kept. */
let lastMs = NaN;
let lastIso = '';
const iso = (ms: number) => {
  if (ms !== lastMs) [lastMs, lastIso] = [ms, new Date(ms).toISOString()];
  return lastIso;
};

export const EVENT_COLUMNS =
  'claim_id, type, schema, report_id, claimant, province, place_pcode, specific, kind, actor, precision, target_id, target_claimant, target_place, degree, observed_at, recorded_at, partition, log_offset, withdrawn, body';

/** A row of the events table up to its body (the tab before it included). */
export function eventRowStart(facts: ClaimFacts, event: ClaimEvent, withdrawn = false): string {
  return `${facts.id}\t${copyField(facts.type)}\t${event.schema}\t${copyField(event.reportId)}\t${copyField(facts.claimant)}\t${copyField(facts.province)}\t${copyField(facts.place)}\t${facts.specific}\t${copyField(facts.kind)}\t${copyField(facts.actor)}\t${copyField(facts.precision)}\t${copyField(facts.targetId)}\t${copyField(facts.targetClaimant)}\t${copyField(facts.targetPlace)}\t${copyField(facts.degree)}\t${facts.observedAt}\t${iso(Date.parse(event.recordedAt))}\t${facts.partition}\t${facts.offset}\t${withdrawn ? 't' : 'f'}\t`;
}

/** Where rows of the events table go: a COPY stream, or rows kept in memory (a scoped replay). */
export interface EventRowTarget {
  addRow(start: string, body: string): void;
  addRowBytes(start: string, body: Buffer): void;
}

/**
 * One row of the events table: its body is the message's bytes when decodeBatch kept them (stored
 * as they came), else the decoded event serialised again.
 */
export function addEventRow(
  target: EventRowTarget,
  facts: ClaimFacts,
  event: ClaimEvent,
  body: Buffer | null | undefined,
  withdrawn = false,
): void {
  const start = eventRowStart(facts, event, withdrawn);
  if (body) target.addRowBytes(start, body);
  else target.addRow(start, JSON.stringify(event));
}

export const STATUS_COLUMNS =
  'district, axis, valid_from, status, controller, verification, caused_by';

export const statusRow = (v: StatusVersion): string =>
  `${v.district}\t${AXIS_CODE[v.axis]}\t${iso(v.from)}\t${v.status}\t${copyField(v.controller)}\t${v.verification}\t${v.cause}\n`;

export const POSITION_COLUMNS =
  'district, claimant, axis, valid_from, kind, actor, record, caused_by';

export const positionRow = (v: PositionVersion): string =>
  `${v.district}\t${copyField(v.claimant)}\t${AXIS_CODE[v.axis]}\t${iso(v.from)}\t${copyField(v.kind)}\t${copyField(v.actor)}\t${jsonCopyField(v.record)}\t${v.cause}\n`;

export const DISTRICT_STATUS_COLUMNS =
  'pcode, province, status, controller, verification, positions, rules, lines, updated_at';
export const POSITIONS_COLUMNS =
  'district, claimant, kind, actor, observed_at, claim_ids, disputed_by, corroborated_by';

export const LANE_STATUS_COLUMNS = 'province, positions, lines, updated_at';

/** The current state of a province lane: its lane_status row. */
export function laneStateRow(state: DistrictState, updatedAt: string): string {
  const lines: LineRecord[] = [];
  for (const line of state.allLines()) {
    const record = lineRecord(state, line);
    if (record) lines.push(record);
  }
  return `${state.district.pcode}\t${jsonCopyField(JSON.stringify(state.settledPositions()))}\t${jsonCopyField(JSON.stringify(lines))}\t${updatedAt}\n`;
}

/** The current state of a district: its district_status row and its positions rows. */
export function currentStateRows(
  state: DistrictState,
  updatedAt: string,
): { district: string; positions: string } {
  const lines: LineRecord[] = [];
  for (const line of state.allLines()) {
    const record = lineRecord(state, line);
    if (record) lines.push(record);
  }
  const d = state.decision;
  const positions = state.settledPositions();
  const { pcode, province } = state.district;
  return {
    district: `${pcode}\t${province}\t${d.status}\t${copyField(d.controller)}\t${d.verification}\t${jsonCopyField(JSON.stringify(positions))}\t${jsonCopyField(JSON.stringify(d.rules))}\t${jsonCopyField(JSON.stringify(lines))}\t${updatedAt}\n`,
    positions: positions
      .map(
        (p) =>
          `${pcode}\t${copyField(p.claimant)}\t${p.kind}\t${copyField(p.actor)}\t${p.observedAt}\t${copyField(arrayLiteral(p.claimIds))}\t${copyField(arrayLiteral(p.disputedBy))}\t${jsonCopyField(JSON.stringify(p.corroboratedBy))}\n`,
      )
      .join(''),
  };
}
