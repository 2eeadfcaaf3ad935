/**
 * The rules of DESIGN.md ("Status of a district") and the reasons a claim does not count, in the
 * words an audit uses (explain.ts).
 */
import { ControllerRule, StatusRule, VerificationRule } from './status';

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
