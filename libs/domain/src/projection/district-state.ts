/**
 * What one district's status depends on, kept up to date claim by claim: each claimant's line of
 * assertions (its run and the assertion after it, at least), the disputes and corroborations by
 * id that target them, and the blanket disputes over the district. Claims are applied as they
 * become visible (or withdrawn) on an axis; `settle` then recomputes the positions they touched
 * and the decision of rules 4–6, and says what changed.
 */
import { decide } from '../decide';
import { DistrictRef, PositionCore, StatusDecision } from '../status';
import { ClaimantLine } from './claimant-line';
import { ClaimFacts, inLogOrder } from './claim-facts';
import { positionOf, samePosition } from './position-of';

/** Older assertions of a claimant that a partial line needs loaded before it can go on. */
export interface LineNeed {
  readonly district: string;
  readonly claimant: string;
  /** Load the live assertions older than this one (the oldest loaded), or all when undefined. */
  readonly below: ClaimFacts | undefined;
}

/**
 * What a changed position writes to the district's position timeline: its own record (`own`); a
 * row saying that from now on it is the province lane's (`lane`: the position follows from claims
 * about the whole province only); or nothing (`none`: it was the lane's already, and the lane's
 * own timeline has the change).
 */
export type PositionRow = 'own' | 'lane' | 'none';

export interface Settlement {
  /** Positions that changed: the new one, or null when the claimant no longer holds one. */
  readonly positions: readonly {
    readonly claimant: string;
    readonly position: PositionCore | null;
    readonly row: PositionRow;
  }[];
  /** Whether the status, the controller or the verification changed. */
  readonly headline: boolean;
  /** Lines that need older assertions loaded; when any, nothing else was settled. */
  readonly needs: readonly LineNeed[];
}

const NONE: readonly ClaimFacts[] = [];

function insertInLogOrder(list: ClaimFacts[], claim: ClaimFacts): boolean {
  let i = list.length;
  while (i > 0 && inLogOrder(claim, list[i - 1]!) < 0) i -= 1;
  if (list[i - 1]?.id === claim.id) return false;
  list.splice(i, 0, claim);
  return true;
}

function removeById(list: ClaimFacts[] | undefined, id: string): boolean {
  if (!list) return false;
  const i = list.findIndex((c) => c.id === id);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/**
 * A district's state, or a province lane's: the positions claimants hold from claims about the
 * whole province only (`pcode` is the province's). A district's position that follows from such
 * claims alone is the lane's: the district's timeline points to the lane instead of repeating it
 * (a claim about a province changes one lane, not a row in each of its districts).
 */
export class DistrictState {
  readonly isLane: boolean;
  private readonly lines = new Map<string, ClaimantLine>();
  /** Claimants whose latest position row in this district's timeline is its own (not the lane's). */
  private readonly ownRows = new Set<string>();
  /** Disputes and corroborations by id, by the claim they target, in log order. */
  private readonly evidence = new Map<string, ClaimFacts[]>();
  /** Blanket disputes over the district or its province, by the claimant they dispute. */
  private readonly blankets = new Map<string, ClaimFacts[]>();
  private readonly positions = new Map<string, PositionCore>();
  /** Claimants holding a position, in the order `districtStatus` lists positions. */
  private order: string[] = [];
  /** The settled positions in that order, kept until they change. */
  private listed: readonly PositionCore[] | undefined;
  private readonly dirty = new Set<string>();
  private current: StatusDecision;

  constructor(
    readonly district: DistrictRef,
    settled: { readonly positions: readonly PositionCore[]; readonly decision?: StatusDecision } = {
      positions: [],
    },
  ) {
    this.isLane = district.pcode === district.province;
    for (const p of settled.positions) this.positions.set(p.claimant, p);
    this.order = settled.positions.map((p) => p.claimant).sort((a, b) => a.localeCompare(b));
    this.current = settled.decision ?? decide(this.settledPositions());
  }

  get decision(): StatusDecision {
    return this.current;
  }

  /** The settled positions, in `districtStatus`'s order (by claimant). */
  settledPositions(): readonly PositionCore[] {
    return (this.listed ??= this.order.map((c) => this.positions.get(c)!));
  }

  position(claimant: string): PositionCore | undefined {
    return this.positions.get(claimant);
  }

  line(claimant: string): ClaimantLine | undefined {
    return this.lines.get(claimant);
  }

  /** Every line, for keeping the state. */
  allLines(): IterableIterator<ClaimantLine> {
    return this.lines.values();
  }

  /** The claimant whose loaded assertion this is, if any. */
  holderOf(claimId: string): string | undefined {
    for (const line of this.lines.values()) if (line.holds(claimId)) return line.claimant;
    return undefined;
  }

  /** Every claim the state holds: its lines' assertions, evidence and blanket disputes. */
  liveClaims(): ClaimFacts[] {
    const claims: ClaimFacts[] = [];
    for (const line of this.lines.values()) claims.push(...line.newest());
    for (const list of this.evidence.values()) claims.push(...list);
    for (const list of this.blankets.values()) claims.push(...list);
    return claims;
  }

  evidenceFor(claimId: string): readonly ClaimFacts[] {
    return this.evidence.get(claimId) ?? NONE;
  }

  blanketsOf(claimant: string): readonly ClaimFacts[] {
    return this.blankets.get(claimant) ?? NONE;
  }

  /**
   * Start a claimant's line from loaded assertions (newest first). `row` says whether the
   * position's latest row was the district's own or the lane's (undefined: judge from the line,
   * once it is complete: `judgeRows`).
   */
  restoreLine(
    claimant: string,
    newestFirst: readonly ClaimFacts[],
    more: boolean,
    restored?: { readonly own: boolean; readonly boundary: 0 | 1 | undefined },
  ): ClaimantLine {
    const line = new ClaimantLine(claimant, newestFirst, more);
    this.lines.set(claimant, line);
    if (restored) {
      line.restoredBoundary = restored.boundary;
      if (restored.own) this.ownRows.add(claimant);
    }
    return line;
  }

  /** After a restore of current lines: which positions' latest rows are the district's own. */
  judgeRows(): void {
    for (const [claimant, line] of this.lines) {
      const run = line.run();
      if (run && run.length > 0 && !this.follows(claimant, line, run)) this.ownRows.add(claimant);
    }
  }

  /**
   * Whether a position follows from claims about the whole province alone (it is the lane's):
   * its run holds none about the district, the assertion that ends it (if any) is about the
   * province, and no blanket dispute over the district itself reaches it.
   */
  private follows(claimant: string, line: ClaimantLine, run: readonly ClaimFacts[]): boolean {
    if (this.isLane) return false;
    for (const c of run) if (c.specific === 1) return false;
    if (line.boundaryLevel(run.length) === 1) return false;
    const oldest = run[run.length - 1]!.at;
    for (const b of this.blankets.get(claimant) ?? NONE)
      if (b.claimant !== claimant && b.targetPlace === this.district.pcode && b.at >= oldest)
        return false;
    return true;
  }

  private covers(place: string | undefined): boolean {
    return place === this.district.pcode || place === this.district.province;
  }

  /**
   * A claim becomes visible (`present`) or stops counting (withdrawn). `targetClaimant` names the
   * claimant of the claim a dispute or corroboration by id targets, when it is known.
   */
  apply(claim: ClaimFacts, present: boolean, targetClaimant?: string): void {
    switch (claim.type) {
      case 'claim.asserted': {
        if (!this.covers(claim.place)) return;
        let line = this.lines.get(claim.claimant);
        if (!line) {
          if (!present) return;
          line = new ClaimantLine(claim.claimant);
          this.lines.set(claim.claimant, line);
        }
        if (present ? line.insert(claim) : line.remove(claim.id)) this.dirty.add(claim.claimant);
        return;
      }
      case 'claim.disputed':
      case 'claim.corroborated': {
        if (claim.targetId === undefined) {
          // A blanket dispute: of a claimant, over a place that covers the district.
          if (!this.covers(claim.targetPlace)) return;
          const disputed = claim.targetClaimant!;
          if (present) {
            let list = this.blankets.get(disputed);
            if (!list) this.blankets.set(disputed, (list = []));
            if (insertInLogOrder(list, claim)) this.dirty.add(disputed);
          } else if (removeById(this.blankets.get(disputed), claim.id)) this.dirty.add(disputed);
          return;
        }
        let changed: boolean;
        if (present) {
          let list = this.evidence.get(claim.targetId);
          if (!list) this.evidence.set(claim.targetId, (list = []));
          changed = insertInLogOrder(list, claim);
        } else changed = removeById(this.evidence.get(claim.targetId), claim.id);
        const holder = targetClaimant ?? this.holderOf(claim.targetId);
        if (changed && holder !== undefined) this.dirty.add(holder);
        return;
      }
      default:
        return; // retractions count through the claims they withdraw
    }
  }

  /** Add what a store loaded for a partial line: older assertions and the evidence about them. */
  extendLine(
    claimant: string,
    older: readonly ClaimFacts[],
    more: boolean,
    evidence: readonly ClaimFacts[],
    blankets: readonly ClaimFacts[],
  ): void {
    const line = this.lines.get(claimant) ?? this.restoreLine(claimant, [], true);
    line.extend(older, more);
    for (const e of evidence) this.apply(e, true, claimant);
    for (const b of blankets) this.apply(b, true);
    this.dirty.add(claimant);
  }

  /** Recompute what the claims applied since the last settlement changed. */
  settle(): Settlement {
    const needs: LineNeed[] = [];
    const computed: [string, PositionCore | null, boolean][] = [];
    for (const claimant of this.dirty) {
      const line = this.lines.get(claimant);
      const run = line ? line.run() : NONE;
      if (run === undefined) {
        needs.push({ district: this.district.pcode, claimant, below: line!.oldest });
        continue;
      }
      if (run.length === 0) computed.push([claimant, null, true]);
      else
        computed.push([
          claimant,
          positionOf(claimant, run, this.evidence, this.blankets.get(claimant) ?? NONE),
          this.follows(claimant, line!, run),
        ]);
    }
    if (needs.length > 0) return { positions: [], headline: false, needs };
    this.dirty.clear();
    const changed: { claimant: string; position: PositionCore | null; row: PositionRow }[] = [];
    for (const [claimant, position, lane] of computed) {
      const before = this.positions.get(claimant) ?? null;
      // A lane's rows are its own; a district's, the lane's when the position follows from it.
      const own = this.isLane || !lane;
      const wasOwn = this.ownRows.has(claimant);
      // An unchanged position whose row would change too (say, a claim about the district now
      // ends its run): its row must be written, lest the lane's later changes show through.
      if (samePosition(before, position) && (this.isLane || own === wasOwn)) continue;
      const row: PositionRow = own ? 'own' : wasOwn ? 'lane' : 'none';
      if (own) this.ownRows.add(claimant);
      else this.ownRows.delete(claimant);
      changed.push({ claimant, position, row });
      this.listed = undefined;
      if (position === null) {
        this.positions.delete(claimant);
        this.order = this.order.filter((c) => c !== claimant);
      } else {
        if (!before) this.insertInOrder(claimant);
        this.positions.set(claimant, position);
      }
    }
    if (changed.length === 0 || this.isLane) return { positions: changed, headline: false, needs };
    const before = this.current;
    this.current = decide(this.settledPositions());
    const headline =
      before.status !== this.current.status ||
      before.controller !== this.current.controller ||
      before.verification !== this.current.verification;
    return { positions: changed, headline, needs };
  }

  private insertInOrder(claimant: string): void {
    let i = this.order.length;
    while (i > 0 && this.order[i - 1]!.localeCompare(claimant) > 0) i -= 1;
    this.order.splice(i, 0, claimant);
  }
}
