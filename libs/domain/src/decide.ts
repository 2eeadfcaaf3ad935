/**
 * What a district's positions decide (DESIGN.md, "Status of a district", rules 4–7): its status,
 * controller and verification, and a province's summary of its districts.
 */
import { compareLogPosition } from './events';
import {
  DistrictStatus,
  DistrictStatusName,
  PositionCore,
  StatusDecision,
  StatusRule,
  ControllerRule,
  Verification,
  VerificationRule,
} from './status';

const time = (iso: string): number => Date.parse(iso);

const STATUS_OF: Readonly<Record<StatusRule, DistrictStatusName>> = {
  'unclaimed/no-positions': 'unclaimed',
  'unclaimed/presence-of-one-actor': 'unclaimed',
  'claimed/one-controller': 'claimed',
  'contested/several-controllers': 'contested',
  'contested/contest-position': 'contested',
  'contested/other-actor-present': 'contested',
  'contested/every-control-disputed': 'contested',
  'contested/presence-of-several-actors': 'contested',
};

const VERIFICATION_OF: Readonly<Record<VerificationRule, Verification>> = {
  'full-corroboration': 'corroborated',
  'partial-corroboration': 'partial',
  'no-corroboration': 'none',
  'no-controller': 'none',
};

const STATUS_RULES = Object.keys(STATUS_OF) as StatusRule[];
const CONTROLLER_RULES: readonly ControllerRule[] = [
  'claimed-actor',
  'latest-undisputed-control',
  'latest-control',
  'no-control-position',
];
const VERIFICATION_RULES = Object.keys(VERIFICATION_OF) as VerificationRule[];

type Rules = StatusDecision['rules'];

/** Every combination of rules, each one frozen object that decisions share (no allocation). */
const RULES = Object.fromEntries(
  STATUS_RULES.map((status) => [
    status,
    Object.fromEntries(
      CONTROLLER_RULES.map((controller) => [
        controller,
        Object.fromEntries(
          VERIFICATION_RULES.map((verification) => [
            verification,
            Object.freeze({ status, controller, verification }),
          ]),
        ),
      ]),
    ),
  ]),
) as Record<StatusRule, Record<ControllerRule, Record<VerificationRule, Rules>>>;

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

  let statusRule: StatusRule;
  if (positions.length === 0) statusRule = 'unclaimed/no-positions';
  else if (control === 0 && contest === 0 && !severalPresent)
    statusRule = 'unclaimed/presence-of-one-actor';
  else if (contest > 0) statusRule = 'contested/contest-position';
  else if (severalControllers) statusRule = 'contested/several-controllers';
  else if (control === 0) statusRule = 'contested/presence-of-several-actors';
  else if (anyPresence && (severalPresent || present !== controller))
    statusRule = 'contested/other-actor-present';
  else if (undisputed === 0) statusRule = 'contested/every-control-disputed';
  else statusRule = 'claimed/one-controller';
  const status = STATUS_OF[statusRule];

  let chosen: string | null = null;
  let controllerRule: ControllerRule = 'no-control-position';
  if (status === 'claimed') {
    chosen = controller ?? null;
    controllerRule = 'claimed-actor';
  } else if (control > 0) {
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
    if (full) verificationRule = 'full-corroboration';
    else if (partial) verificationRule = 'partial-corroboration';
  }

  return {
    status,
    controller: chosen,
    verification: VERIFICATION_OF[verificationRule],
    rules: RULES[statusRule][controllerRule][verificationRule],
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
