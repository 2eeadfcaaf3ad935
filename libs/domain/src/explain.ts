/**
 * The derivation of a district's status, rule by rule (DESIGN.md, "Status of a district"), for
 * audits: each claimant's position and its run, the disputes and corroborations that count, the
 * claims that do not count and why, and which rule decided the status, controller and
 * verification, in words. Pure: it explains what `districtStatus` computes and never disagrees
 * with it, because it starts from its result.
 */
import {
  ClaimEvent,
  ClaimEventType,
  ClaimKind,
  compareLogPosition,
  Degree,
  kindOf,
  LoggedEvent,
  LogPosition,
  PlaceLevel,
  Submitter,
} from './events';
import {
  ControllerRule,
  DistrictRef,
  districtStatus,
  DistrictStatusName,
  firstOfEachClaim,
  PositionCore,
  retractedClaimIds,
  StatusDecision,
  StatusRule,
  Verification,
  VerificationRule,
} from './status';

export type DecidingRule = StatusRule | ControllerRule | VerificationRule;

/** The rules of DESIGN.md ("Status of a district", 4–6) that `districtStatus` names, in words. */
export const RULE_TEXTS: Readonly<Record<DecidingRule, string>> = {
  'unclaimed/no-positions':
    'unclaimed: no claimant holds a position on the district (no control, presence or contest claim about it or its province counts).',
  'unclaimed/presence-of-one-actor':
    'unclaimed: the only positions are presence positions of a single actor; presence without a claim of control does not make a district claimed.',
  'claimed/one-controller':
    'claimed: every control position names the same actor X, at least one of them is not disputed, there is no contest position and no presence position of an actor other than X.',
  'contested/several-controllers':
    'contested: control positions name two or more different actors.',
  'contested/contest-position':
    'contested: a claimant holds a contest position (fighting is going on; nobody controls the district).',
  'contested/other-actor-present':
    'contested: every control position names X, but a presence position names another actor.',
  'contested/every-control-disputed':
    'contested: every control position naming X is disputed by another claimant.',
  'contested/presence-of-several-actors':
    'contested: there is no control position, but presence positions of several actors.',
  'claimed-actor':
    'controller: the district is claimed, so the controller is X, the actor every control position names.',
  'latest-undisputed-control':
    'controller: the district is contested, so the controller is the actor of the latest undisputed control position ("latest" by the observedAt of the position’s newest claim, ties to the later log position).',
  'latest-control':
    'controller: the district is contested and every control position is disputed, so the controller is the actor of the latest control position ("latest" by the observedAt of the position’s newest claim, ties to the later log position).',
  'no-control-position': 'controller: there is no control position, so there is no controller.',
  'full-corroboration':
    'verification corroborated: a claim in the run of a control position naming the controller has a full corroboration by a claimant other than that position’s claimant.',
  'partial-corroboration':
    'verification partial: no full corroboration, but a claim in the run of a control position naming the controller has a partial corroboration by a claimant other than that position’s claimant.',
  'no-corroboration':
    'verification none: no claim in the run of a control position naming the controller is corroborated by another claimant.',
  'no-controller': 'verification none: there is no controller to verify (DECISIONS.md).',
};

/** The rule of DESIGN.md's "Status of a district" list that each named rule belongs to. */
export const RULE_SECTIONS: Readonly<Record<DecidingRule, 4 | 5 | 6>> = {
  'unclaimed/no-positions': 4,
  'unclaimed/presence-of-one-actor': 4,
  'claimed/one-controller': 4,
  'contested/several-controllers': 4,
  'contested/contest-position': 4,
  'contested/other-actor-present': 4,
  'contested/every-control-disputed': 4,
  'contested/presence-of-several-actors': 4,
  'claimed-actor': 5,
  'latest-undisputed-control': 5,
  'latest-control': 5,
  'no-control-position': 5,
  'full-corroboration': 6,
  'partial-corroboration': 6,
  'no-corroboration': 6,
  'no-controller': 6,
};

/** Why an event that bears on the district does not count for its status. */
export type ExclusionReason =
  | 'retracted'
  | 'superseded'
  | 'self-dispute'
  | 'self-corroboration'
  | 'target-retracted'
  | 'target-superseded'
  | 'target-not-assertion'
  | 'reaches-nothing'
  | 'withdraws-nothing';

export const EXCLUSION_TEXTS: Readonly<Record<ExclusionReason, string>> = {
  retracted: 'withdrawn by a retraction (its claimant’s own, or a curator’s); it no longer counts.',
  superseded:
    'superseded: a later assertion of the same claimant says something else, so it is no longer part of that claimant’s position (rule 2).',
  'self-dispute': 'a claimant’s dispute of its own claim does not count (DECISIONS.md).',
  'self-corroboration':
    'a claimant’s corroboration of its own claim does not count (DECISIONS.md).',
  'target-retracted': 'its target claim was withdrawn, so there is nothing left to bear on.',
  'target-superseded':
    'its target is not in the run of its claimant’s position (superseded by a later assertion), so it does not bear on the position (rule 2).',
  'target-not-assertion':
    'disputes and corroborations bear on assertions (control, presence, contest); its target is not one.',
  'reaches-nothing':
    'a blanket dispute reaches only claims of the target claimant’s run observed at or before it, and there is none here (rule 3).',
  'withdraws-nothing':
    'a retraction that withdraws nothing: a claimant retracts only its own assertions and statements, a claimant’s retraction cannot be retracted by a claimant, and a curator’s retraction cannot be retracted.',
};

/** One logged claim, as an audit names it. */
export interface ClaimRef {
  readonly claimId: string;
  readonly type: ClaimEventType;
  readonly kind: ClaimKind | 'curator-retract';
  readonly claimant: string;
  readonly reportId: string;
  readonly index: number;
  readonly place: { readonly pcode: string; readonly level: PlaceLevel };
  readonly observedAt: string;
  readonly recordedAt: string;
  /** The key that entered it (null before events named their submitter). */
  readonly submittedBy: Submitter | null;
  readonly logPosition: LogPosition;
}

/** A dispute or corroboration that counts, and the claims of the run it reaches. */
export interface CountedEvidence extends ClaimRef {
  readonly blanket: boolean;
  /** The claim of the run it names (a blanket dispute: the oldest claim it reaches). */
  readonly targetClaimId: string;
  /** Every claim of the run it reaches, newest first. */
  readonly reaches: readonly string[];
}

export interface PositionExplanation {
  readonly claimant: string;
  readonly kind: PositionCore['kind'];
  readonly actor: string | null;
  readonly observedAt: string;
  readonly disputed: boolean;
  /**
   * The run (rule 2): the claimant's latest applying assertions that say the same, newest first
   * (the first `RUN_SHOWN`; `runLength` counts them all when there are more).
   */
  readonly run: readonly ClaimRef[];
  readonly runLength?: number;
  /** Counts of all disputes and corroborations, when more than `EVIDENCE_SHOWN` are shown. */
  readonly disputeCount?: number;
  readonly corroborationCount?: number;
  readonly disputes: readonly CountedEvidence[];
  readonly corroborations: readonly (CountedEvidence & { readonly degree: Degree })[];
}

/** A retraction that withdraws a claim bearing on the district. */
export interface Withdrawal extends ClaimRef {
  readonly by: 'curator' | 'claimant';
  readonly targetClaimId: string;
  readonly curator?: string;
  readonly reason?: string;
}

export interface NotCounted extends ClaimRef {
  readonly reason: ExclusionReason;
  readonly text: string;
  /** For `retracted`: the retractions that withdraw it. */
  readonly retractedBy?: readonly Withdrawal[];
  /** For `superseded`: the claimant's position that replaced it. */
  readonly supersededBy?: {
    readonly claimId: string;
    readonly kind: PositionCore['kind'];
    readonly actor: string | null;
    readonly observedAt: string;
  };
  /** For disputes, corroborations and retractions: what they target. */
  readonly target?:
    { readonly claimId: string } | { readonly claimant: string; readonly place: string };
}

export interface Decision<R extends DecidingRule> {
  readonly rule: R;
  /** The number of the rule in DESIGN.md's "Status of a district". */
  readonly section: 4 | 5 | 6;
  readonly text: string;
}

export interface DistrictExplanation {
  readonly pcode: string;
  readonly province: string;
  readonly status: DistrictStatusName;
  readonly controller: string | null;
  readonly verification: Verification;
  readonly decidedBy: {
    readonly status: Decision<StatusRule>;
    /** The position whose actor is the controller: the latest of those the rule looks at. */
    readonly controller: Decision<ControllerRule> & {
      readonly position: { readonly claimant: string; readonly claimId: string } | null;
    };
    /** The corroboration that decided the verification, if any. */
    readonly verification: Decision<VerificationRule> & {
      readonly corroboration: {
        readonly claimId: string;
        readonly claimant: string;
        readonly degree: Degree;
        readonly targetClaimId: string;
      } | null;
    };
  };
  /** Sorted by claimant, as `districtStatus` gives them. */
  readonly positions: readonly PositionExplanation[];
  /** Retractions that withdraw claims bearing on the district, in log order. */
  readonly retractions: readonly Withdrawal[];
  /** Events bearing on the district that do not count, in log order, with the reason. */
  readonly notCounted: readonly NotCounted[];
  /** The derivation in words, rule by rule. */
  readonly narrative: readonly string[];
}

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
