/**
 * The derivation of a district's status, rule by rule (DESIGN.md, "Status of a district"), for
 * audits: each claimant's position and its run, the disputes and corroborations that count, the
 * claims that do not count and why, and which rule decided the status, controller and
 * verification, in words. Pure: it explains what `districtStatus` computes and never disagrees
 * with it, because it starts from its result.
 */
import { ClaimEvent, compareLogPosition, Degree, kindOf, LoggedEvent } from './events';
import {
  DistrictRef,
  districtStatus,
  firstOfEachClaim,
  PositionCore,
  retractedClaimIds,
  StatusDecision,
} from './status';
import {
  DecidingRule,
  ExclusionReason,
  EXCLUSION_TEXTS,
  RULE_SECTIONS,
  RULE_TEXTS,
} from './explanation-texts';
import {
  ClaimRef,
  Decision,
  DistrictExplanation,
  NotCounted,
  PositionExplanation,
  Withdrawal,
} from './explanation';

const time = (iso: string): number => Date.parse(iso);

export function claimRef({ event, position }: LoggedEvent): ClaimRef {
  return {
    claimId: event.id,
    type: event.type,
    kind: kindOf(event),
    claimant: event.claimant,
    reportId: event.reportId,
    index: event.index,
    place: { pcode: event.place.pcode, level: event.place.level },
    observedAt: event.observedAt,
    recordedAt: event.recordedAt,
    submittedBy: event.submittedBy ?? null,
    logPosition: position,
  };
}

const covers = (place: string, district: DistrictRef): boolean =>
  place === district.pcode || place === district.province;

const targetOf = (e: ClaimEvent) => (e.type === 'claim.asserted' ? undefined : e.data.target);

/** Later position first: by the observedAt of its newest claim, then by log position. */
const latestFirst = (a: PositionCore, b: PositionCore): number =>
  time(b.observedAt) - time(a.observedAt) || compareLogPosition(b.logPosition, a.logPosition);

/** Claims of a run shown by an explanation (the rest are counted: `runLength`). */
export const RUN_SHOWN = 20;
/** Disputes and corroborations shown per position (the rest are counted). */
export const EVIDENCE_SHOWN = 50;

/**
 * Explain the status of `district` from events that may include others (they are ignored), as
 * `districtStatus` computes it: call it with the events visible at the moment to explain.
 */
export function explainDistrict(
  district: DistrictRef,
  events: readonly LoggedEvent[],
): DistrictExplanation {
  const status = districtStatus(district, events);
  const unique = firstOfEachClaim(events).sort((a, b) =>
    compareLogPosition(a.position, b.position),
  );
  return explainStatus({
    district,
    status,
    candidates: unique,
    byId: new Map(unique.map((e) => [e.event.id, e])),
    retracted: retractedClaimIds(unique),
  });
}

/** What an explanation is made from (a read model gives it bounded: see explainStatus). */
export interface ExplanationInputs {
  readonly district: DistrictRef;
  /** The district's status at the moment: its positions and the decision of rules 4–6. */
  readonly status: StatusDecision & { readonly positions: readonly PositionCore[] };
  /**
   * Events visible at the moment to place as counted or not, in log order (those that do not
   * bear on the district are left out): all of them, or a page.
   */
  readonly candidates: readonly LoggedEvent[];
  /**
   * Every event the explanation names, by claim id: the claims of the runs (the first
   * `RUN_SHOWN` of each at least) and the evidence that counts, the candidates' targets, and the
   * retractions of both.
   */
  readonly byId: ReadonlyMap<string, LoggedEvent>;
  /** The claims withdrawn at the moment (status.ts `retractedClaimIds`). */
  readonly retracted: ReadonlySet<string>;
}

/** Explain a status, placing each candidate event: counted, withdrawn, or why not counted. */
export function explainStatus(inputs: ExplanationInputs): DistrictExplanation {
  const { district, status, byId, retracted } = inputs;

  // The events that bear on the district: assertions about it (rule 1), disputes and
  // corroborations of such assertions, blanket disputes over it, and retractions of any of these.
  const bears = new Map<string, boolean>();
  const bearsOn = (e: ClaimEvent, depth = 0): boolean => {
    const known = bears.get(e.id);
    if (known !== undefined) return known;
    let result = false;
    const target = targetOf(e);
    if (e.type === 'claim.asserted') result = covers(e.place.pcode, district);
    else if (target && !('claimId' in target)) result = covers(target.place, district);
    else if (target && depth < 4) {
      const t = byId.get(target.claimId)?.event;
      result = t !== undefined && bearsOn(t, depth + 1);
    }
    bears.set(e.id, result);
    return result;
  };
  const relevant = inputs.candidates.filter((e) => bearsOn(e.event));

  const withdrawals = relevant.flatMap((logged) => withdrawalOf(logged, byId, retracted));
  const retractionsOf = new Map<string, LoggedEvent[]>();
  for (const logged of byId.values()) {
    const { event } = logged;
    if (event.type !== 'claim.retracted' && event.type !== 'claim.curator-retracted') continue;
    const list = retractionsOf.get(event.data.target.claimId) ?? [];
    list.push(logged);
    retractionsOf.set(event.data.target.claimId, list);
  }
  const retractedBy = (claimId: string) =>
    (retractionsOf.get(claimId) ?? [])
      .sort((a, b) => compareLogPosition(a.position, b.position))
      .flatMap((r) => withdrawalOf(r, byId, retracted));

  const inRun = new Map<string, PositionCore>();
  for (const p of status.positions) for (const id of p.claimIds) inRun.set(id, p);
  const counted = new Set(
    status.positions.flatMap((p) => [
      ...p.disputes.map((d) => d.claimId),
      ...p.corroborations.map((c) => c.claimId),
    ]),
  );
  const withdrawing = new Set(withdrawals.map((w) => w.claimId));
  const positionOf = (claimant: string) => status.positions.find((p) => p.claimant === claimant);

  const notCounted: NotCounted[] = [];
  for (const logged of relevant) {
    const { event } = logged;
    if (inRun.has(event.id) || counted.has(event.id) || withdrawing.has(event.id)) continue;
    const exclude = (reason: ExclusionReason, extra: Partial<NotCounted> = {}) => {
      const target = targetOf(event);
      notCounted.push({
        ...claimRef(logged),
        reason,
        text: EXCLUSION_TEXTS[reason],
        ...(target && { target }),
        ...extra,
      });
    };
    if (retracted.has(event.id)) {
      exclude('retracted', { retractedBy: retractedBy(event.id) });
      continue;
    }
    const target = targetOf(event);
    if (event.type === 'claim.asserted') {
      const position = positionOf(event.claimant);
      exclude('superseded', {
        ...(position && {
          supersededBy: {
            claimId: position.claimIds[0]!,
            kind: position.kind,
            actor: position.actor,
            observedAt: position.observedAt,
          },
        }),
      });
    } else if (event.type === 'claim.retracted' || event.type === 'claim.curator-retracted') {
      exclude('withdraws-nothing');
    } else if (target && 'claimId' in target) {
      const aimed = byId.get(target.claimId)!.event;
      const self = event.type === 'claim.disputed' ? 'self-dispute' : 'self-corroboration';
      if (aimed.claimant === event.claimant) exclude(self);
      else if (aimed.type !== 'claim.asserted') exclude('target-not-assertion');
      else if (retracted.has(aimed.id)) exclude('target-retracted');
      else exclude('target-superseded');
    } else if (target) {
      exclude(target.claimant === event.claimant ? 'self-dispute' : 'reaches-nothing');
    }
  }

  const positions = status.positions.map((p) => explainPosition(p, byId));
  const decidedBy = decisions(status);
  return {
    pcode: district.pcode,
    province: district.province,
    status: status.status,
    controller: status.controller,
    verification: status.verification,
    decidedBy,
    positions,
    retractions: withdrawals,
    notCounted,
    narrative: narrate(status, positions, withdrawals, notCounted, decidedBy),
  };
}

/** The withdrawals a retraction makes among the claims that bear on the district. */
function withdrawalOf(
  logged: LoggedEvent,
  byId: ReadonlyMap<string, LoggedEvent>,
  retracted: ReadonlySet<string>,
): Withdrawal[] {
  const { event } = logged;
  if (event.type !== 'claim.retracted' && event.type !== 'claim.curator-retracted') return [];
  if (retracted.has(event.id)) return [];
  const target = byId.get(event.data.target.claimId)?.event;
  if (!target || !retracted.has(target.id)) return [];
  if (event.type === 'claim.curator-retracted') {
    if (target.type === 'claim.curator-retracted') return [];
    return [
      {
        ...claimRef(logged),
        by: 'curator',
        targetClaimId: target.id,
        curator: event.data.curator,
        reason: event.data.reason,
      },
    ];
  }
  if (
    target.claimant !== event.claimant ||
    target.type === 'claim.retracted' ||
    target.type === 'claim.curator-retracted'
  )
    return [];
  return [{ ...claimRef(logged), by: 'claimant', targetClaimId: target.id }];
}

function explainPosition(
  p: PositionCore,
  byId: ReadonlyMap<string, LoggedEvent>,
): PositionExplanation {
  const run = p.claimIds.slice(0, RUN_SHOWN).map((id) => claimRef(byId.get(id)!));
  const reaches = (evidence: { claimId: string; targetClaimId: string; blanket: boolean }) => {
    if (!evidence.blanket) return [evidence.targetClaimId];
    const at = time(byId.get(evidence.claimId)!.event.observedAt);
    return run.filter((c) => time(c.observedAt) <= at).map((c) => c.claimId);
  };
  return {
    claimant: p.claimant,
    kind: p.kind,
    actor: p.actor,
    observedAt: p.observedAt,
    disputed: p.disputed,
    run,
    ...(p.claimIds.length > RUN_SHOWN && { runLength: p.claimIds.length }),
    disputes: p.disputes.slice(0, EVIDENCE_SHOWN).map((d) => ({
      ...claimRef(byId.get(d.claimId)!),
      blanket: d.blanket,
      targetClaimId: d.targetClaimId,
      reaches: reaches(d),
    })),
    corroborations: p.corroborations.slice(0, EVIDENCE_SHOWN).map((c) => ({
      ...claimRef(byId.get(c.claimId)!),
      blanket: c.blanket,
      targetClaimId: c.targetClaimId,
      reaches: reaches(c),
      degree: c.degree,
    })),
    ...(p.disputes.length > EVIDENCE_SHOWN && { disputeCount: p.disputes.length }),
    ...(p.corroborations.length > EVIDENCE_SHOWN && {
      corroborationCount: p.corroborations.length,
    }),
  };
}

function decision<R extends DecidingRule>(rule: R): Decision<R> {
  return { rule, section: RULE_SECTIONS[rule], text: RULE_TEXTS[rule] };
}

function decisions(
  status: StatusDecision & { readonly positions: readonly PositionCore[] },
): DistrictExplanation['decidedBy'] {
  const control = status.positions.filter((p) => p.kind === 'control');
  const candidates =
    status.rules.controller === 'latest-undisputed-control'
      ? control.filter((p) => !p.disputed)
      : status.rules.controller === 'no-control-position'
        ? []
        : control;
  const deciding = [...candidates].sort(latestFirst)[0];

  const wanted: Degree | undefined =
    status.rules.verification === 'full-corroboration'
      ? 'full'
      : status.rules.verification === 'partial-corroboration'
        ? 'partial'
        : undefined;
  const corroboration = control
    .filter((p) => p.actor === status.controller)
    .flatMap((p) => p.corroborations)
    .find((c) => c.degree === wanted);

  return {
    status: decision(status.rules.status),
    controller: {
      ...decision(status.rules.controller),
      position: deciding ? { claimant: deciding.claimant, claimId: deciding.claimIds[0]! } : null,
    },
    verification: {
      ...decision(status.rules.verification),
      corroboration: corroboration
        ? {
            claimId: corroboration.claimId,
            claimant: corroboration.claimant,
            degree: corroboration.degree,
            targetClaimId: corroboration.targetClaimId,
          }
        : null,
    },
  };
}

function narrate(
  status: StatusDecision,
  positions: readonly PositionExplanation[],
  withdrawals: readonly Withdrawal[],
  notCounted: readonly NotCounted[],
  decidedBy: DistrictExplanation['decidedBy'],
): string[] {
  const lines: string[] = [];
  for (const w of withdrawals) {
    lines.push(
      w.by === 'curator'
        ? `Retracted: claim ${w.targetClaimId} was withdrawn by curator ${w.curator} (${w.claimId}): ${w.reason}`
        : `Retracted: claim ${w.targetClaimId} was withdrawn by its claimant ${w.claimant} (${w.claimId}).`,
    );
  }
  for (const p of positions) {
    const what = p.kind === 'contest' ? 'contest' : `${p.kind} by ${p.actor}`;
    const run = p.run
      .map((c) => `${c.claimId} (${c.place.level} ${c.place.pcode}, observed ${c.observedAt})`)
      .join(', ');
    lines.push(`Rules 1–2: ${p.claimant}'s position is ${what}; its run: ${run}.`);
    for (const d of p.disputes)
      lines.push(
        `Rule 3: disputed by ${d.claimant} (${d.claimId}${d.blanket ? ', blanket' : ''}), reaching ${d.reaches.join(', ')}.`,
      );
    for (const c of p.corroborations)
      lines.push(
        `Rule 6: corroborated (${c.degree}) by ${c.claimant} (${c.claimId}), reaching ${c.targetClaimId}.`,
      );
  }
  for (const n of notCounted)
    lines.push(`Not counted: ${n.kind} ${n.claimId} by ${n.claimant}: ${n.reason}.`);
  lines.push(`Rule 4 (${decidedBy.status.rule}): ${decidedBy.status.text}`);
  lines.push(
    `Rule 5 (${decidedBy.controller.rule}): ${decidedBy.controller.text}` +
      (status.controller ? ` Controller: ${status.controller}.` : ''),
  );
  lines.push(`Rule 6 (${decidedBy.verification.rule}): ${decidedBy.verification.text}`);
  return lines;
}
