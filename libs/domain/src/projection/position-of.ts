/**
 * Rules 2–3 and 6's evidence for one claimant: its position from its run and the disputes and
 * corroborations that reach it, as status.ts `positionOf` gives it (the engine's position is
 * proven equal to the reference's by the projection's property test).
 */
import { Degree } from '../events';
import { Evidence, PositionCore } from '../status';
import { ClaimFacts, inLogOrder } from './claim-facts';

// Shared empty lists: most positions have no evidence (never changed: positions are read-only).
const NO_EVIDENCE: readonly Evidence[] = Object.freeze([]);
const NO_CLAIMANTS: readonly string[] = Object.freeze([]);
const NO_CORROBORATIONS: readonly (Evidence & { degree: Degree })[] = Object.freeze([]);
const NO_CORROBORATORS: PositionCore['corroboratedBy'] = Object.freeze([]);

/** Whether evidence is in log order already (usually: sorting would copy it). */
function inOrder(list: readonly (readonly [ClaimFacts, string])[]): boolean {
  for (let i = 1; i < list.length; i++)
    if (inLogOrder(list[i - 1]![0], list[i]![0]) > 0) return false;
  return true;
}

/**
 * The position of `claimant` given its run (newest first, not empty), the disputes and
 * corroborations by id of the district by the claim they target, and the blanket disputes of the
 * claimant over the district.
 */
export function positionOf(
  claimant: string,
  run: readonly ClaimFacts[],
  evidence: ReadonlyMap<string, readonly ClaimFacts[]>,
  blankets: readonly ClaimFacts[],
): PositionCore {
  const head = run[0]!;
  const oldest = run[run.length - 1]!;
  // Disputes and corroborations that count, each with the claim of the run it names.
  let disputing: [ClaimFacts, string][] | undefined;
  let corroborating: [ClaimFacts, string][] | undefined;
  const claimIds = run.map((claim) => claim.id);
  for (const claim of run) {
    const list = evidence.get(claim.id);
    if (!list) continue;
    for (const e of list) {
      if (e.claimant === claimant) continue; // self-disputes and self-corroborations do not count
      if (e.type === 'claim.disputed') (disputing ??= []).push([e, claim.id]);
      else if (e.type === 'claim.corroborated') (corroborating ??= []).push([e, claim.id]);
    }
  }
  // A blanket dispute reaches the claims of the run observed at or before it; it names the
  // oldest it reaches, the run's oldest claim.
  for (const b of blankets) {
    if (b.claimant === claimant || b.at < oldest.at) continue;
    (disputing ??= []).push([b, oldest.id]);
  }

  let disputes: readonly Evidence[] = NO_EVIDENCE;
  let disputedBy: readonly string[] = NO_CLAIMANTS;
  if (disputing) {
    if (!inOrder(disputing)) disputing.sort((a, b) => inLogOrder(a[0], b[0]));
    disputes = disputing.map(([d, target]) => ({
      claimId: d.id,
      claimant: d.claimant,
      targetClaimId: target,
      blanket: d.targetId === undefined,
    }));
    disputedBy =
      disputing.length === 1
        ? [disputing[0]![0].claimant]
        : [...new Set(disputing.map(([d]) => d.claimant))].sort();
  }
  let corroborations: readonly (Evidence & { degree: Degree })[] = NO_CORROBORATIONS;
  let corroboratedBy: PositionCore['corroboratedBy'] = NO_CORROBORATORS;
  if (corroborating) {
    if (!inOrder(corroborating)) corroborating.sort((a, b) => inLogOrder(a[0], b[0]));
    corroborations = corroborating.map(([c, target]) => ({
      claimId: c.id,
      claimant: c.claimant,
      targetClaimId: target,
      blanket: false,
      degree: c.degree!,
    }));
    const by = new Map<string, Degree>();
    for (const c of corroborations) if (by.get(c.claimant) !== 'full') by.set(c.claimant, c.degree);
    corroboratedBy = [...by.entries()]
      .map(([claimantOf, degree]) => ({ claimant: claimantOf, degree }))
      .sort((a, b) => a.claimant.localeCompare(b.claimant));
  }

  return {
    claimant,
    kind: head.kind!,
    actor: head.actor,
    observedAt: head.observedAt,
    precision: head.precision!,
    claimIds,
    disputed: disputes.length > 0,
    disputedBy,
    disputes,
    corroboratedBy,
    corroborations,
    logPosition: { partition: head.partition, offset: head.offset },
  };
}

/** Whether two positions say the same (the rest of a position follows from these). */
export function samePosition(a: PositionCore | null, b: PositionCore | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (
    a.kind !== b.kind ||
    a.actor !== b.actor ||
    a.observedAt !== b.observedAt ||
    a.precision !== b.precision ||
    a.logPosition.partition !== b.logPosition.partition ||
    a.logPosition.offset !== b.logPosition.offset ||
    a.claimIds.length !== b.claimIds.length ||
    a.disputes.length !== b.disputes.length ||
    a.corroborations.length !== b.corroborations.length
  )
    return false;
  for (let i = 0; i < a.claimIds.length; i++) if (a.claimIds[i] !== b.claimIds[i]) return false;
  for (let i = 0; i < a.disputes.length; i++) {
    const x = a.disputes[i]!;
    const y = b.disputes[i]!;
    if (x.claimId !== y.claimId || x.targetClaimId !== y.targetClaimId) return false;
  }
  for (let i = 0; i < a.corroborations.length; i++) {
    const x = a.corroborations[i]!;
    const y = b.corroborations[i]!;
    if (x.claimId !== y.claimId || x.targetClaimId !== y.targetClaimId || x.degree !== y.degree)
      return false;
  }
  return true;
}
