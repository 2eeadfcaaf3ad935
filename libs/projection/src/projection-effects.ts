/**
 * What projecting a batch of the claim log produces: the rows a sink writes, in the words of the
 * read model. The live projector upserts them; a replay copies them into a new version.
 */
import {
  AssertionKind,
  Axis,
  ClaimFacts,
  DistrictState,
  LoggedEvent,
  StatusDecision,
} from '@sitrep/domain';

/** A change of a district's status, controller or verification, from an instant on an axis. */
export interface StatusVersion {
  readonly district: string;
  readonly axis: Axis;
  /** Milliseconds: the version holds from here until the next one. */
  readonly from: number;
  readonly status: StatusDecision['status'];
  readonly controller: string | null;
  readonly verification: StatusDecision['verification'];
  /** The claim that caused it: the last, in log order, of those at that instant. */
  readonly cause: string;
}

/**
 * A change of a claimant's position on a district: the position's line record as JSON text
 * (libs/domain line-record.ts), null when the claimant no longer holds one.
 */
export interface PositionVersion {
  readonly district: string;
  readonly claimant: string;
  readonly axis: Axis;
  readonly from: number;
  readonly kind: AssertionKind | null;
  readonly actor: string | null;
  readonly record: string | null;
  readonly cause: string;
}

export interface Timeline {
  readonly statuses: StatusVersion[];
  readonly positions: PositionVersion[];
}

/**
 * An instant of a district that a batch continued (it began in the previous batch: a report split
 * between two batches). The versions written at that instant were caused by a later claim (the
 * cause moves to it), and one that ends up equal to the version before it is no change at all (it
 * is removed).
 */
export interface ContinuedInstant {
  readonly district: string;
  readonly from: number;
  readonly cause: string;
}

/** The observed timeline of a district from `from` on, recomputed (a late event rewrote it). */
export interface ObservedRewrite extends Timeline {
  readonly district: string;
  readonly from: number;
}

/** An event new to the read model, with its facts and its standing after the batch. */
export interface AppliedEvent {
  readonly logged: LoggedEvent;
  readonly facts: ClaimFacts;
  readonly withdrawn: boolean;
}

export interface BatchEffects {
  /** Events new to the read model (the first of their claim id), in log order. */
  readonly applied: readonly AppliedEvent[];
  /** Events of the batch already applied (duplicates in the log). */
  readonly duplicates: number;
  /** Claims applied before this batch whose standing it changed (withdrawn or given back). */
  readonly standings: readonly { readonly id: string; readonly withdrawn: boolean }[];
  /** The current state (recorded axis) of every district the batch touched. */
  readonly states: readonly DistrictState[];
  /** New versions of the recorded timelines (they only grow). */
  readonly recorded: Timeline & { readonly continued: readonly ContinuedInstant[] };
  /**
   * Per district, the earliest observed instant the batch changes: its observed timeline is to be
   * rewritten from there (`ProjectionEngine.rewriteObserved`).
   */
  readonly observedFrom: ReadonlyMap<string, number>;
  /** The partition's recorded clock after the batch (the latest recorded instant applied). */
  readonly clock: number;
}
