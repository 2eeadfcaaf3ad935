/**
 * Which claims are withdrawn, kept up to date as events arrive in log order: the rule of
 * status.ts `retractedClaimIds`, applied one event at a time. A curator's retraction withdraws any
 * claim but another curator's retraction; a claimant's retraction withdraws its claimant's own
 * claim (not a retraction), unless a curator has withdrawn the retraction itself, which gives the
 * claim back.
 */
import { ClaimFacts, isRetraction } from './claim-facts';

/** A claim whose standing changed: withdrawn, or given back. */
export interface WithdrawalFlip {
  readonly claim: ClaimFacts;
  readonly withdrawn: boolean;
}

export interface Arrival {
  /** Withdrawn already as it arrives (a retraction of it came earlier in the log). */
  readonly withdrawn: boolean;
  /** Claims that this event withdraws or gives back. */
  readonly flips: readonly WithdrawalFlip[];
}

export class Withdrawals {
  private readonly claims = new Map<string, ClaimFacts>();
  private readonly byTarget = new Map<string, ClaimFacts[]>();
  private readonly withdrawn = new Set<string>();
  private readonly indexed = new Set<string>();

  /** Make a claim known without applying it (a stored claim, with its stored standing). */
  know(claim: ClaimFacts, withdrawn: boolean): void {
    this.claims.set(claim.id, claim);
    if (withdrawn) this.withdrawn.add(claim.id);
    else this.withdrawn.delete(claim.id);
  }

  /**
   * Make a stored retraction known as one targeting its claim (without applying it), whether or
   * not it is known already as a claim (say, as the target of another retraction).
   */
  knowRetraction(retraction: ClaimFacts, withdrawn: boolean): void {
    if (!this.claims.has(retraction.id)) this.know(retraction, withdrawn);
    this.index(retraction);
  }

  isWithdrawn(id: string): boolean {
    return this.withdrawn.has(id);
  }

  claim(id: string): ClaimFacts | undefined {
    return this.claims.get(id);
  }

  /** Apply an event that is new to the log (the first of its claim id). */
  arrive(event: ClaimFacts): Arrival {
    this.claims.set(event.id, event);
    const withdrawn = this.standing(event);
    if (withdrawn) this.withdrawn.add(event.id);
    const flips: WithdrawalFlip[] = [];
    if (isRetraction(event) && event.targetId !== undefined) {
      this.index(event);
      this.reconsider(event.targetId, flips, 0);
    }
    return { withdrawn, flips };
  }

  private index(retraction: ClaimFacts): void {
    if (this.indexed.has(retraction.id)) return;
    this.indexed.add(retraction.id);
    const list = this.byTarget.get(retraction.targetId!);
    if (list) list.push(retraction);
    else this.byTarget.set(retraction.targetId!, [retraction]);
  }

  /** Whether a claim is withdrawn, by the retractions that target it. */
  private standing(claim: ClaimFacts): boolean {
    for (const r of this.byTarget.get(claim.id) ?? []) {
      if (r.type === 'claim.curator-retracted') {
        if (claim.type !== 'claim.curator-retracted') return true;
      } else if (!isRetraction(claim) && claim.claimant === r.claimant && !this.withdrawn.has(r.id))
        return true;
    }
    return false;
  }

  private reconsider(id: string, flips: WithdrawalFlip[], depth: number): void {
    const claim = this.claims.get(id);
    if (!claim || depth > 2) return;
    const was = this.withdrawn.has(id);
    const now = this.standing(claim);
    if (was === now) return;
    if (now) this.withdrawn.add(id);
    else this.withdrawn.delete(id);
    flips.push({ claim, withdrawn: now });
    // A claimant's retraction withdrawn or given back changes the standing of what it targets.
    if (claim.type === 'claim.retracted' && claim.targetId !== undefined)
      this.reconsider(claim.targetId, flips, depth + 1);
  }
}
