/** The fold (`evolve`), the districts an event touches, and a district's history. */
import { LoggedEvent } from './events';
import { districtHistory, districtsTouchedBy, emptyLedger, eventsOf, evolve } from './ledger';
import {
  ANDARAB,
  assertion,
  BAGHLAN,
  corroboration,
  curatorRetraction,
  DEH_SALAH,
  districtRef,
  districtsOf,
  dispute,
  gazetteer,
  retraction,
  sep,
  SHUTUL,
  PANJSHIR,
} from './testing/fixtures';

const nrfHoldsDehSalah = assertion({
  id: 'n#0',
  claimant: 'nrf',
  place: DEH_SALAH,
  observedAt: sep(1),
  offset: 0,
});
const talibanTakesBaghlan = assertion({
  id: 't#0',
  claimant: 'taliban',
  place: BAGHLAN,
  observedAt: sep(2),
  offset: 1,
});

describe('evolve', () => {
  describe('given an empty ledger and a batch of two claims', () => {
    const before = emptyLedger(BAGHLAN);
    const evolution = evolve(before, [nrfHoldsDehSalah, talibanTakesBaghlan], gazetteer);

    it('then both are applied, in batch order', () => {
      expect(evolution.applied).toEqual([nrfHoldsDehSalah, talibanTakesBaghlan]);
      expect(eventsOf(evolution.ledger)).toEqual([nrfHoldsDehSalah, talibanTakesBaghlan]);
      expect(evolution.ledger.province).toBe(BAGHLAN);
    });

    it('then the input ledger is untouched (evolve is pure)', () => {
      expect(before.events.size).toBe(0);
      expect(evolution.ledger).not.toBe(before);
      expect(evolution.ledger.events).not.toBe(before.events);
    });

    it('then the province claim affects every district of the province', () => {
      expect([...evolution.affected].sort()).toEqual([...districtsOf(BAGHLAN)].sort());
    });
  });

  describe('given a ledger holding two claims', () => {
    const ledger = evolve(
      emptyLedger(BAGHLAN),
      [nrfHoldsDehSalah, talibanTakesBaghlan],
      gazetteer,
    ).ledger;
    const snapshot = [...ledger.events.entries()];

    it('when a batch repeats one of them at a new log position, then the duplicate is skipped', () => {
      const again: LoggedEvent = { ...nrfHoldsDehSalah, position: { partition: 0, offset: 9 } };
      const evolution = evolve(ledger, [again], gazetteer);
      expect(evolution.applied).toEqual([]);
      expect(evolution.affected.size).toBe(0);
      expect(evolution.ledger.events.get('n#0')).toBe(nrfHoldsDehSalah);
    });

    it('when a batch holds the same new claim twice, then it is applied once', () => {
      const claim = assertion({
        id: 'x#0',
        claimant: 'local-elders',
        place: ANDARAB,
        observedAt: sep(3),
        offset: 2,
      });
      const evolution = evolve(
        ledger,
        [claim, { ...claim, position: { partition: 0, offset: 3 } }],
        gazetteer,
      );
      expect(evolution.applied).toEqual([claim]);
      expect(evolution.ledger.events.size).toBe(3);
    });

    it('when a district claim arrives, then only that district is affected', () => {
      const claim = assertion({
        id: 'x#0',
        claimant: 'local-elders',
        place: ANDARAB,
        observedAt: sep(3),
        offset: 2,
      });
      expect([...evolve(ledger, [claim], gazetteer).affected]).toEqual([ANDARAB]);
    });

    it('when a corroboration targets the district claim, then that district is affected', () => {
      const confirms = corroboration({
        id: 'e#0',
        claimant: 'local-elders',
        target: nrfHoldsDehSalah,
        observedAt: sep(3),
        offset: 2,
      });
      expect([...evolve(ledger, [confirms], gazetteer).affected]).toEqual([DEH_SALAH]);
    });

    it('when a corroboration recorded against the province targets the district claim, then the target’s district is affected too', () => {
      const confirms = corroboration({
        id: 'e#0',
        claimant: 'local-elders',
        target: nrfHoldsDehSalah,
        place: BAGHLAN,
        observedAt: sep(3),
        offset: 2,
      });
      const affected = evolve(ledger, [confirms], gazetteer).affected;
      expect(affected.has(DEH_SALAH)).toBe(true);
    });

    it('when a dispute or a retraction targets the province claim, then every district is affected', () => {
      const denies = dispute({
        id: 'n#1',
        claimant: 'nrf',
        target: talibanTakesBaghlan,
        observedAt: sep(3),
        offset: 2,
      });
      const withdraws = retraction({
        id: 't#1',
        claimant: 'taliban',
        target: talibanTakesBaghlan,
        observedAt: sep(4),
        offset: 3,
      });
      for (const event of [denies, withdraws]) {
        expect([...evolve(ledger, [event], gazetteer).affected].sort()).toEqual(
          [...districtsOf(BAGHLAN)].sort(),
        );
      }
    });

    it('when a blanket dispute on AF09 arrives, then every district is affected', () => {
      const blanket = dispute({
        id: 'n#1',
        claimant: 'nrf',
        target: { claimant: 'taliban', place: BAGHLAN },
        observedAt: sep(3),
        offset: 2,
      });
      expect(evolve(ledger, [blanket], gazetteer).affected.size).toBe(districtsOf(BAGHLAN).length);
    });

    it('then evolving never changed the ledger it was given', () => {
      expect([...ledger.events.entries()]).toEqual(snapshot);
    });
  });
});

describe('districtsTouchedBy', () => {
  const lookup = (id: string) =>
    id === nrfHoldsDehSalah.event.id ? nrfHoldsDehSalah.event : undefined;

  it('given a curator retraction of a district claim, then it touches that district', () => {
    const c = curatorRetraction({
      id: 'c#0',
      target: nrfHoldsDehSalah,
      observedAt: sep(5),
      offset: 5,
    });
    expect(districtsTouchedBy(c.event, lookup, gazetteer)).toEqual([DEH_SALAH]);
  });

  it('given a dispute of an unknown claim, then it touches its own place only', () => {
    const d = dispute({
      id: 'd#0',
      claimant: 'nrf',
      target: 'ghost#0',
      place: ANDARAB,
      observedAt: sep(5),
      offset: 5,
    });
    expect(districtsTouchedBy(d.event, lookup, gazetteer)).toEqual([ANDARAB]);
  });
});

describe('districtHistory', () => {
  describe('given one report whose two claims (a claim and a dispute of it) are recorded at the same instant', () => {
    const talibanTakesShutul = assertion({
      id: 'r9#0',
      claimant: 'taliban',
      place: SHUTUL,
      observedAt: sep(5, 16),
      recordedAt: sep(5, 18),
      offset: 0,
    });
    const nrfDenies = dispute({
      id: 'r9#1',
      claimant: 'nrf',
      target: talibanTakesShutul,
      observedAt: sep(5, 20),
      recordedAt: sep(5, 18),
      offset: 1,
    });

    it('then on the recorded axis they land together: one change, caused by the last of them', () => {
      expect(
        districtHistory(
          districtRef(SHUTUL),
          [talibanTakesShutul, nrfDenies],
          gazetteer,
          'recorded',
        ),
      ).toEqual([
        {
          at: sep(5, 18),
          status: 'contested',
          controller: 'taliban',
          verification: 'none',
          causedBy: { claimId: 'r9#1', reportId: 'r9', type: 'claim.disputed', claimant: 'nrf' },
        },
      ]);
    });

    it('then on the observed axis they are two changes, at their observedAt', () => {
      expect(
        districtHistory(
          districtRef(SHUTUL),
          [talibanTakesShutul, nrfDenies],
          gazetteer,
          'observed',
        ).map((c) => [c.at, c.status, c.causedBy.claimId]),
      ).toEqual([
        [sep(5, 16), 'claimed', 'r9#0'],
        [sep(5, 20), 'contested', 'r9#1'],
      ]);
    });

    it('then the default axis is recorded', () => {
      expect(
        districtHistory(districtRef(SHUTUL), [talibanTakesShutul, nrfDenies], gazetteer),
      ).toHaveLength(1);
    });
  });

  describe('given events that do not change the status', () => {
    const first = assertion({
      id: 'a#0',
      claimant: 'taliban',
      place: PANJSHIR,
      observedAt: sep(5),
      offset: 0,
    });
    const second = assertion({
      id: 'b#0',
      claimant: 'taliban',
      place: SHUTUL,
      observedAt: sep(6),
      offset: 1,
    });

    it('then no change is recorded for them', () => {
      expect(
        districtHistory(districtRef(SHUTUL), [first, second], gazetteer).map(
          (c) => c.causedBy.claimId,
        ),
      ).toEqual(['a#0']);
    });
  });

  describe('given events about another district only', () => {
    it('then the history is empty', () => {
      expect(districtHistory(districtRef(ANDARAB), [nrfHoldsDehSalah], gazetteer)).toEqual([]);
    });
  });

  describe('given a claim that is later retracted', () => {
    const claim = assertion({
      id: 'a#0',
      claimant: 'taliban',
      place: SHUTUL,
      observedAt: sep(5),
      offset: 0,
    });
    const withdraw = retraction({
      id: 'a#1',
      claimant: 'taliban',
      target: claim,
      observedAt: sep(7),
      offset: 1,
    });

    it('then the history shows the claim and then its withdrawal', () => {
      expect(
        districtHistory(districtRef(SHUTUL), [claim, withdraw], gazetteer).map((c) => [
          c.status,
          c.causedBy.type,
        ]),
      ).toEqual([
        ['claimed', 'claim.asserted'],
        ['unclaimed', 'claim.retracted'],
      ]);
    });
  });
});
