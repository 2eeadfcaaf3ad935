/**
 * The status of every district of a province, computed for a whole ledger at once.
 *
 * `districtStatus(district, events)` takes the events of the district's province and ignores those
 * that do not bear on the district. Called once per district with the whole province, that is
 * (districts × events) work, and it looks at every assertion of every claimant. Here the ledger is
 * indexed once, and each district is given only the events its status can depend on, in ledger
 * order; `districtStatus` then gives the same result, district by district (statuses.spec.ts).
 *
 * What the status of district D reads (libs/domain/src/status.ts, DESIGN.md "Status of a
 * district"), and so what D is given:
 * - withdrawn claims and the retractions themselves are left out: the withdrawn set is computed
 *   once, over the whole province, with the domain's `retractedClaimIds` (given stand-ins made
 *   of the facts it reads: see `retractionsOf`);
 * - per claimant, its position is its run: its latest assertions covering D (the district or its
 *   province), newest first by `observedAt`, then the district-level one, then the later log
 *   position, up to the first that says something else (another kind or actor). D gets the run,
 *   that first other assertion (so the run ends where it did) and the claimant's first assertion
 *   in ledger order (so claimants come in the same order); older assertions cannot matter;
 * - disputes and corroborations of a claim of a run, by id;
 * - blanket disputes whose target place covers D and that reach a claim of the disputed
 *   claimant's run (observed at or before the dispute).
 * Events are chosen by their facts (stored-event.ts): only the chosen ones need to be in memory
 * when the statuses are computed.
 */
import {
  ClaimEvent,
  compareLogPosition,
  DistrictStatus,
  districtStatus,
  Gazetteer,
  LoggedEvent,
  retractedClaimIds,
} from '@sitrep/domain';
import { Facts, factsOfLogged } from './stored-event';

export type ProvinceStatus = DistrictStatus & { readonly province: string };

/** A live event of the ledger, its facts and its ledger order. */
interface Item {
  readonly logged: LoggedEvent;
  readonly facts: Facts;
  readonly seq: number;
}

/** `newestFirst` of status.ts, on assertions. */
const newestFirst = (a: Item, b: Item): number =>
  b.facts.at - a.facts.at ||
  b.facts.specific - a.facts.specific ||
  compareLogPosition(b.logged.position, a.logged.position);

const says = (a: Facts, b: Facts): boolean => a.kind === b.kind && a.actor === b.actor;

const isRetraction = (type: Facts['type']) =>
  type === 'claim.retracted' || type === 'claim.curator-retracted';

/** A claimant's assertions covering some places, newest first, and the first in ledger order. */
interface Said {
  readonly newest: Item[];
  readonly first: Item;
}

function add(map: Map<string, Said>, item: Item): void {
  const said = map.get(item.facts.claimant);
  if (said) said.newest.push(item);
  else map.set(item.facts.claimant, { newest: [item], first: item });
}

function push<K>(map: Map<K, Item[]>, key: K, item: Item): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** The events of each district (of a province) that its status depends on, in ledger order. */
export interface ProvincePlan {
  readonly province: string;
  readonly districts: readonly { readonly pcode: string; readonly events: LoggedEvent[] }[];
}

/**
 * The statuses of the province's districts (or of `only` those) from its ledger (claim id →
 * event, in log order), as `districtStatus` gives them; none when the ledger is empty. The
 * events of `plan(…)` must be loaded.
 */
export function provinceStatuses(
  province: string,
  ledger: ReadonlyMap<string, LoggedEvent>,
  gazetteer: Gazetteer,
  only?: ReadonlySet<string>,
): ProvinceStatus[] {
  return statusesOf(plan(province, ledger, gazetteer, only));
}

/** The statuses of a plan's districts (its events loaded). */
export function statusesOf(plan: ProvincePlan): ProvinceStatus[] {
  return plan.districts.map(({ pcode, events }) => ({
    ...districtStatus({ pcode, province: plan.province }, events),
    province: plan.province,
  }));
}

/**
 * What the statuses of the province's districts (or of `only` those) depend on, read from the
 * facts of the events only (none is decoded or loaded here).
 */
export function plan(
  province: string,
  ledger: ReadonlyMap<string, LoggedEvent>,
  gazetteer: Gazetteer,
  only?: ReadonlySet<string>,
): ProvincePlan {
  const districts = gazetteer
    .districtsCoveredBy(province)
    .filter((pcode) => only === undefined || only.has(pcode));
  if (ledger.size === 0 || districts.length === 0) return { province, districts: [] };

  // Withdrawn claims, by the domain's rule: it reads only the retractions and their targets.
  const retracted = retractedClaimIds(retractionsOf(ledger));
  const items: Item[] = [];
  for (const logged of ledger.values())
    items.push({ logged, facts: factsOfLogged(logged), seq: items.length });

  // Index the live events by what they bear on. `covers` of status.ts: a place covers a
  // district when it is the district itself or the district's province.
  const wide = new Map<string, Said>(); // assertions about the province, by claimant
  const local = new Map<string, Map<string, Said>>(); // about a district, by district and claimant
  const evidence = new Map<string, Item[]>(); // disputes and corroborations, by target claim id
  const blanket = new Map<string, Item[]>(); // blanket disputes, by target place
  const isDistrict = new Set(gazetteer.districtsCoveredBy(province));
  for (const item of items) {
    const { facts } = item;
    if (retracted.has(facts.id) || isRetraction(facts.type)) continue;
    if (facts.type === 'claim.asserted') {
      if (facts.place === province) add(wide, item);
      else if (isDistrict.has(facts.place)) {
        let byClaimant = local.get(facts.place);
        if (!byClaimant) local.set(facts.place, (byClaimant = new Map()));
        add(byClaimant, item);
      }
    } else if (facts.targetId !== undefined) push(evidence, facts.targetId, item);
    else if (facts.targetPlace !== undefined) push(blanket, facts.targetPlace, item);
  }
  for (const said of wide.values()) said.newest.sort(newestFirst);
  for (const byClaimant of local.values())
    for (const said of byClaimant.values()) said.newest.sort(newestFirst);

  const planned = districts.map((pcode) => {
    const here = local.get(pcode);
    const kept = new Set<Item>();
    const runs: Item[] = [];
    /** The oldest observedAt of each claimant's run. */
    const runSince = new Map<string, number>();
    for (const claimant of new Set([...wide.keys(), ...(here?.keys() ?? [])])) {
      const a = wide.get(claimant);
      const b = here?.get(claimant);
      // Merge the claimant's two lists, newest first, up to the first assertion of another kind.
      let i = 0;
      let j = 0;
      const next = (): Item | undefined => {
        const x = a?.newest[i];
        const y = b?.newest[j];
        if (x && (!y || newestFirst(x, y) < 0)) {
          i += 1;
          return x;
        }
        if (y) j += 1;
        return y;
      };
      const head = next()!;
      let since = head.facts.at;
      for (let x: Item | undefined = head; x; x = next()) {
        kept.add(x);
        if (!says(x.facts, head.facts)) break;
        runs.push(x);
        since = Math.min(since, x.facts.at);
      }
      runSince.set(claimant, since);
      const first = !a ? b!.first : !b ? a.first : a.first.seq < b.first.seq ? a.first : b.first;
      kept.add(first);
    }
    for (const item of runs) for (const e of evidence.get(item.facts.id) ?? []) kept.add(e);
    for (const place of [province, pcode])
      for (const item of blanket.get(place) ?? []) {
        const since = runSince.get(item.facts.targetClaimant!);
        if (since !== undefined && since <= item.facts.at) kept.add(item);
      }
    const events = [...kept].sort((x, y) => x.seq - y.seq).map((item) => item.logged);
    return { pcode, events };
  });
  return { province, districts: planned };
}

/**
 * The retractions of a ledger and the claims they target, as stand-ins for `retractedClaimIds`:
 * made of the facts it reads (id, type, claimant, target id), so that nothing is loaded for it.
 * (statuses.spec.ts checks the result against the domain over whole events.)
 */
function retractionsOf(ledger: ReadonlyMap<string, LoggedEvent>): LoggedEvent[] {
  const found = new Map<string, Facts>();
  for (const logged of ledger.values()) {
    const facts = factsOfLogged(logged);
    if (!isRetraction(facts.type)) continue;
    found.set(facts.id, facts);
    const target = facts.targetId === undefined ? undefined : ledger.get(facts.targetId);
    if (target) found.set(facts.targetId!, factsOfLogged(target));
  }
  return [...found.values()].map(standIn);
}

const NOWHERE = { partition: -1, offset: -1 };

const standIn = (facts: Facts): LoggedEvent => ({
  event: {
    id: facts.id,
    type: facts.type,
    claimant: facts.claimant,
    data: { target: { claimId: facts.targetId } },
  } as unknown as ClaimEvent,
  position: NOWHERE,
});
