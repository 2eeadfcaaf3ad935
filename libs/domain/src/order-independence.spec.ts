/**
 * DESIGN.md: the status "does not depend on the order in which [events] arrived, except for exact
 * ties". The same events, logged in many shuffled orders (log positions assigned in the shuffled
 * order), must give the same status for every district. Ties in observedAt are broken by log
 * position by design, so the generated events all have distinct observedAt values.
 */
import { AssertionKind, Degree, LoggedEvent } from './events';
import { DistrictStatus, districtStatus } from './status';
import {
  assertion,
  aug,
  BAGHLAN,
  PANJSHIR,
  corroboration,
  curatorRetraction,
  districtRef,
  districtsOf,
  dispute,
  prng,
  relog,
  retraction,
  shuffle,
  workedExample,
} from './testing/fixtures';

/** Everything of a status that must not depend on log order (log positions themselves may). */
const view = (s: DistrictStatus) => ({
  status: s.status,
  controller: s.controller,
  verification: s.verification,
  rules: s.rules,
  positions: s.positions.map((p) => ({
    claimant: p.claimant,
    kind: p.kind,
    actor: p.actor,
    observedAt: p.observedAt,
    claimIds: p.claimIds,
    disputed: p.disputed,
    disputedBy: p.disputedBy,
    corroboratedBy: p.corroboratedBy,
  })),
});

const DISTRICTS = [...districtsOf(BAGHLAN), ...districtsOf(PANJSHIR)];

const statuses = (events: readonly LoggedEvent[]) =>
  Object.fromEntries(DISTRICTS.map((d) => [d, view(districtStatus(districtRef(d), events))]));

const CLAIMANTS = ['taliban', 'nrf', 'local-elders', 'emergency-ngo', 'un-ocha'] as const;
const ACTORS = ['taliban', 'nrf'] as const;
const PLACES = [BAGHLAN, PANJSHIR, ...DISTRICTS];

/**
 * About 200 events on Baghlan and Panjshir: assertions of every kind by several claimants (each
 * place has its own few claimants, so that some districts end up claimed), explicit
 * and blanket disputes, corroborations, retractions (own, someone else's, curator) and
 * duplicates, each with its own observedAt (no two equal).
 */
function generatedEvents(seed: number, count = 200): LoggedEvent[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const minutes = shuffle(
    Array.from({ length: count * 4 }, (_, i) => i),
    random,
  ).slice(0, count);
  const observedAt = (i: number) =>
    new Date(Date.parse(aug(15)) + minutes[i]! * 7 * 60_000).toISOString();

  const claimantsOf = new Map(
    PLACES.map((place) => [
      place,
      shuffle(CLAIMANTS, random).slice(0, 1 + Math.floor(random() * 3)),
    ]),
  );
  const events: LoggedEvent[] = [];
  const assertions: LoggedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const common = { id: `g${i}#0`, observedAt: observedAt(i), offset: i };
    const roll = random();
    let event: LoggedEvent;
    if (assertions.length < 10 || roll < 0.45) {
      const kind: AssertionKind = pick([
        'control',
        'control',
        'control',
        'control',
        'presence',
        'presence',
        'contest',
      ]);
      // Mostly district claims: a province claim reaches every district.
      const place = random() < 0.1 ? pick([BAGHLAN, PANJSHIR]) : pick(DISTRICTS);
      event = assertion({
        ...common,
        claimant: pick(claimantsOf.get(place)!),
        kind,
        actor: kind === 'contest' ? null : pick(ACTORS),
        place,
      });
      assertions.push(event);
    } else if (roll < 0.6) {
      event = dispute({ ...common, claimant: pick(CLAIMANTS), target: pick(assertions) });
    } else if (roll < 0.68) {
      event = dispute({
        ...common,
        claimant: pick(CLAIMANTS),
        target: { claimant: pick(CLAIMANTS), place: pick(PLACES) },
      });
    } else if (roll < 0.82) {
      const degree: Degree = pick(['full', 'partial']);
      event = corroboration({
        ...common,
        claimant: pick(CLAIMANTS),
        target: pick(assertions),
        degree,
      });
    } else if (roll < 0.9) {
      const target = pick(events);
      const claimant = random() < 0.7 ? target.event.claimant : pick(CLAIMANTS);
      event = retraction({ ...common, claimant, target });
    } else if (roll < 0.94) {
      event = curatorRetraction({ ...common, target: pick(events) });
    } else {
      // A duplicate: the same claim id logged again.
      events.push(pick(events));
      continue;
    }
    events.push(event);
  }
  return events;
}

describe('order independence', () => {
  describe('given the worked example’s events', () => {
    const { all } = workedExample();
    const expected = statuses(all);

    it('then 100 shuffled log orders give the same status for every district', () => {
      const random = prng(2021);
      for (let run = 0; run < 100; run++) {
        expect(statuses(relog(shuffle(all, random)))).toEqual(expected);
      }
    });
  });

  describe('given ~200 generated events with distinct observedAt', () => {
    const events = generatedEvents(42);
    const expected = statuses(relog(events));

    it('then the generated set exercises the rules (not a trivial baseline)', () => {
      const all = Object.values(expected);
      const kinds = (type: LoggedEvent['event']['type']) =>
        events.filter((e) => e.event.type === type).length;
      expect(events.length).toBeGreaterThanOrEqual(190);
      expect(kinds('claim.disputed')).toBeGreaterThan(10);
      expect(kinds('claim.corroborated')).toBeGreaterThan(10);
      expect(kinds('claim.retracted')).toBeGreaterThan(5);
      expect(kinds('claim.curator-retracted')).toBeGreaterThan(2);
      expect(new Set(events.map((e) => e.event.id)).size).toBeLessThan(events.length);
      expect(all.some((s) => s.positions.some((p) => p.disputed))).toBe(true);
      expect(all.some((s) => s.positions.some((p) => p.corroboratedBy.length > 0))).toBe(true);
      expect(all.some((s) => s.positions.length >= 3)).toBe(true);
      expect(new Set(all.map((s) => s.status))).toEqual(new Set(['claimed', 'contested']));
      expect(new Set(all.map((s) => s.rules.status)).size).toBeGreaterThanOrEqual(3);
      expect(new Set(all.map((s) => s.rules.controller)).size).toBeGreaterThanOrEqual(3);
      expect(all.some((s) => s.verification !== 'none')).toBe(true);
    });

    it('then 50 shuffled log orders give the same status for every district', () => {
      const random = prng(7);
      for (let run = 0; run < 50; run++) {
        expect(statuses(relog(shuffle(events, random)))).toEqual(expected);
      }
    });

    it('then other seeds hold too', () => {
      for (const seed of [1, 2, 3]) {
        const other = generatedEvents(seed);
        const baseline = statuses(relog(other));
        const random = prng(seed * 31);
        for (let run = 0; run < 10; run++) {
          expect(statuses(relog(shuffle(other, random)))).toEqual(baseline);
        }
      }
    });
  });
});
