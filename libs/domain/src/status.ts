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
import { decide } from './decide';

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
