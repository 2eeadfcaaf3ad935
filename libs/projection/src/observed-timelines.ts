/**
 * The observed axis: a district's observed timeline from an instant on, folded again from the
 * state just before it and every live claim observed since, in observed order (a late event
 * rewrites the timeline from its own instant on, and nothing else). The live projector runs it
 * a little later, coalesced (observed-settler.ts); a bulk replay once, from the start.
 */
import {
  ClaimFacts,
  DistrictState,
  inLogOrder,
  isAssertion,
  isRetraction,
  LineNeed,
} from '@sitrep/domain';
import { ObservedRewrite, Timeline } from './projection-effects';
import { ObservedDue, ProjectionStore } from './projection-store';
import { TimeSlice } from './time-slice';
import { settleVersions } from './timeline-versions';

/**
 * The observed timelines of these districts, each from its `from` on, recomputed from the
 * stored state just before it and every live claim observed since (`-Infinity`: from the
 * start, as a bulk replay does once every event is in). The store reads all of them at once; the
 * folds let timers and I/O run between districts (a round may fold for seconds).
 */
export async function rewriteObserved(
  store: ProjectionStore,
  dues: readonly ObservedDue[],
): Promise<ObservedRewrite[]> {
  if (dues.length === 0) return [];
  const states = await store.observedBefore(dues);
  const claims = await store.observedFrom(dues);
  // Evidence observed before a rewrite's instant that targets assertions observed since.
  const assertions = dues.flatMap((due, i) =>
    Number.isFinite(due.from) ? claims[i]!.filter(isAssertion).map((c) => c.id) : [],
  );
  const evidence = new Map<string, ClaimFacts[]>();
  if (assertions.length > 0)
    for (const t of await store.targeting(assertions)) {
      if (t.withdrawn || isRetraction(t.facts)) continue;
      const list = evidence.get(t.facts.targetId!) ?? [];
      evidence.set(t.facts.targetId!, list);
      list.push(t.facts);
    }
  const rewrites: ObservedRewrite[] = [];
  const slice = new TimeSlice();
  for (const [i, due] of dues.entries()) {
    const since = claims[i]!;
    const earlier = Number.isFinite(due.from)
      ? since.flatMap((c) => evidence.get(c.id) ?? []).filter((e) => e.at < due.from)
      : [];
    const byId = new Map(since.map((c) => [c.id, c]));
    rewrites.push({ ...due, ...foldObserved(states[i]!, since, earlier, byId) });
    if (slice.due) await slice.yield();
  }
  return rewrites;
}

/**
 * Fold claims into a state in observed order, settling at each instant: the observed timeline
 * from the first of them on. `earlier` is evidence observed before them that targets them.
 */
export function foldObserved(
  state: DistrictState,
  claims: readonly ClaimFacts[],
  earlier: readonly ClaimFacts[],
  byId: ReadonlyMap<string, ClaimFacts>,
): Timeline {
  const timeline: Timeline = { statuses: [], positions: [] };
  const needs: LineNeed[] = [];
  const claimantOf = (claim: ClaimFacts) =>
    claim.targetId === undefined
      ? undefined
      : (byId.get(claim.targetId)?.claimant ?? state.holderOf(claim.targetId));
  for (const e of earlier) state.apply(e, true, claimantOf(e));
  const visible = claims.filter((c) => !isRetraction(c));
  visible.sort((a, b) => a.at - b.at || inLogOrder(a, b));
  for (let i = 0; i < visible.length;) {
    const instant = visible[i]!.at;
    let cause = visible[i]!;
    for (; i < visible.length && visible[i]!.at === instant; i++) {
      const claim = visible[i]!;
      state.apply(claim, true, claimantOf(claim));
      if (inLogOrder(claim, cause) > 0) cause = claim;
    }
    settleVersions(state, 'observed', instant, cause.id, timeline, needs);
  }
  if (needs.length > 0) throw new Error('an observed fold needed assertions it was not given');
  return timeline;
}
