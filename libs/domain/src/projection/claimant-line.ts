/**
 * One claimant's assertions about one district (rules 1–2): the live assertions of the claimant
 * that cover the district (about it or its province), in rule 2's order. A line may be partial: it
 * then holds the newest assertions only (enough for the run and the assertion after it), and the
 * store holds the older ones; a line that needs them says so (`run` answers undefined) and the
 * projection loads more before it goes on.
 */
import { ClaimFacts, newestFirst } from './claim-facts';

export class ClaimantLine {
  /** Loaded assertions, OLDEST first (so the newest is appended at the end, the usual case). */
  private readonly claims: ClaimFacts[];

  /**
   * Restored from a timeline row (which holds the run only): whether the assertion after the run,
   * not loaded, is about the district (1) or its province (0), when there is one.
   */
  restoredBoundary: 0 | 1 | undefined;

  constructor(
    readonly claimant: string,
    newestFirstClaims: readonly ClaimFacts[] = [],
    /** Older live assertions may exist that are not loaded. */
    public more = false,
  ) {
    this.claims = [...newestFirstClaims].reverse();
  }

  get size(): number {
    return this.claims.length;
  }

  /** The loaded assertions, newest first. */
  newest(): ClaimFacts[] {
    return [...this.claims].reverse();
  }

  holds(id: string): boolean {
    return this.claims.some((c) => c.id === id);
  }

  /** The oldest loaded assertion. */
  get oldest(): ClaimFacts | undefined {
    return this.claims[0];
  }

  /**
   * Add an assertion in its place. One older than every loaded assertion of a partial line lies
   * in the part that is not loaded (the store has it): it is left out, and false is answered.
   */
  insert(claim: ClaimFacts): boolean {
    const claims = this.claims;
    let i = claims.length;
    // Usually the newest: compare from the end.
    while (i > 0 && newestFirst(claim, claims[i - 1]!) > 0) i -= 1;
    if (claims[i - 1]?.id === claim.id || claims[i]?.id === claim.id) return false;
    // A partial line holds its newest assertions: whatever is older than all of them may be
    // older or newer than the ones not loaded, so its place is not known here.
    if (i === 0 && this.more) return false;
    claims.splice(i, 0, claim);
    return true;
  }

  remove(id: string): boolean {
    for (let i = this.claims.length - 1; i >= 0; i--) {
      if (this.claims[i]!.id === id) {
        this.claims.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Add older assertions loaded from the store (older than every loaded one), newest first. */
  extend(older: readonly ClaimFacts[], more: boolean): void {
    for (const claim of older) {
      if (this.claims.some((c) => c.id === claim.id)) continue;
      this.claims.unshift(claim);
    }
    this.more = more;
  }

  /**
   * Rule 2's run: the newest assertion and those after it that say the same (kind and actor),
   * newest first; empty when the line is empty. Undefined when it cannot be known without the
   * assertions that are not loaded: the run reaches the oldest loaded one of a partial line.
   */
  run(): ClaimFacts[] | undefined {
    const claims = this.claims;
    const n = claims.length;
    if (n === 0) return this.more ? undefined : [];
    const head = claims[n - 1]!;
    const run = [head];
    for (let i = n - 2; i >= 0; i--) {
      const c = claims[i]!;
      if (c.kind !== head.kind || c.actor !== head.actor) return run;
      run.push(c);
    }
    return this.more ? undefined : run;
  }

  /** The newest assertion that is not in the run (what ends the run), if loaded. */
  boundary(runLength: number): ClaimFacts | undefined {
    return this.claims[this.claims.length - 1 - runLength];
  }

  /** Whether what ends the run is about the district (1) or its province (0); undefined: none. */
  boundaryLevel(runLength: number): 0 | 1 | undefined {
    return this.boundary(runLength)?.specific ?? this.restoredBoundary;
  }

  /** Keep the run and the assertion after it; older ones are left to the store. */
  trim(runLength: number): void {
    const keep = runLength + 1;
    if (this.claims.length <= keep) return;
    this.claims.splice(0, this.claims.length - keep);
    this.more = true;
  }
}
