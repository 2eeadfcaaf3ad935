/**
 * The projection engine: one batch of the claim log (one partition, in log order) → the rows of
 * the read model. Decode and upcast happened before; here each event is routed to the districts
 * it bears on, applied to their states, and the states settle into new versions of the timelines:
 *
 * - recorded axis: the current state of each touched district, event after event in log order;
 *   every instant at which a district's document changed becomes a version. It only grows.
 * - observed axis: the batch says, per district, the earliest observed instant it changes
 *   (`observedFrom`); `rewriteObserved` (observed-timelines.ts) then folds the state just before
 *   that instant and every claim observed since again, in observed order (a late event rewrites
 *   the district's observed timeline from its own instant on, and nothing else). The live
 *   projector rewrites them a little later, coalesced (observed-settler.ts); a bulk replay once,
 *   when the whole log is in.
 *
 * The same engine serves the live projector, full replays and scoped replays; only the store it
 * reads and the sink its effects go to differ (projection-store.ts, projection-effects.ts).
 */
import {
  ClaimFacts,
  DistrictRouter,
  DistrictState,
  factsOf,
  Gazetteer,
  isAssertion,
  isRetraction,
  LineNeed,
  LoggedEvent,
  WithdrawalFlip,
  Withdrawals,
} from '@sitrep/domain';
import {
  AppliedEvent,
  BatchEffects,
  ContinuedInstant,
  ObservedRewrite,
} from './projection-effects';
import { rewriteObserved } from './observed-timelines';
import { ObservedDue, OlderAssertions, ProjectionStore } from './projection-store';
import { TimeSlice } from './time-slice';
import { settleVersions } from './timeline-versions';

export interface ProjectionOptions {
  /** How many older assertions a partial line loads at a time. */
  readonly olderPage?: number;
}

interface Arrived {
  readonly facts: ClaimFacts;
  readonly withdrawn: boolean;
  readonly flips: readonly WithdrawalFlip[];
}

const MAX_ATTEMPTS = 64;

export class ProjectionEngine {
  readonly router: DistrictRouter;

  constructor(
    readonly gazetteer: Gazetteer,
    private readonly options: ProjectionOptions = {},
  ) {
    this.router = new DistrictRouter(gazetteer);
  }

  /**
   * Project a batch of one partition's events (decoded, in log order). `clock` is the partition's
   * recorded clock before the batch (0 at the start of the log).
   */
  async project(
    store: ProjectionStore,
    batch: readonly LoggedEvent[],
    clock: number,
  ): Promise<BatchEffects> {
    // The first of each claim id, not applied before.
    const seen = new Set<string>();
    const unique: LoggedEvent[] = [];
    for (const logged of batch) {
      if (seen.has(logged.event.id)) continue;
      seen.add(logged.event.id);
      unique.push(logged);
    }
    const applied = await store.applied([...seen]);
    const fresh: { logged: LoggedEvent; facts: ClaimFacts }[] = [];
    const before = clock;
    for (const logged of unique) {
      if (applied.has(logged.event.id)) continue;
      clock = Math.max(clock, Date.parse(logged.event.recordedAt));
      fresh.push({ logged, facts: factsOf(logged, clock) });
    }
    const duplicates = batch.length - fresh.length;

    const context = await this.context(
      store,
      fresh.map((f) => f.facts),
    );
    const arrivals: Arrived[] = fresh.map(({ facts }) => ({
      facts,
      ...context.withdrawals.arrive(facts),
    }));

    const recorded = await this.recorded(store, arrivals, context, before);
    const observedFrom = this.observedFrom(arrivals, context.withdrawals);

    const events: AppliedEvent[] = fresh.map(({ logged, facts }) => ({
      logged,
      facts,
      withdrawn: context.withdrawals.isWithdrawn(facts.id),
    }));
    const batchIds = new Set(fresh.map((f) => f.facts.id));
    const standings = [...context.stored]
      .filter(([id]) => !batchIds.has(id))
      .map(([id, was]) => ({ id, withdrawn: context.withdrawals.isWithdrawn(id), was }))
      .filter((s) => s.withdrawn !== s.was)
      .map(({ id, withdrawn }) => ({ id, withdrawn }));

    return {
      applied: events,
      duplicates,
      standings,
      states: recorded.states,
      recorded: recorded.timeline,
      observedFrom,
      clock,
    };
  }

  /**
   * The observed timelines of these districts, each from its `from` on (observed-timelines.ts).
   */
  rewriteObserved(
    store: ProjectionStore,
    dues: readonly ObservedDue[],
  ): Promise<ObservedRewrite[]> {
    return rewriteObserved(store, dues);
  }

  // ---- what the batch needs to know ------------------------------------------------------

  /**
   * The claims the batch targets, the retractions that target them or the batch's claims, and
   * the evidence already applied that targets the batch's claims.
   */
  private async context(store: ProjectionStore, fresh: readonly ClaimFacts[]) {
    const withdrawals = new Withdrawals();
    /** Standing before the batch of every stored claim it looked at. */
    const stored = new Map<string, boolean>();
    const know = (claims: readonly { facts: ClaimFacts; withdrawn: boolean }[]) => {
      for (const c of claims) {
        withdrawals.know(c.facts, c.withdrawn);
        stored.set(c.facts.id, c.withdrawn);
      }
    };
    const inBatch = new Set(fresh.map((f) => f.id));
    const wanted = (ids: Iterable<string | undefined>) =>
      [...new Set(ids)].filter(
        (id): id is string => id !== undefined && !inBatch.has(id) && !stored.has(id),
      );
    const targets = await store.claims(wanted(fresh.map((f) => f.targetId)));
    know(targets);
    // The targets' own targets: a curator may withdraw a claimant's retraction (and so give back
    // what it withdrew) or a dispute or corroboration (whose target's claimant's position changes).
    know(await store.claims(wanted(targets.map((t) => t.facts.targetId))));
    const targeting = await store.targeting([...inBatch, ...stored.keys()]);
    for (const t of targeting) {
      if (!isRetraction(t.facts)) continue;
      withdrawals.knowRetraction(t.facts, t.withdrawn);
      if (!stored.has(t.facts.id)) stored.set(t.facts.id, t.withdrawn);
    }
    return { withdrawals, stored, targeting };
  }

  private targetClaimant(withdrawals: Withdrawals, claim: ClaimFacts): string | undefined {
    return claim.targetId === undefined ? undefined : withdrawals.claim(claim.targetId)?.claimant;
  }

  private routeOf(withdrawals: Withdrawals, claim: ClaimFacts): readonly string[] {
    const target = claim.targetId === undefined ? undefined : withdrawals.claim(claim.targetId);
    return this.router.route(claim, target);
  }

  // ---- recorded axis ---------------------------------------------------------------------

  private async recorded(
    store: ProjectionStore,
    arrivals: readonly Arrived[],
    context: Awaited<ReturnType<ProjectionEngine['context']>>,
    clock: number,
  ): Promise<{ states: DistrictState[]; timeline: BatchEffects['recorded'] }> {
    const { withdrawals } = context;
    const routes = arrivals.map((a) => ({
      own: this.routeOf(withdrawals, a.facts),
      flips: a.flips.map((f) => this.routeOf(withdrawals, f.claim)),
    }));
    const touched = new Set<string>();
    for (const r of routes) {
      for (const d of r.own) touched.add(d);
      for (const f of r.flips) for (const d of f) touched.add(d);
    }
    const districts = [...touched];
    const arriving = store.complete ? undefined : await this.arriving(store, arrivals, context);
    const older = new Map<string, OlderAssertions[]>();

    for (let attempt = 1; ; attempt++) {
      const states = await store.current(districts);
      arriving?.(states);
      for (const [key, pages] of older) {
        const [district, claimant] = key.split('\u0000') as [string, string];
        for (const page of pages)
          states
            .get(district)!
            .extendLine(claimant, page.claims, page.more, page.evidence, page.blankets);
      }
      const { timeline, needs } = await this.foldRecorded(
        states,
        arrivals,
        routes,
        withdrawals,
        clock,
      );
      if (needs.length === 0) return { states: districts.map((d) => states.get(d)!), timeline };
      if (store.complete || attempt >= MAX_ATTEMPTS)
        throw new Error(`the projection could not load what ${needs.length} lines need`);
      // One page more for each line that needs one (a line may say so at several instants).
      const lines = new Map(needs.map((need) => [`${need.district}\u0000${need.claimant}`, need]));
      const asks = [...lines].map(([key, need]) => {
        const pages = older.get(key) ?? [];
        older.set(key, pages);
        return { need: { ...need, below: pages.at(-1)?.claims.at(-1) ?? need.below }, pages };
      });
      const loaded = await store.older(
        asks.map((a) => a.need),
        this.options.olderPage ?? 64,
      );
      asks.forEach((a, i) => a.pages.push(loaded[i]!));
    }
  }

  /**
   * What a partial state needs before claims arrive in it: the evidence applied earlier that
   * targets them (a claim may be targeted, within its report, by a claim logged before it) and
   * the blanket disputes that reach them, as a step to take on fresh states.
   */
  private async arriving(
    store: ProjectionStore,
    arrivals: readonly Arrived[],
    context: Awaited<ReturnType<ProjectionEngine['context']>>,
  ): Promise<(states: Map<string, DistrictState>) => void> {
    const { withdrawals } = context;
    const assertions: ClaimFacts[] = [];
    for (const a of arrivals) {
      if (isAssertion(a.facts)) assertions.push(a.facts);
      for (const f of a.flips) if (!f.withdrawn && isAssertion(f.claim)) assertions.push(f.claim);
    }
    const ids = new Set(assertions.map((a) => a.id));
    const evidence = context.targeting.filter(
      (t) => !t.withdrawn && !isRetraction(t.facts) && ids.has(t.facts.targetId!),
    );
    const reaching = assertions.flatMap((claim) =>
      this.router.statesOf(claim.place).map((district) => ({ district, claim })),
    );
    const blankets = await store.blanketsReaching(reaching);
    return (states) => {
      for (const e of evidence) {
        const target = withdrawals.claim(e.facts.targetId!);
        for (const d of this.routeOf(withdrawals, e.facts))
          states.get(d)?.apply(e.facts, true, target?.claimant);
      }
      for (const b of blankets)
        for (const d of this.router.statesOf(b.targetPlace!)) states.get(d)?.apply(b, true);
    };
  }

  /** Event after event in log order; timers and I/O run between slices (a batch may fold for seconds). */
  private async foldRecorded(
    states: Map<string, DistrictState>,
    arrivals: readonly Arrived[],
    routes: readonly { own: readonly string[]; flips: readonly (readonly string[])[] }[],
    withdrawals: Withdrawals,
    clock: number,
  ): Promise<{ timeline: BatchEffects['recorded']; needs: LineNeed[] }> {
    const timeline = { statuses: [], positions: [], continued: [] as ContinuedInstant[] };
    const needs: LineNeed[] = [];
    const open = new Map<string, { instant: number; cause: string }>();
    const settle = (district: string, at: { instant: number; cause: string }) => {
      settleVersions(states.get(district)!, 'recorded', at.instant, at.cause, timeline, needs);
      // The instant the previous batch ended with goes on (see ContinuedInstant).
      if (at.instant === clock)
        timeline.continued.push({ district, from: at.instant, cause: at.cause });
    };

    const slice = new TimeSlice();
    for (const [i, a] of arrivals.entries()) {
      const route = routes[i]!;
      const touch = (district: string) => {
        const o = open.get(district);
        if (o && o.instant !== a.facts.recordedAt) settle(district, o);
        open.set(district, { instant: a.facts.recordedAt, cause: a.facts.id });
        return states.get(district)!;
      };
      const target = this.targetClaimant(withdrawals, a.facts);
      for (const d of route.own) {
        const state = touch(d);
        if (!a.withdrawn) state.apply(a.facts, true, target);
      }
      a.flips.forEach((flip, j) => {
        const flipped = this.targetClaimant(withdrawals, flip.claim);
        for (const d of route.flips[j]!) touch(d).apply(flip.claim, !flip.withdrawn, flipped);
      });
      if (slice.due) await slice.yield();
    }
    for (const [district, at] of open) settle(district, at);
    return { timeline, needs };
  }

  // ---- observed axis ---------------------------------------------------------------------

  /**
   * The earliest observed instant the batch changes, per district: that of each claim it brings
   * (a retraction has none of its own: it applies whatever its observedAt), and that of each claim
   * it withdraws or gives back.
   */
  private observedFrom(
    arrivals: readonly Arrived[],
    withdrawals: Withdrawals,
  ): Map<string, number> {
    const from = new Map<string, number>();
    const at = (districts: readonly string[], instant: number) => {
      for (const d of districts) from.set(d, Math.min(from.get(d) ?? Infinity, instant));
    };
    for (const a of arrivals) {
      if (!isRetraction(a.facts)) at(this.routeOf(withdrawals, a.facts), a.facts.at);
      for (const flip of a.flips) at(this.routeOf(withdrawals, flip.claim), flip.claim.at);
    }
    return from;
  }
}
