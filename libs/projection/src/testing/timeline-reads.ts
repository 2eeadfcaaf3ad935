/**
 * Reading the timelines of a table store as the read API reads Postgres: a district's document as
 * of an instant on an axis (the latest version of each claimant's position and of the status at
 * or before it), and its history. For tests that compare the engine with the reference rules.
 */
import {
  Axis,
  decide,
  DistrictRef,
  LineRecord,
  PositionCore,
  parseLineRecord,
  positionFromRecord,
  StatusDecision,
} from '@sitrep/domain';
import { BatchEffects, PositionVersion, StatusVersion } from '../projection-effects';

export interface TimelineRows {
  readonly statuses: readonly StatusVersion[];
  readonly positions: readonly PositionVersion[];
}

export interface DocumentAt {
  readonly status: StatusDecision['status'];
  readonly controller: string | null;
  readonly verification: StatusDecision['verification'];
  readonly positions: readonly PositionCore[];
  /** What rules 4–6 give for the positions read (must agree with the status version). */
  readonly decided: StatusDecision;
}

/**
 * The position records of a district at an instant (`inclusive`) or just before it: per
 * claimant, its latest row there, or the province lane's when that row says so (a null record)
 * or there is none.
 */
export function positionRowsAt(
  rows: TimelineRows,
  district: DistrictRef,
  axis: Axis,
  at: number,
  inclusive: boolean,
): { record: LineRecord; own: boolean }[] {
  const latest = (pcode: string) => {
    const found = new Map<string, PositionVersion>();
    for (const v of rows.positions) {
      if (v.district !== pcode || v.axis !== axis || v.from > at || (!inclusive && v.from === at))
        continue;
      const known = found.get(v.claimant);
      // Rows come in the order they were written: a later one at the same instant replaces it.
      if (!known || known.from <= v.from) found.set(v.claimant, v);
    }
    return found;
  };
  const own = latest(district.pcode);
  const lane = district.pcode === district.province ? new Map() : latest(district.province);
  const result: { record: LineRecord; own: boolean }[] = [];
  for (const claimant of new Set([...own.keys(), ...lane.keys()])) {
    const mine = own.get(claimant)?.record;
    if (mine) result.push({ record: parseLineRecord(mine), own: true });
    else {
      const theirs = lane.get(claimant)?.record;
      if (theirs) result.push({ record: parseLineRecord(theirs), own: false });
    }
  }
  return result;
}

export function documentAt(
  rows: TimelineRows,
  district: DistrictRef,
  axis: Axis,
  at: number,
): DocumentAt {
  const positions = positionRowsAt(rows, district, axis, at, true)
    .map((r) => positionFromRecord(r.record, district))
    .sort((a, b) => a.claimant.localeCompare(b.claimant));
  let status: StatusVersion | undefined;
  for (const v of rows.statuses)
    if (v.district === district.pcode && v.axis === axis && v.from <= at)
      if (!status || status.from <= v.from) status = v;
  return {
    status: status?.status ?? 'unclaimed',
    controller: status?.controller ?? null,
    verification: status?.verification ?? 'none',
    positions,
    decided: decide(positions),
  };
}

/** The status versions of a district on an axis, oldest first. */
export function historyOf(rows: TimelineRows, district: string, axis: Axis): StatusVersion[] {
  const byInstant = new Map<number, StatusVersion>();
  for (const v of rows.statuses)
    if (v.district === district && v.axis === axis) byInstant.set(v.from, v);
  return [...byInstant.values()].sort((a, b) => a.from - b.from);
}

/** Keep a batch's recorded versions as the sink does: upserts, and causes moved. */
export function keepRecorded(
  rows: { statuses: StatusVersion[]; positions: PositionVersion[] },
  recorded: BatchEffects['recorded'],
): void {
  const at = (v: { district: string; axis: Axis; from: number }, w: typeof v) =>
    v.district === w.district && v.axis === w.axis && v.from === w.from;
  for (const v of recorded.statuses) rows.statuses = [...rows.statuses.filter((s) => !at(s, v)), v];
  for (const v of recorded.positions)
    rows.positions = [...rows.positions.filter((p) => !(at(p, v) && p.claimant === v.claimant)), v];
  for (const c of recorded.continued) {
    const same = (v: StatusVersion | PositionVersion) =>
      v.district === c.district && v.axis === 'recorded' && v.from === c.from;
    rows.statuses = rows.statuses.map((v) => (same(v) ? { ...v, cause: c.cause } : v));
    rows.positions = rows.positions.map((v) => (same(v) ? { ...v, cause: c.cause } : v));
    // A version equal to the one before it is no change.
    const before = <T extends StatusVersion | PositionVersion>(v: T, all: readonly T[]) =>
      all
        .filter((w) => w.district === v.district && w.axis === v.axis && w.from < v.from)
        .filter((w) => !('claimant' in v) || (w as PositionVersion).claimant === v.claimant)
        .sort((a, b) => b.from - a.from)[0];
    rows.statuses = rows.statuses.filter((v) => {
      if (!same(v)) return true;
      const b = before(v, rows.statuses);
      const was = b ?? { status: 'unclaimed', controller: null, verification: 'none' };
      return !(
        was.status === v.status &&
        was.controller === v.controller &&
        was.verification === v.verification
      );
    });
    rows.positions = rows.positions.filter((v) => {
      if (!same(v)) return true;
      const b = before(v, rows.positions);
      return (b?.record ?? null) !== v.record;
    });
  }
}
