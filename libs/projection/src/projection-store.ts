/**
 * What the projection engine reads while it projects a batch. The live projector's store reads
 * the read model in Postgres (only what the batch needs, through indexes); a replay's bulk store
 * keeps every district's state in memory.
 */
import { ClaimFacts, DistrictState, LineNeed } from '@sitrep/domain';

/** A district whose observed timeline is to be rewritten from an instant (milliseconds) on. */
export interface ObservedDue {
  readonly district: string;
  readonly from: number;
}

/** An applied claim and whether it is withdrawn now. */
export interface StoredClaim {
  readonly facts: ClaimFacts;
  readonly withdrawn: boolean;
}

/** Older assertions loaded for a partial line, with the evidence about them. */
export interface OlderAssertions {
  /** Newest first, all older than the need's `below`. */
  readonly claims: readonly ClaimFacts[];
  /** Still older ones exist. */
  readonly more: boolean;
  /** Live disputes and corroborations by id targeting them. */
  readonly evidence: readonly ClaimFacts[];
  /** Live blanket disputes of the claimant over the district that reach them. */
  readonly blankets: readonly ClaimFacts[];
}

export interface ProjectionStore {
  /**
   * Whether the current states it gives are complete (every live assertion of every line, all
   * evidence): a complete store needs no look-ups for arriving claims.
   */
  readonly complete: boolean;
  /** Which of these claim ids are applied already. */
  applied(ids: readonly string[]): Promise<ReadonlySet<string>>;
  /** Applied claims by id. */
  claims(ids: readonly string[]): Promise<readonly StoredClaim[]>;
  /** Applied claims that target these claims by id (disputes, corroborations, retractions). */
  targeting(ids: readonly string[]): Promise<readonly StoredClaim[]>;
  /**
   * Live applied blanket disputes that reach these assertions: of the assertion's claimant, over
   * a place that covers `district`, observed at or after the assertion.
   */
  blanketsReaching(
    reaching: readonly { readonly district: string; readonly claim: ClaimFacts }[],
  ): Promise<readonly ClaimFacts[]>;
  /** The current state (recorded axis) of these districts. */
  current(districts: readonly string[]): Promise<Map<string, DistrictState>>;
  /** Older live assertions of partial lines, for each need (in order). */
  older(needs: readonly LineNeed[], limit: number): Promise<OlderAssertions[]>;
  /**
   * For each due rewrite (in order), the observed-axis state of its district in effect just
   * before its `from` (milliseconds; `-Infinity`: an empty state).
   */
  observedBefore(dues: readonly ObservedDue[]): Promise<DistrictState[]>;
  /** For each due rewrite (in order), the live applied claims bearing on its district observed at or after its `from`. */
  observedFrom(dues: readonly ObservedDue[]): Promise<(readonly ClaimFacts[])[]>;
}
