/**
 * The projection contract (DESIGN.md, "Status of a district"): one pure function from the events
 * that concern a district to its claimed status, controller and verification, with the rule that
 * decided each. It depends on the set of events, not on their order, except for exact ties.
 */
import {
  AssertionKind,
  ClaimAsserted,
  ClaimEvent,
  compareLogPosition,
  Degree,
  LoggedEvent,
  LogPosition,
  Precision,
  Source,
  targetClaimId,
} from './events';

export type DistrictStatusName = 'unclaimed' | 'claimed' | 'contested';
export type Verification = 'corroborated' | 'partial' | 'none';
export type Axis = 'recorded' | 'observed';

export interface DistrictRef {
  readonly pcode: string;
  readonly province: string;
}

export interface Provenance {
  readonly claimId: string;
  readonly reportId: string;
  readonly placePcode: string;
  readonly observedAt: string;
  readonly recordedAt: string;
  readonly source: Source;
  readonly speaker?: string;
  readonly credibility?: number;
  readonly quote?: string;
  readonly logPosition: LogPosition;
}

export interface Evidence {
  readonly claimId: string;
  readonly claimant: string;
  /** The claim of the run it bears on; a blanket dispute names the oldest claim it reaches. */
  readonly targetClaimId: string;
  readonly blanket: boolean;
}

/** A claimant's position on a district (rules 1–3), without the provenance of its claims. */
export interface PositionCore {
  readonly claimant: string;
  readonly kind: AssertionKind;
  readonly actor: string | null;
  /** observedAt of the newest claim of the run. */
  readonly observedAt: string;
  readonly precision: Precision;
  /** The run: the claimant's latest assertions that say the same thing, newest first. */
  readonly claimIds: readonly string[];
  readonly disputed: boolean;
  readonly disputedBy: readonly string[];
  /** The disputes that count, in log order. */
  readonly disputes: readonly Evidence[];
  readonly corroboratedBy: readonly { readonly claimant: string; readonly degree: Degree }[];
  /** The corroborations that count, in log order. */
  readonly corroborations: readonly (Evidence & { readonly degree: Degree })[];
  /** Where the newest claim of the run sits in the log. */
  readonly logPosition: LogPosition;
}

export interface Position extends PositionCore {
  readonly provenance: readonly Provenance[];
}

/** Names of the rules of DESIGN.md that decide a status, a controller and a verification. */
export type StatusRule =
  | 'unclaimed/no-positions'
  | 'unclaimed/presence-of-one-actor'
  | 'claimed/one-controller'
  | 'contested/several-controllers'
  | 'contested/contest-position'
  | 'contested/other-actor-present'
  | 'contested/every-control-disputed'
  | 'contested/presence-of-several-actors';
export type ControllerRule =
  'claimed-actor' | 'latest-undisputed-control' | 'latest-control' | 'no-control-position';
export type VerificationRule =
  'full-corroboration' | 'partial-corroboration' | 'no-corroboration' | 'no-controller';

/** What rules 4–6 decide from a district's positions. */
export interface StatusDecision {
  readonly status: DistrictStatusName;
  readonly controller: string | null;
  readonly verification: Verification;
  readonly rules: {
    readonly status: StatusRule;
    readonly controller: ControllerRule;
    readonly verification: VerificationRule;
  };
}

export interface DistrictStatus extends StatusDecision {
  readonly pcode: string;
  readonly positions: readonly Position[];
}

const time = (iso: string): number => Date.parse(iso);

/** Keep the first occurrence of every claim id in log order: a duplicate in the log is harmless. */
export function firstOfEachClaim(events: readonly LoggedEvent[]): LoggedEvent[] {
  const seen = new Map<string, LoggedEvent>();
  for (const e of events) {
    const prior = seen.get(e.event.id);
    if (!prior || compareLogPosition(e.position, prior.position) < 0) seen.set(e.event.id, e);
  }
  return [...seen.values()];
}

/**
 * The claims withdrawn by a retraction: a claimant may retract only its own claims; a curator any
 * claim, a claimant's retraction included (which then withdraws nothing). A claimant's retraction
 * cannot itself be retracted by a claimant, and a curator's retraction cannot be retracted.
 */
export function retractedClaimIds(events: readonly LoggedEvent[]): Set<string> {
  const byId = new Map(events.map((e) => [e.event.id, e.event]));
  const retracted = new Set<string>();
  for (const { event } of events) {
    if (event.type !== 'claim.curator-retracted') continue;
    const target = byId.get(event.data.target.claimId);
    if (target && target.type !== 'claim.curator-retracted') retracted.add(target.id);
  }
  for (const { event } of events) {
    if (event.type !== 'claim.retracted' || retracted.has(event.id)) continue;
    const target = byId.get(event.data.target.claimId);
    if (!target || target.type === 'claim.retracted' || target.type === 'claim.curator-retracted')
      continue;
    if (target.claimant === event.claimant) retracted.add(target.id);
  }
  return retracted;
}

/**
 * Only what was known (axis `recorded`) or had happened (axis `observed`) by `asOf`. On the
 * observed axis a retraction is a correction of what is known, not an event in the world: it
 * applies whenever it was made, so a withdrawn claim never reappears in the past.
 */
export function visibleAt(
  events: readonly LoggedEvent[],
  asOf: string | undefined,
  axis: Axis,
): LoggedEvent[] {
  if (!asOf) return [...events];
  const limit = time(asOf);
  return events.filter((e) =>
    axis === 'recorded'
      ? time(e.event.recordedAt) <= limit
      : time(e.event.observedAt) <= limit || isRetraction(e.event),
  );
}

const isRetraction = (e: ClaimEvent): boolean =>
  e.type === 'claim.retracted' || e.type === 'claim.curator-retracted';

interface Assertion {
  readonly logged: LoggedEvent;
  readonly event: ClaimAsserted;
  readonly at: number;
  readonly specific: number;
}

/** Newest first: by observedAt, then the district-level claim, then the later log position. */
function newestFirst(a: Assertion, b: Assertion): number {
  return (
    b.at - a.at ||
    b.specific - a.specific ||
    compareLogPosition(b.logged.position, a.logged.position)
  );
}

/** Where a claim comes from: its report, source, speaker, quote and place in the log. */
export function provenanceOf({ event, position }: LoggedEvent): Provenance {
  const data = event.data as { speaker?: string; credibility?: number; quote?: string };
  return {
    claimId: event.id,
    reportId: event.reportId,
    placePcode: event.place.pcode,
    observedAt: event.observedAt,
    recordedAt: event.recordedAt,
    source: event.source,
    ...(data.speaker !== undefined && { speaker: data.speaker }),
    ...(data.credibility !== undefined && { credibility: data.credibility }),
    ...(data.quote !== undefined && { quote: data.quote }),
    logPosition: position,
  };
}

const covers = (place: string, district: DistrictRef): boolean =>
  place === district.pcode || place === district.province;

/** Compute the status of `district` from events that may include others (they are ignored). */
export function districtStatus(
  district: DistrictRef,
  events: readonly LoggedEvent[],
): DistrictStatus {
  const unique = firstOfEachClaim(events);
  const retracted = retractedClaimIds(unique);
  const live = unique.filter((e) => !retracted.has(e.event.id));

  const byClaimant = new Map<string, Assertion[]>();
  const disputes: ClaimEvent[] = [];
  const corroborations: ClaimEvent[] = [];
  for (const logged of live) {
    const { event } = logged;
    if (event.type === 'claim.asserted' && covers(event.place.pcode, district)) {
      const assertion = {
        logged,
        event,
        at: time(event.observedAt),
        specific: event.place.level === 'district' ? 1 : 0,
      };
      byClaimant.set(event.claimant, [...(byClaimant.get(event.claimant) ?? []), assertion]);
    } else if (event.type === 'claim.disputed') disputes.push(event);
    else if (event.type === 'claim.corroborated') corroborations.push(event);
  }

  const positions = [...byClaimant.entries()]
    .map(([claimant, assertions]) =>
      positionOf(claimant, assertions.sort(newestFirst), district, disputes, corroborations),
    )
    .sort((a, b) => a.claimant.localeCompare(b.claimant));
  return { pcode: district.pcode, ...decide(positions), positions };
}

function positionOf(
  claimant: string,
  newest: readonly Assertion[],
  district: DistrictRef,
  disputes: readonly ClaimEvent[],
  corroborations: readonly ClaimEvent[],
): Position {
  const head = newest[0]!;
  const says = (a: Assertion) =>
    a.event.data.kind === head.event.data.kind && a.event.data.actor === head.event.data.actor;
  const firstOther = newest.findIndex((a) => !says(a));
  const run = firstOther === -1 ? newest : newest.slice(0, firstOther);
  const runIds = new Set(run.map((a) => a.event.id));

  const disputeEvidence: Evidence[] = [];
  for (const d of disputes) {
    if (d.claimant === claimant || d.type !== 'claim.disputed') continue;
    const target = d.data.target;
    if ('claimId' in target) {
      if (runIds.has(target.claimId)) {
        disputeEvidence.push({
          claimId: d.id,
          claimant: d.claimant,
          targetClaimId: target.claimId,
          blanket: false,
        });
      }
    } else if (target.claimant === claimant && covers(target.place, district)) {
      // A blanket dispute reaches every claim of the run observed at or before it.
      const reached = run.filter((a) => a.at <= time(d.observedAt));
      const last = reached[reached.length - 1];
      if (last)
        disputeEvidence.push({
          claimId: d.id,
          claimant: d.claimant,
          targetClaimId: last.event.id,
          blanket: true,
        });
    }
  }
  const corroborationEvidence: (Evidence & { degree: Degree })[] = [];
  for (const c of corroborations) {
    if (c.claimant === claimant || c.type !== 'claim.corroborated') continue;
    const targetId = targetClaimId(c);
    if (targetId && runIds.has(targetId)) {
      corroborationEvidence.push({
        claimId: c.id,
        claimant: c.claimant,
        targetClaimId: targetId,
        blanket: false,
        degree: c.data.degree,
      });
    }
  }
  const corroboratedBy = new Map<string, Degree>();
  for (const c of corroborationEvidence) {
    if (corroboratedBy.get(c.claimant) !== 'full') corroboratedBy.set(c.claimant, c.degree);
  }

  return {
    claimant,
    kind: head.event.data.kind,
    actor: head.event.data.actor,
    observedAt: head.event.observedAt,
    precision: head.event.data.precision,
    claimIds: run.map((a) => a.event.id),
    disputed: disputeEvidence.length > 0,
    disputedBy: [...new Set(disputeEvidence.map((d) => d.claimant))].sort(),
    disputes: disputeEvidence,
    corroboratedBy: [...corroboratedBy.entries()]
      .map(([by, degree]) => ({ claimant: by, degree }))
      .sort((a, b) => a.claimant.localeCompare(b.claimant)),
    corroborations: corroborationEvidence,
    provenance: run.map((a) => provenanceOf(a.logged)),
    logPosition: head.logged.position,
  };
}

/**
 * Rules 4–6 of DESIGN.md: the status, the controller and its verification, from the positions of
 * a district (in any order). The one implementation of these rules: the reference
 * (`districtStatus`) and the projection engine both call it. One pass, no allocation but the
 * answer: the engine calls it at every change of every district.
 */
/** observedAt of positions in milliseconds, parsed once per position object. */
const instants = new WeakMap<PositionCore, number>();
function instantOf(p: PositionCore): number {
  let at = instants.get(p);
  if (at === undefined) instants.set(p, (at = time(p.observedAt)));
  return at;
}

export function decide(positions: readonly PositionCore[]): StatusDecision {
  let control = 0;
  let contest = 0;
  let controller: string | null | undefined; // the first control position's actor
  let severalControllers = false;
  let present: string | null | undefined; // the first presence position's actor
  let severalPresent = false;
  let undisputed = 0;
  for (const p of positions) {
    if (p.kind === 'control') {
      control += 1;
      if (!p.disputed) undisputed += 1;
      if (controller === undefined) controller = p.actor;
      else if (p.actor !== controller) severalControllers = true;
    } else if (p.kind === 'contest') contest += 1;
    else if (present === undefined) present = p.actor;
    else if (p.actor !== present) severalPresent = true;
  }
  const anyPresence = present !== undefined;

  let status: DistrictStatusName;
  let statusRule: StatusRule;
  if (positions.length === 0) [status, statusRule] = ['unclaimed', 'unclaimed/no-positions'];
  else if (control === 0 && contest === 0 && !severalPresent)
    [status, statusRule] = ['unclaimed', 'unclaimed/presence-of-one-actor'];
  else if (contest > 0) [status, statusRule] = ['contested', 'contested/contest-position'];
  else if (severalControllers)
    [status, statusRule] = ['contested', 'contested/several-controllers'];
  else if (control === 0)
    [status, statusRule] = ['contested', 'contested/presence-of-several-actors'];
  else if (anyPresence && (severalPresent || present !== controller))
    [status, statusRule] = ['contested', 'contested/other-actor-present'];
  else if (undisputed === 0)
    [status, statusRule] = ['contested', 'contested/every-control-disputed'];
  else [status, statusRule] = ['claimed', 'claimed/one-controller'];

  let chosen: string | null = null;
  let controllerRule: ControllerRule = 'no-control-position';
  if (status === 'claimed') [chosen, controllerRule] = [controller ?? null, 'claimed-actor'];
  else if (control > 0) {
    // The latest control position, among the undisputed ones when there are any.
    const onlyUndisputed = undisputed > 0;
    let latest: PositionCore | undefined;
    let latestAt = 0;
    for (const p of positions) {
      if (p.kind !== 'control' || (onlyUndisputed && p.disputed)) continue;
      const at = instantOf(p);
      if (
        !latest ||
        at > latestAt ||
        (at === latestAt && compareLogPosition(p.logPosition, latest.logPosition) > 0)
      ) {
        latest = p;
        latestAt = at;
      }
    }
    chosen = latest!.actor;
    controllerRule = onlyUndisputed ? 'latest-undisputed-control' : 'latest-control';
  }

  let verification: Verification = 'none';
  let verificationRule: VerificationRule = chosen === null ? 'no-controller' : 'no-corroboration';
  if (chosen !== null) {
    let partial = false;
    let full = false;
    for (const p of positions) {
      if (p.kind !== 'control' || p.actor !== chosen) continue;
      for (const c of p.corroborations) {
        if (c.degree === 'full') full = true;
        else partial = true;
      }
    }
    if (full) [verification, verificationRule] = ['corroborated', 'full-corroboration'];
    else if (partial) [verification, verificationRule] = ['partial', 'partial-corroboration'];
  }

  return {
    status,
    controller: chosen,
    verification,
    rules: { status: statusRule, controller: controllerRule, verification: verificationRule },
  };
}

/** DESIGN.md rule 7: a province's districts counted by status, and `claimed` ones by controller. */
export interface ProvinceSummary {
  readonly pcode: string;
  readonly districts: number;
  readonly byStatus: Readonly<Record<DistrictStatusName, number>>;
  readonly byController: Readonly<Record<string, number>>;
}

/** Summarise a province from the status of each of its districts (one entry per district). */
export function provinceSummary(
  province: string,
  statuses: readonly Pick<DistrictStatus, 'status' | 'controller'>[],
): ProvinceSummary {
  const byStatus: Record<DistrictStatusName, number> = { claimed: 0, contested: 0, unclaimed: 0 };
  const byController: Record<string, number> = {};
  for (const s of statuses) {
    byStatus[s.status] += 1;
    if (s.status === 'claimed' && s.controller !== null)
      byController[s.controller] = (byController[s.controller] ?? 0) + 1;
  }
  return { pcode: province, districts: statuses.length, byStatus, byController };
}
