/**
 * A replay's store: every district's state in memory, complete (every live assertion of every
 * claimant, all evidence), so that batches need no look-ups; the facts of every applied claim,
 * for targets. A complete state holds every live claim bearing on its district: its observed
 * timeline is folded from them once the whole log is in (`ProjectionEngine.rewriteObserved` from the start).
 */
import { ClaimFacts, DistrictState, Gazetteer } from '@sitrep/domain';
import { BatchEffects } from './projection-effects';
import { ObservedDue, OlderAssertions, ProjectionStore, StoredClaim } from './projection-store';

export class BulkStore implements ProjectionStore {
  readonly complete = true;
  private readonly facts = new Map<string, ClaimFacts>();
  private readonly withdrawn = new Set<string>();
  private readonly byTarget = new Map<string, ClaimFacts[]>();
  private readonly states = new Map<string, DistrictState>();

  constructor(private readonly gazetteer: Gazetteer) {}

  /** Keep what a batch applied (its states are these very objects, changed in place). */
  commit(effects: BatchEffects): void {
    for (const { facts, withdrawn } of effects.applied) {
      this.facts.set(facts.id, facts);
      if (withdrawn) this.withdrawn.add(facts.id);
      if (facts.targetId !== undefined) {
        const list = this.byTarget.get(facts.targetId);
        if (list) list.push(facts);
        else this.byTarget.set(facts.targetId, [facts]);
      }
    }
    for (const { id, withdrawn } of effects.standings) {
      if (withdrawn) this.withdrawn.add(id);
      else this.withdrawn.delete(id);
    }
  }

  /** Every district state touched so far. */
  allStates(): IterableIterator<DistrictState> {
    return this.states.values();
  }

  /** Every applied claim id with its standing, in no particular order. */
  appliedClaims(): IterableIterator<ClaimFacts> {
    return this.facts.values();
  }

  isWithdrawn(id: string): boolean {
    return this.withdrawn.has(id);
  }

  async applied(ids: readonly string[]): Promise<ReadonlySet<string>> {
    return new Set(ids.filter((id) => this.facts.has(id)));
  }

  async claims(ids: readonly string[]): Promise<readonly StoredClaim[]> {
    return ids.flatMap((id) => {
      const facts = this.facts.get(id);
      return facts ? [{ facts, withdrawn: this.withdrawn.has(id) }] : [];
    });
  }

  async targeting(ids: readonly string[]): Promise<readonly StoredClaim[]> {
    return ids.flatMap((id) =>
      (this.byTarget.get(id) ?? []).map((facts) => ({
        facts,
        withdrawn: this.withdrawn.has(facts.id),
      })),
    );
  }

  async blanketsReaching(): Promise<readonly ClaimFacts[]> {
    return []; // a complete state has them all
  }

  async current(districts: readonly string[]): Promise<Map<string, DistrictState>> {
    const found = new Map<string, DistrictState>();
    for (const pcode of districts) {
      let state = this.states.get(pcode);
      if (!state) {
        const province = this.gazetteer.place(pcode)!.province;
        state = new DistrictState({ pcode, province });
        this.states.set(pcode, state);
      }
      found.set(pcode, state);
    }
    return found;
  }

  async older(): Promise<OlderAssertions[]> {
    throw new Error('a complete state never needs older assertions');
  }

  /** A bulk store folds observed timelines from the start only: the states before are empty. */
  async observedBefore(dues: readonly ObservedDue[]): Promise<DistrictState[]> {
    return dues.map(({ district, from }) => {
      if (from !== -Infinity)
        throw new Error(`a bulk store keeps no observed timeline (asked for ${district})`);
      return new DistrictState({
        pcode: district,
        province: this.gazetteer.place(district)!.province,
      });
    });
  }

  /** The live claims of each district's state (complete: every live claim bearing on it). */
  async observedFrom(dues: readonly ObservedDue[]): Promise<(readonly ClaimFacts[])[]> {
    return dues.map(({ district, from }) => {
      const state = this.states.get(district);
      return state ? state.liveClaims().filter((c) => c.at >= from) : [];
    });
  }
}
