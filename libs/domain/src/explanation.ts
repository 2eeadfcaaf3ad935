/**
 * What an audit's explanation of a district's status holds (explain.ts makes it): positions with
 * their runs and the evidence that counts, withdrawals, what does not count and why, and the
 * rule that decided each part.
 */
import { ClaimEventType, ClaimKind, Degree, LogPosition, PlaceLevel, Submitter } from './events';
import { DecidingRule, ExclusionReason } from './explanation-texts';
import {
  ControllerRule,
  DistrictStatusName,
  PositionCore,
  StatusRule,
  Verification,
  VerificationRule,
} from './status';

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
