/** The districts an event touches, and a district's history by the reference rules. */
import { districtHistory, districtsTouchedBy } from './history';
import {
  ANDARAB,
  assertion,
  curatorRetraction,
  DEH_SALAH,
  districtRef,
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
