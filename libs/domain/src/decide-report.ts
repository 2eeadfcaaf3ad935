/**
 * The decision on a report (DESIGN.md, "Domain"; DECISIONS.md, "API"): given the report, the
 * claims it targets that are already accepted, the clock, the id function and the submitter,
 * either the events to append to the log, or every problem at once. Places resolve in tiers (a
 * near match only within the province given or implied by the report's other claims); targets
 * are claims of the same report by index, or accepted claims by id; a claimant retracts only its
 * own claims.
 */
import {
  claimAsserted,
  claimCorroborated,
  claimDisputed,
  claimRetracted,
  EventEnvelope,
} from './claim-events';
import { ClaimIds, Clock, KnownClaim } from './decision-context';
import { ClaimEvent, PlaceRef, Submitter } from './events';
import { Candidate, PlaceResolution, PlaceResolver } from './places';
import { Report, ReportClaim } from './report';

/** Why a claim of a report cannot be accepted. */
export type ProblemReason =
  | 'unknown-place'
  | 'ambiguous-place'
  | 'not-a-province'
  | 'no-such-index'
  | 'no-such-claim'
  | 'target-not-assertion'
  | 'unresolved-target'
  | 'not-own-claim'
  | 'retraction-of-retraction';

export interface ClaimProblem {
  readonly index: number;
  /** The field at fault: `place`, `province`, `target.place`, `target.index`, `target.claimId`… */
  readonly field: string;
  readonly input?: unknown;
  readonly reason: ProblemReason;
  /** The problem in words, saying what would do instead. */
  readonly problem: string;
  readonly candidates?: readonly Candidate[];
}

/** Events to append to the log, all of one report (or of one curator's retraction). */
export interface AcceptedReport {
  readonly accepted: true;
  readonly reportId: string;
  /** Digest of the report as submitted: an identical resubmission has the same. */
  readonly digest: string;
  readonly recordedAt: string;
  readonly events: readonly ClaimEvent[];
}

export type ReportDecision =
  AcceptedReport | { readonly accepted: false; readonly problems: readonly ClaimProblem[] };

export interface ReportContext {
  readonly places: PlaceResolver;
  /** The accepted claims among those the report targets by id (see `targetIdsOf`). */
  readonly known: ReadonlyMap<string, KnownClaim>;
  readonly clock: Clock;
  readonly ids: ClaimIds;
  readonly submittedBy: Submitter;
}

const ASSERTIONS = new Set(['control', 'presence', 'contest']);
const isTargeting = (c: ReportClaim) =>
  c.kind === 'dispute' || c.kind === 'corroborate' || c.kind === 'retract';

export function decideReport(report: Report, context: ReportContext): ReportDecision {
  const problems: ClaimProblem[] = [];
  const ids = report.claims.map((_, i) => context.ids.claimId(report.reportId, i));
  const places = resolvePlaces(report, context.places, problems);
  const targets = resolveTargets(report, ids, places, context.known, problems);
  if (problems.length > 0)
    return { accepted: false, problems: problems.sort((a, b) => a.index - b.index) };

  const digest = context.ids.digest(report);
  const recordedAt = context.clock.now().toISOString();
  const events = report.claims.map((claim, index) => {
    const target = targets.get(index);
    const envelope: EventEnvelope = {
      id: ids[index]!,
      reportId: report.reportId,
      index,
      reportDigest: digest,
      claimant: claim.claimant,
      observedAt: new Date(claim.observedAt).toISOString(),
      recordedAt,
      place: places.get(index) ?? target!.place,
      source: report.source,
      submittedBy: context.submittedBy,
    };
    return eventOf(claim, envelope, target);
  });
  return { accepted: true, reportId: report.reportId, digest, recordedAt, events };
}

function eventOf(
  claim: ReportClaim,
  envelope: EventEnvelope,
  target: KnownClaim | undefined,
): ClaimEvent {
  const statement = {
    ...(claim.speaker !== undefined && { speaker: claim.speaker }),
    ...(claim.credibility !== undefined && { credibility: claim.credibility }),
    ...(claim.quote !== undefined && { quote: claim.quote }),
  };
  switch (claim.kind) {
    case 'control':
    case 'presence':
    case 'contest':
      return claimAsserted(envelope, {
        ...statement,
        kind: claim.kind,
        actor: claim.kind === 'contest' ? null : claim.actor,
        precision: claim.precision ?? 'exact',
      });
    case 'dispute':
      return claimDisputed(envelope, {
        ...statement,
        target: target
          ? { claimId: target.claimId }
          : {
              claimant: (claim.target as { claimant: string }).claimant,
              place: envelope.place.pcode,
            },
      });
    case 'corroborate':
      return claimCorroborated(envelope, {
        ...statement,
        degree: claim.degree,
        target: { claimId: target!.claimId },
      });
    case 'retract':
      return claimRetracted(envelope, { ...statement, target: { claimId: target!.claimId } });
  }
}

/** Targets by index inside the report, or by id of an accepted claim, checked; by claim index. */
function resolveTargets(
  report: Report,
  ids: readonly string[],
  places: ReadonlyMap<number, PlaceRef>,
  known: ReadonlyMap<string, KnownClaim>,
  problems: ClaimProblem[],
): Map<number, KnownClaim> {
  const own = new Map<string, KnownClaim>();
  report.claims.forEach((c, i) => {
    const place = places.get(i);
    if (place && !isTargeting(c))
      own.set(ids[i]!, { claimId: ids[i]!, claimant: c.claimant, kind: c.kind, place });
  });
  const targets = new Map<number, KnownClaim>();
  report.claims.forEach((claim, index) => {
    if (!('target' in claim) || !('claimId' in claim.target || 'index' in claim.target)) return;
    const target = claim.target;
    let found: KnownClaim | undefined;
    if ('index' in target) {
      if (target.index === index || target.index >= report.claims.length) {
        problems.push({
          index,
          field: 'target.index',
          input: target.index,
          reason: 'no-such-index',
          problem: 'no other claim of this report has that index',
        });
        return;
      }
      found = own.get(ids[target.index]!);
      if (!found) return; // that claim has its own problem, or is not an assertion (below)
    } else {
      found = own.get(target.claimId) ?? known.get(target.claimId);
      if (!found) {
        problems.push({
          index,
          field: 'target.claimId',
          input: target.claimId,
          reason: 'no-such-claim',
          problem: 'no accepted claim has this id',
        });
        return;
      }
    }
    if (claim.kind === 'retract') {
      if (found.claimant !== claim.claimant) {
        problems.push({
          index,
          field: 'target',
          reason: 'not-own-claim',
          problem: `a claimant retracts only its own claims (the target is ${found.claimant}'s); curators use POST /v1/claims/{claimId}/retractions`,
        });
        return;
      }
      if (found.kind === 'retract' || found.kind === 'curator-retract') {
        problems.push({
          index,
          field: 'target',
          reason: 'retraction-of-retraction',
          problem: 'a retraction cannot be retracted',
        });
        return;
      }
    } else if (!ASSERTIONS.has(found.kind)) {
      problems.push({
        index,
        field: 'target',
        reason: 'target-not-assertion',
        problem: `a ${claim.kind} targets an assertion (control, presence or contest), not a ${found.kind}`,
      });
      return;
    }
    targets.set(index, found);
  });
  // Targets by index that found nothing and have no problem yet.
  report.claims.forEach((claim, index) => {
    if (!isTargeting(claim) || !('target' in claim) || !('index' in claim.target)) return;
    if (targets.has(index) || problems.some((p) => p.index === index)) return;
    const other = report.claims[claim.target.index];
    const notAssertion = other && !ASSERTIONS.has(other.kind) && claim.kind !== 'retract';
    problems.push({
      index,
      field: 'target.index',
      input: claim.target.index,
      reason: notAssertion ? 'target-not-assertion' : 'unresolved-target',
      problem: notAssertion
        ? `a ${claim.kind} targets an assertion, not a ${other.kind}`
        : 'the target claim could not be resolved',
    });
  });
  return targets;
}

/** Places of assertions and blanket disputes, by claim index. */
function resolvePlaces(
  report: Report,
  resolver: PlaceResolver,
  problems: ClaimProblem[],
): Map<number, PlaceRef> {
  const wanted: { index: number; field: string; name: string; hint?: string }[] = [];
  report.claims.forEach((c, index) => {
    if (c.kind === 'control' || c.kind === 'presence' || c.kind === 'contest')
      wanted.push({ index, field: 'place', name: c.place, hint: c.province });
    else if (c.kind === 'dispute' && 'claimant' in c.target)
      wanted.push({ index, field: 'target.place', name: c.target.place, hint: c.target.province });
  });
  const hints = new Map<number, string>();
  for (const w of wanted) {
    if (w.hint === undefined) continue;
    const r = resolver.resolve(w.hint);
    if (r.kind === 'resolved' && r.place.level === 'province') hints.set(w.index, r.place.pcode);
    else
      problems.push(
        placeProblem(w.index, w.field.replace('place', 'province'), w.hint, r, 'is not a province'),
      );
  }
  // Pass 1: p-codes and exact spellings. Pass 2: near matches within the known province.
  const first = new Map(
    wanted.map((w) => [w.index, resolver.resolve(w.name, hints.get(w.index))] as const),
  );
  const provinces = new Set(
    [...first.values()]
      .flatMap((r) => (r.kind === 'resolved' ? [r.place.province] : []))
      .concat([...hints.values()]),
  );
  const implied = provinces.size === 1 ? [...provinces][0] : undefined;
  const places = new Map<number, PlaceRef>();
  for (const w of wanted) {
    if (w.hint !== undefined && !hints.has(w.index)) continue;
    let r = first.get(w.index)!;
    const province = hints.get(w.index) ?? implied;
    if (r.kind === 'unknown' && province) r = resolver.resolve(w.name, province);
    if (r.kind === 'resolved')
      places.set(w.index, { ...r.place, input: w.name, resolution: r.resolution });
    else
      problems.push(
        placeProblem(w.index, w.field, w.name, r, province ? `in province ${province}` : ''),
      );
  }
  return places;
}

function placeProblem(
  index: number,
  field: string,
  input: string,
  r: PlaceResolution,
  scope: string,
): ClaimProblem {
  if (r.kind === 'ambiguous')
    return {
      index,
      field,
      input,
      reason: 'ambiguous-place',
      problem: 'ambiguous: several places match; name one by p-code',
      candidates: r.candidates,
    };
  if (r.kind === 'resolved')
    return {
      index,
      field,
      input,
      reason: 'not-a-province',
      problem: `resolves to ${r.place.level} ${r.place.pcode}, which ${scope}`,
    };
  return {
    index,
    field,
    input,
    reason: 'unknown-place',
    problem: `no place of the gazetteer matches${scope ? ' ' + scope : ''}${scope ? '' : ' (give a province to allow near matches)'}`,
    candidates: r.candidates,
  };
}
