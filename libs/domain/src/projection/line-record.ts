/**
 * A claimant's line as the read model keeps it, compactly: the claims of its run (and, in the
 * current state, the assertion after it), the disputes and corroborations by id that target them
 * and the blanket disputes that reach them. A timeline row holds the record of one position
 * version; the current state holds one per claimant. Reads compute the position from a record
 * with the same function the engine uses (`positionFromRecord`).
 */
import { AssertionKind, Degree, Precision } from '../events';
import { PositionCore } from '../status';
import { ClaimantLine } from './claimant-line';
import { ClaimFacts } from './claim-facts';
import { DistrictState } from './district-state';
import { positionOf } from './position-of';

/** An assertion: id, observedAt (ms), district-level (1) or not, partition, offset, kind, actor, precision. */
export type ClaimRecord = readonly [
  string,
  number,
  0 | 1,
  number,
  number,
  AssertionKind,
  string | null,
  Precision,
];
/** A dispute (`d`) or corroboration (`c`) by id: id, kind, claimant, target id, partition, offset, degree. */
export type EvidenceRecord = readonly [string, 'd' | 'c', string, string, number, number, Degree?];
/** A blanket dispute: id, claimant (the disputer), place, observedAt (ms), partition, offset. */
export type BlanketRecord = readonly [string, string, string, number, number, number];

export interface LineRecord {
  readonly claimant: string;
  /** Newest first. */
  readonly claims: readonly ClaimRecord[];
  /** Older live assertions exist beyond `claims` (the current state keeps only the newest). */
  readonly more?: boolean;
  /**
   * An observed timeline row's: whether the assertion that ends the run (not in the record) is
   * about the district (1) or its province (0); absent when nothing ends it. Recorded rows leave
   * it out (`positionRecordText`).
   */
  readonly boundary?: 0 | 1;
  readonly evidence?: readonly EvidenceRecord[];
  readonly blankets?: readonly BlanketRecord[];
}

const isoOf = (ms: number) => new Date(ms).toISOString();

const claimRecord = (c: ClaimFacts): ClaimRecord => [
  c.id,
  c.at,
  c.specific,
  c.partition,
  c.offset,
  c.kind!,
  c.actor,
  c.precision!,
];

function evidenceRecord(e: ClaimFacts): EvidenceRecord {
  const kind = e.type === 'claim.disputed' ? 'd' : 'c';
  const base = [e.id, kind, e.claimant, e.targetId!, e.partition, e.offset] as const;
  return e.degree === undefined ? base : [...base, e.degree];
}

const blanketRecord = (b: ClaimFacts): BlanketRecord => [
  b.id,
  b.claimant,
  b.targetPlace!,
  b.at,
  b.partition,
  b.offset,
];

const facts = (
  f: Partial<ClaimFacts> & Pick<ClaimFacts, 'id' | 'type' | 'claimant'>,
): ClaimFacts => ({
  place: '',
  province: '',
  specific: 0,
  at: 0,
  observedAt: '',
  recordedAt: 0,
  partition: 0,
  offset: 0,
  kind: undefined,
  actor: null,
  precision: undefined,
  targetId: undefined,
  targetClaimant: undefined,
  targetPlace: undefined,
  degree: undefined,
  ...f,
});

/** The facts of a line's records, for a district. */
export function claimFromRecord(
  claimant: string,
  r: ClaimRecord,
  district: { pcode: string; province: string },
): ClaimFacts {
  return facts({
    id: r[0],
    type: 'claim.asserted',
    claimant,
    place: r[2] === 1 ? district.pcode : district.province,
    province: district.province,
    specific: r[2],
    at: r[1],
    observedAt: isoOf(r[1]),
    partition: r[3],
    offset: r[4],
    kind: r[5],
    actor: r[6],
    precision: r[7],
  });
}

export function evidenceFromRecord(r: EvidenceRecord): ClaimFacts {
  return facts({
    id: r[0],
    type: r[1] === 'd' ? 'claim.disputed' : 'claim.corroborated',
    claimant: r[2],
    targetId: r[3],
    partition: r[4],
    offset: r[5],
    degree: r[6],
  });
}

export function blanketFromRecord(disputed: string, r: BlanketRecord): ClaimFacts {
  return facts({
    id: r[0],
    type: 'claim.disputed',
    claimant: r[1],
    place: r[2],
    targetClaimant: disputed,
    targetPlace: r[2],
    at: r[3],
    partition: r[4],
    offset: r[5],
  });
}

/**
 * The record of a claimant's line for the current state: its run and the assertion after it
 * (older ones are left to the store), with the evidence about them.
 */
export function lineRecord(state: DistrictState, line: ClaimantLine): LineRecord | null {
  const run = line.run();
  if (!run)
    throw new Error(`the line of ${line.claimant} in ${state.district.pcode} is not settled`);
  const boundary = line.boundary(run.length);
  if (run.length === 0) return null;
  const claims = boundary ? [...run, boundary] : run;
  return recordOf(state, line.claimant, claims, boundary !== undefined);
}

function recordOf(
  state: DistrictState,
  claimant: string,
  claims: readonly ClaimFacts[],
  more: boolean,
): LineRecord {
  const evidence: EvidenceRecord[] = [];
  for (const c of claims)
    for (const e of state.evidenceFor(c.id))
      if (e.claimant !== claimant) evidence.push(evidenceRecord(e));
  const oldest = claims[claims.length - 1]!.at;
  const blankets = state
    .blanketsOf(claimant)
    .filter((b) => b.claimant !== claimant && b.at >= oldest)
    .map(blanketRecord);
  return {
    claimant,
    claims: claims.map(claimRecord),
    ...(more && { more }),
    ...(evidence.length > 0 && { evidence }),
    ...(blankets.length > 0 && { blankets }),
  };
}

/**
 * Put a record's line back into a state (its evidence and blanket disputes too): a current state's
 * line, or (`row`) a timeline row's position, which is the district's own or the lane's.
 */
export function restoreLine(
  state: DistrictState,
  record: LineRecord,
  row?: { readonly own: boolean },
): void {
  const district = state.district;
  state.restoreLine(
    record.claimant,
    record.claims.map((r) => claimFromRecord(record.claimant, r, district)),
    record.more ?? false,
    row && { own: row.own, boundary: record.boundary },
  );
  for (const e of record.evidence ?? []) state.apply(evidenceFromRecord(e), true, record.claimant);
  for (const b of record.blankets ?? []) state.apply(blanketFromRecord(record.claimant, b), true);
}

/** The position a record stands for (reads of the timelines use this). */
export function positionFromRecord(
  record: LineRecord,
  district: { pcode: string; province: string },
): PositionCore {
  const run = record.claims.map((r) => claimFromRecord(record.claimant, r, district));
  const evidence = new Map<string, ClaimFacts[]>();
  for (const r of record.evidence ?? []) {
    const e = evidenceFromRecord(r);
    const list = evidence.get(e.targetId!);
    if (list) list.push(e);
    else evidence.set(e.targetId!, [e]);
  }
  const blankets = (record.blankets ?? []).map((r) => blanketFromRecord(record.claimant, r));
  // A record's claims are its run (a timeline row), or its run and the assertion after it.
  const head = run[0]!;
  let n = 1;
  while (n < run.length && run[n]!.kind === head.kind && run[n]!.actor === head.actor) n += 1;
  return positionOf(record.claimant, run.slice(0, n), evidence, blankets);
}

const q = (text: string) => JSON.stringify(text);

/**
 * JSON text of a claim as a record writes it, kept per claim: a claim stands in the records of
 * many versions (each time its run grows, and in each district its place covers).
 */
const texts = new WeakMap<ClaimFacts, string>();
function textOf(c: ClaimFacts, write: (c: ClaimFacts) => string): string {
  let text = texts.get(c);
  if (text === undefined) texts.set(c, (text = write(c)));
  return text;
}
// JSON.stringify writes each piece as one flat string: a template literal would leave a tree of
// small strings that every record holding the piece walks again when it is written.
const claimText = (c: ClaimFacts) => JSON.stringify(claimRecord(c));
const evidenceText = (e: ClaimFacts) => JSON.stringify(evidenceRecord(e));
const blanketText = (b: ClaimFacts) => JSON.stringify(blanketRecord(b));

/**
 * The record of a claimant's position as it stands in `state` (a timeline row), as JSON text
 * (a `LineRecord`): its run, the disputes and corroborations that count and, with `boundary`,
 * what ends the run, written directly (the engine writes one for every version of every
 * position). Null when the claimant holds no position.
 *
 * Only observed rows carry the boundary: a rewrite restores a state from them. Recorded rows are
 * never restored, and there the boundary could change within an instant without the position
 * changing (an older assertion arriving in the same report), so a row written before a batch
 * boundary split that instant would keep the old one: the rows would depend on the batching.
 */
export function positionRecordText(
  state: DistrictState,
  claimant: string,
  withBoundary: boolean,
): string | null {
  const line = state.line(claimant);
  const run = line?.run();
  if (!line || !run || run.length === 0) return null;
  let claims = '';
  let evidence = '';
  for (const c of run) {
    claims += claims ? `,${textOf(c, claimText)}` : textOf(c, claimText);
    for (const e of state.evidenceFor(c.id)) {
      if (e.claimant === claimant) continue;
      evidence += evidence ? `,${textOf(e, evidenceText)}` : textOf(e, evidenceText);
    }
  }
  const oldest = run[run.length - 1]!.at;
  let blankets = '';
  for (const b of state.blanketsOf(claimant)) {
    if (b.claimant === claimant || b.at < oldest) continue;
    blankets += blankets ? `,${textOf(b, blanketText)}` : textOf(b, blanketText);
  }
  const boundary = withBoundary ? line.boundaryLevel(run.length) : undefined;
  return `{"claimant":${q(claimant)},"claims":[${claims}]${boundary === undefined ? '' : `,"boundary":${boundary}`}${evidence ? `,"evidence":[${evidence}]` : ''}${blankets ? `,"blankets":[${blankets}]` : ''}}`;
}

/** A record from its JSON text. */
export const parseLineRecord = (text: string): LineRecord => JSON.parse(text) as LineRecord;
