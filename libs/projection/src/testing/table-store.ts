/**
 * The read model's tables in memory, for unit tests of the live path: what the Postgres store
 * keeps (events with their standing, each district's current state as line records, both
 * timelines) and the same look-ups, answered by scanning. Its states are partial, as the live
 * projector's are: lines hold their run and the assertion after it, and older assertions are
 * loaded when a line needs them.
 */
import {
  Axis,
  ClaimFacts,
  decide,
  DistrictRouter,
  DistrictState,
  Gazetteer,
  inLogOrder,
  isAssertion,
  isBlanket,
  isRetraction,
  LineNeed,
  LineRecord,
  lineRecord,
  newestFirst,
  PositionCore,
  positionFromRecord,
  restoreLine,
  StatusDecision,
} from '@sitrep/domain';
import { BatchEffects, PositionVersion, StatusVersion } from '../projection-effects';
import { ProjectionEngine } from '../projection-engine';
import { ObservedDue, OlderAssertions, ProjectionStore, StoredClaim } from '../projection-store';
import { keepRecorded, positionRowsAt } from './timeline-reads';

interface CurrentRow {
  readonly records: readonly LineRecord[];
  readonly positions: readonly PositionCore[];
  readonly decision: StatusDecision;
}

export class TableStore implements ProjectionStore {
  readonly complete = false;
  readonly events = new Map<string, { facts: ClaimFacts; withdrawn: boolean }>();
  readonly currentRows = new Map<string, CurrentRow>();
  statuses: StatusVersion[] = [];
  /** Districts whose observed timeline waits to be rewritten, from an instant on. */
  readonly pending = new Map<string, number>();
  positions: PositionVersion[] = [];
  /** Look-ups made, by kind (tests check that batches read little). */
  readonly reads = { older: 0, observedBefore: 0 };
  private readonly router: DistrictRouter;

  constructor(private readonly gazetteer: Gazetteer) {
    this.router = new DistrictRouter(gazetteer);
  }

  commit(effects: BatchEffects): void {
    for (const { facts, withdrawn } of effects.applied)
      this.events.set(facts.id, { facts, withdrawn });
    for (const { id, withdrawn } of effects.standings) this.events.get(id)!.withdrawn = withdrawn;
    for (const state of effects.states) {
      const records: LineRecord[] = [];
      for (const line of state.allLines()) {
        const record = lineRecord(state, line);
        if (record) records.push(record);
      }
      this.currentRows.set(state.district.pcode, {
        records,
        positions: state.settledPositions(),
        decision: state.decision,
      });
    }
    const rows = { statuses: this.statuses, positions: this.positions };
    keepRecorded(rows, effects.recorded);
    this.statuses = rows.statuses;
    this.positions = rows.positions;
    for (const [district, from] of effects.observedFrom)
      this.pending.set(district, Math.min(this.pending.get(district) ?? Infinity, from));
  }

  /** Rewrite every pending observed timeline, as the settler does (observed-settler.ts). */
  async settle(engine: ProjectionEngine): Promise<void> {
    const due = [...this.pending];
    this.pending.clear();
    for (const rewrite of await engine.rewriteObserved(
      this,
      due.map(([district, from]) => ({ district, from })),
    )) {
      const stale = (v: { district: string; axis: Axis; from: number }) =>
        v.district === rewrite.district && v.axis === 'observed' && v.from >= rewrite.from;
      this.statuses = [...this.statuses.filter((s) => !stale(s)), ...rewrite.statuses];
      this.positions = [...this.positions.filter((p) => !stale(p)), ...rewrite.positions];
    }
  }

  async applied(ids: readonly string[]): Promise<ReadonlySet<string>> {
    return new Set(ids.filter((id) => this.events.has(id)));
  }

  async claims(ids: readonly string[]): Promise<readonly StoredClaim[]> {
    return ids.flatMap((id) => {
      const row = this.events.get(id);
      return row ? [{ ...row }] : [];
    });
  }

  async targeting(ids: readonly string[]): Promise<readonly StoredClaim[]> {
    const wanted = new Set(ids);
    return [...this.events.values()]
      .filter((e) => e.facts.targetId !== undefined && wanted.has(e.facts.targetId))
      .map((e) => ({ ...e }));
  }

  private covers(place: string | undefined, district: string): boolean {
    return place === district || place === this.gazetteer.place(district)!.province;
  }

  async blanketsReaching(
    reaching: readonly { readonly district: string; readonly claim: ClaimFacts }[],
  ): Promise<readonly ClaimFacts[]> {
    const found = new Map<string, ClaimFacts>();
    for (const { district, claim } of reaching)
      for (const e of this.events.values())
        if (
          !e.withdrawn &&
          isBlanket(e.facts) &&
          e.facts.targetClaimant === claim.claimant &&
          this.covers(e.facts.targetPlace, district) &&
          e.facts.at >= claim.at
        )
          found.set(e.facts.id, e.facts);
    return [...found.values()];
  }

  async current(districts: readonly string[]): Promise<Map<string, DistrictState>> {
    const states = new Map<string, DistrictState>();
    for (const pcode of districts) {
      const ref = { pcode, province: this.gazetteer.place(pcode)!.province };
      const row = this.currentRows.get(pcode);
      const state = new DistrictState(
        ref,
        row && { positions: row.positions, decision: row.decision },
      );
      for (const record of row?.records ?? []) restoreLine(state, record);
      state.judgeRows();
      states.set(pcode, state);
    }
    return states;
  }

  async older(needs: readonly LineNeed[], limit: number): Promise<OlderAssertions[]> {
    return needs.map((need) => this.olderOne(need, limit));
  }

  private olderOne(need: LineNeed, limit: number): OlderAssertions {
    this.reads.older += 1;
    const live = [...this.events.values()]
      .filter(
        (e) =>
          !e.withdrawn &&
          isAssertion(e.facts) &&
          e.facts.claimant === need.claimant &&
          this.covers(e.facts.place, need.district) &&
          (need.below === undefined || newestFirst(e.facts, need.below) > 0),
      )
      .map((e) => e.facts)
      .sort(newestFirst);
    const claims = live.slice(0, limit);
    const ids = new Set(claims.map((c) => c.id));
    const evidence = [...this.events.values()]
      .filter(
        (e) =>
          !e.withdrawn &&
          !isRetraction(e.facts) &&
          e.facts.targetId !== undefined &&
          ids.has(e.facts.targetId),
      )
      .map((e) => e.facts);
    const oldest = claims.at(-1)?.at ?? Infinity;
    const blankets = [...this.events.values()]
      .filter(
        (e) =>
          !e.withdrawn &&
          isBlanket(e.facts) &&
          e.facts.targetClaimant === need.claimant &&
          this.covers(e.facts.targetPlace, need.district) &&
          e.facts.at >= oldest,
      )
      .map((e) => e.facts);
    return { claims, more: live.length > limit, evidence, blankets };
  }

  async observedBefore(dues: readonly ObservedDue[]): Promise<DistrictState[]> {
    return dues.map(({ district, from }) => {
      this.reads.observedBefore += 1;
      const ref = { pcode: district, province: this.gazetteer.place(district)!.province };
      const rows = positionRowsAt(
        { statuses: this.statuses, positions: this.positions },
        ref,
        'observed',
        from,
        false,
      );
      const positions = rows.map((r) => positionFromRecord(r.record, ref));
      const state = new DistrictState(ref, { positions, decision: decide(positions) });
      for (const { record, own } of rows) restoreLine(state, record, { own });
      return state;
    });
  }

  async observedFrom(dues: readonly ObservedDue[]): Promise<(readonly ClaimFacts[])[]> {
    return dues.map(({ district, from }) =>
      [...this.events.values()]
        .filter((e) => !e.withdrawn && !isRetraction(e.facts) && e.facts.at >= from)
        .filter((e) => {
          const target =
            e.facts.targetId === undefined ? undefined : this.events.get(e.facts.targetId)?.facts;
          return this.router.route(e.facts, target).includes(district);
        })
        .map((e) => e.facts)
        .sort(inLogOrder),
    );
  }
}
