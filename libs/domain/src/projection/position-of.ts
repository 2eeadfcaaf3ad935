/**
 * Rules 2–3 and 6's evidence for one claimant: its position from its run and the disputes and
 * corroborations that reach it, as status.ts `positionOf` gives it (the engine's position is
 * proven equal to the reference's by the projection's property test).
 */
import { Degree } from '../events';
import { Evidence, PositionCore } from '../status';
import { ClaimFacts, inLogOrder } from './claim-facts';

const NONE: readonly ClaimFacts[] = [];

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
  let disputing: ClaimFacts[] | undefined;
  let corroborating: ClaimFacts[] | undefined;
  const targetOf = new Map<string, string>();
  for (const claim of run) {
    for (const e of evidence.get(claim.id) ?? NONE) {
      if (e.claimant === claimant) continue; // self-disputes and self-corroborations do not count
      targetOf.set(e.id, claim.id);
      if (e.type === 'claim.disputed') (disputing ??= []).push(e);
      else if (e.type === 'claim.corroborated') (corroborating ??= []).push(e);
    }
  }
  // A blanket dispute reaches the claims of the run observed at or before it; it names the
  // oldest it reaches, the run's oldest claim.
  for (const b of blankets) {
    if (b.claimant === claimant || b.at < oldest.at) continue;
    targetOf.set(b.id, oldest.id);
    (disputing ??= []).push(b);
  }

  const disputes: Evidence[] = [];
  if (disputing) {
    disputing.sort(inLogOrder);
    for (const d of disputing)
      disputes.push({
        claimId: d.id,
        claimant: d.claimant,
        targetClaimId: targetOf.get(d.id)!,
        blanket: d.targetId === undefined,
      });
  }
  const corroborations: (Evidence & { degree: Degree })[] = [];
  if (corroborating) {
    corroborating.sort(inLogOrder);
    for (const c of corroborating)
      corroborations.push({
        claimId: c.id,
        claimant: c.claimant,
        targetClaimId: targetOf.get(c.id)!,
        blanket: false,
        degree: c.degree!,
      });
  }
  const corroboratedBy = new Map<string, Degree>();
  for (const c of corroborations)
    if (corroboratedBy.get(c.claimant) !== 'full') corroboratedBy.set(c.claimant, c.degree);

  return {
    claimant,
    kind: head.kind!,
    actor: head.actor,
    observedAt: head.observedAt,
    precision: head.precision!,
    claimIds: run.map((c) => c.id),
    disputed: disputes.length > 0,
    disputedBy: disputes.length === 0 ? [] : [...new Set(disputes.map((d) => d.claimant))].sort(),
    disputes,
    corroboratedBy:
      corroboratedBy.size === 0
        ? []
        : [...corroboratedBy.entries()]
            .map(([by, degree]) => ({ claimant: by, degree }))
            .sort((a, b) => a.claimant.localeCompare(b.claimant)),
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
