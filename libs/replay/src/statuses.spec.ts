/**
 * `provinceStatuses` routes each event to the districts it can bear on, for speed; it must give
 * exactly what `districtStatus` gives each district from the whole province's ledger.
 */
import { districtStatus, LoggedEvent } from '@sitrep/domain';
import {
  assertion,
  BAGHLAN,
  corroboration,
  curatorRetraction,
  dispute,
  districtsOf,
  gazetteer,
  PANJSHIR,
  prng,
  retraction,
} from '@sitrep/domain/testing/fixtures';
import { plan, provinceStatuses, statusesOf } from './statuses';
import { StoredEvent } from './stored-event';

const PROVINCES = [PANJSHIR, BAGHLAN];
const PLACES = [...PROVINCES, ...PROVINCES.flatMap((p) => districtsOf(p))];
const CLAIMANTS = ['taliban', 'nrf', 'local-elders', 'emergency-ngo', 'un-ocha', 'isk'];

/** A log over two provinces with every kind of event, ties in observedAt and odd targets. */
function log(seed: number, count: number): LoggedEvent[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const events: LoggedEvent[] = [];
  const assertions: LoggedEvent[] = [];
  for (let offset = 0; offset < count; offset++) {
    // Few distinct instants: ties on observedAt happen.
    const observedAt = new Date(Date.UTC(2021, 7, 1 + Math.floor(random() * 20))).toISOString();
    // Claim ids are UUIDs, as on the topic (stored events are decoded again from their bytes).
    const id = `00000000-0000-4000-8000-${String(offset).padStart(12, '0')}`;
    const common = { id, reportId: `r${offset}`, claimant: pick(CLAIMANTS), observedAt, offset };
    const roll = random();
    let event: LoggedEvent;
    if (assertions.length < 5 || roll < 0.45) {
      const kind = pick(['control', 'control', 'presence', 'contest'] as const);
      event = assertion({
        ...common,
        kind,
        actor: kind === 'contest' ? null : pick(CLAIMANTS),
        place: pick(PLACES),
      });
      assertions.push(event);
    } else if (roll < 0.6) {
      event = dispute({ ...common, target: pick(assertions) });
    } else if (roll < 0.68) {
      event = dispute({ ...common, target: { claimant: pick(CLAIMANTS), place: pick(PLACES) } });
    } else if (roll < 0.7) {
      // A dispute of a dispute, or of a claim of the other province (logged in this one).
      event = dispute({ ...common, target: pick(events), place: pick(PLACES) });
    } else if (roll < 0.82) {
      event = corroboration({
        ...common,
        target: pick(assertions),
        degree: pick(['full', 'partial'] as const),
      });
    } else if (roll < 0.9) {
      const target = pick(events);
      const claimant = random() < 0.7 ? target.event.claimant : common.claimant;
      event = retraction({ ...common, claimant, target });
    } else if (roll < 0.94) {
      event = curatorRetraction({ ...common, target: pick(events) });
    } else {
      const again = pick(events);
      event = { event: again.event, position: { partition: 0, offset } };
    }
    events.push(event);
  }
  return events;
}

/** The replay's ledgers: per province, the first occurrence of each claim id, in log order. */
function ledgers(events: readonly LoggedEvent[]): Map<string, Map<string, LoggedEvent>> {
  const result = new Map(PROVINCES.map((p) => [p, new Map<string, LoggedEvent>()]));
  for (const e of events) {
    const ledger = result.get(e.event.place.province)!;
    if (!ledger.has(e.event.id)) ledger.set(e.event.id, e);
  }
  return result;
}

describe('provinceStatuses', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    'equals districtStatus over the whole ledger (seed %i)',
    (seed) => {
      for (const [province, ledger] of ledgers(log(seed, seed % 2 === 0 ? 400 : 2500))) {
        const expected = districtsOf(province).map((pcode) => ({
          ...districtStatus({ pcode, province }, [...ledger.values()]),
          province,
        }));
        const statuses = provinceStatuses(province, ledger, gazetteer);
        expect(statuses).toEqual(expected);
        expect(statuses.some((s) => s.positions.length > 0)).toBe(true);
        const some = new Set(districtsOf(province).filter((_, i) => i % 2 === 1));
        expect(provinceStatuses(province, ledger, gazetteer, some)).toEqual(
          expected.filter((s) => some.has(s.pcode)),
        );
        // The same ledger as a bulk replay keeps it (facts only), loading what it is asked for.
        const stored = new Map(
          [...ledger].map(([id, e]) => [id, new StoredEvent(e.event, e.position)]),
        );
        const load = (events: readonly LoggedEvent[]) =>
          events.forEach((e) => {
            if (e instanceof StoredEvent && !e.isLoaded) e.load(ledger.get(e.id)!.event);
          });
        const planned = plan(province, stored, gazetteer);
        const needed = new Set(planned.districts.flatMap((d) => d.events));
        load([...needed]);
        expect(statusesOf(planned)).toEqual(expected);
        // Only a small part of the ledger is needed (the runs, their evidence, the retractions).
        expect(needed.size).toBeLessThan(ledger.size);
      }
    },
  );

  it('gives nothing for a province nobody spoke of', () => {
    expect(provinceStatuses(PANJSHIR, new Map(), gazetteer)).toEqual([]);
  });
});
