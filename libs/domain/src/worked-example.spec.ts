/**
 * The worked example of DESIGN.md ("Status of a district"), Baghlan's Andarab valley, step by
 * step: by the status function, as a history on both axes, and as of past moments. (The
 * projection engine is held to the same steps in libs/projection.)
 */
import { LoggedEvent } from './events';
import { districtHistory } from './history';
import { Axis, DistrictRef, districtStatus, DistrictStatus, visibleAt } from './status';
import {
  ANDARAB,
  aug,
  DEH_SALAH,
  districtRef,
  gazetteer,
  PUL_E_HISAR,
  workedExample,
} from './testing/fixtures';

const { r1, r2, r3, r4, all } = workedExample();

type Expected = Pick<DistrictStatus, 'status' | 'controller' | 'verification' | 'rules'>;

const unclaimed: Expected = {
  status: 'unclaimed',
  controller: null,
  verification: 'none',
  rules: {
    status: 'unclaimed/no-positions',
    controller: 'no-control-position',
    verification: 'no-controller',
  },
};
const claimedBy = (actor: string): Expected => ({
  status: 'claimed',
  controller: actor,
  verification: 'none',
  rules: {
    status: 'claimed/one-controller',
    controller: 'claimed-actor',
    verification: 'no-corroboration',
  },
});
const contestedUndisputed = (actor: string, verified = false): Expected => ({
  status: 'contested',
  controller: actor,
  verification: verified ? 'corroborated' : 'none',
  rules: {
    status: 'contested/several-controllers',
    controller: 'latest-undisputed-control',
    verification: verified ? 'full-corroboration' : 'no-corroboration',
  },
});
const contestedAllDisputed = (actor: string): Expected => ({
  status: 'contested',
  controller: actor,
  verification: 'none',
  rules: {
    status: 'contested/every-control-disputed',
    controller: 'latest-control',
    verification: 'no-corroboration',
  },
});

const summary = (s: DistrictStatus): Expected => ({
  status: s.status,
  controller: s.controller,
  verification: s.verification,
  rules: s.rules,
});

/** What DESIGN.md says after each report, for AF0907, AF0908 and AF0912. */
const steps: readonly {
  readonly name: string;
  readonly reports: readonly LoggedEvent[][];
  readonly expected: Readonly<Record<string, Expected>>;
}[] = [
  {
    name: 'r1: nrf claims control of AF0908 and AF0912 (20 Aug)',
    reports: [r1],
    expected: {
      [ANDARAB]: unclaimed,
      [DEH_SALAH]: claimedBy('nrf'),
      [PUL_E_HISAR]: claimedBy('nrf'),
    },
  },
  {
    name: 'r2: taliban claims control of the whole province AF09 (22 Aug)',
    reports: [r1, r2],
    expected: {
      [ANDARAB]: claimedBy('taliban'),
      [DEH_SALAH]: contestedUndisputed('taliban'),
      [PUL_E_HISAR]: contestedUndisputed('taliban'),
    },
  },
  {
    name: 'r3: nrf disputes taliban’s assertions on AF09 (blanket, 22 Aug)',
    reports: [r1, r2, r3],
    expected: {
      [ANDARAB]: contestedAllDisputed('taliban'),
      [DEH_SALAH]: contestedUndisputed('nrf'),
      [PUL_E_HISAR]: contestedUndisputed('nrf'),
    },
  },
  {
    name: 'r4: local-elders fully corroborate r1’s claim on AF0912',
    reports: [r1, r2, r3, r4],
    expected: {
      [ANDARAB]: contestedAllDisputed('taliban'),
      [DEH_SALAH]: contestedUndisputed('nrf'),
      [PUL_E_HISAR]: contestedUndisputed('nrf', true),
    },
  },
];

describe('the worked example, by the status function', () => {
  describe.each(steps)('given $name', ({ reports, expected }) => {
    it.each(Object.keys(expected))('then %s is as DESIGN.md says', (pcode) => {
      expect(summary(districtStatus(districtRef(pcode), reports.flat()))).toEqual(expected[pcode]);
    });
  });

  describe('given r1..r3', () => {
    const status = (pcode: string) => districtStatus(districtRef(pcode), [...r1, ...r2, ...r3]);

    it('then taliban’s province claim is disputed by nrf in every district it reaches', () => {
      for (const pcode of [ANDARAB, DEH_SALAH, PUL_E_HISAR]) {
        expect(status(pcode).positions.find((p) => p.claimant === 'taliban')).toMatchObject({
          kind: 'control',
          actor: 'taliban',
          claimIds: ['r2#0'],
          disputedBy: ['nrf'],
          disputes: [{ claimId: 'r3#0', claimant: 'nrf', targetClaimId: 'r2#0', blanket: true }],
        });
      }
    });

    it('then nrf’s positions are not disputed (a blanket dispute reaches only its target claimant)', () => {
      expect(status(DEH_SALAH).positions.find((p) => p.claimant === 'nrf')).toMatchObject({
        claimIds: ['r1#0'],
        disputed: false,
      });
    });
  });

  it('given r1..r4, then AF0912’s nrf position lists the corroboration by local-elders', () => {
    const status = districtStatus(districtRef(PUL_E_HISAR), all);
    expect(status.positions.find((p) => p.claimant === 'nrf')?.corroboratedBy).toEqual([
      { claimant: 'local-elders', degree: 'full' },
    ]);
    expect(status.positions.find((p) => p.claimant === 'taliban')?.corroboratedBy).toEqual([]);
  });
});

describe('the worked example as a history', () => {
  const history = (pcode: string, axis: 'recorded' | 'observed') =>
    districtHistory(districtRef(pcode), all, gazetteer, axis).map((c) => ({
      at: c.at,
      status: c.status,
      controller: c.controller,
      verification: c.verification,
      causedBy: c.causedBy.claimId,
    }));

  describe('on the recorded axis (what the system said over time)', () => {
    it('then AF0907 changes when r2 and r3 arrive', () => {
      expect(history(ANDARAB, 'recorded')).toEqual([
        {
          at: aug(22, 9),
          status: 'claimed',
          controller: 'taliban',
          verification: 'none',
          causedBy: 'r2#0',
        },
        {
          at: aug(22, 15),
          status: 'contested',
          controller: 'taliban',
          verification: 'none',
          causedBy: 'r3#0',
        },
      ]);
    });

    it('then AF0908 changes with r1, r2 and r3, and not with r4 (about AF0912)', () => {
      expect(history(DEH_SALAH, 'recorded')).toEqual([
        {
          at: aug(20, 10),
          status: 'claimed',
          controller: 'nrf',
          verification: 'none',
          causedBy: 'r1#0',
        },
        {
          at: aug(22, 9),
          status: 'contested',
          controller: 'taliban',
          verification: 'none',
          causedBy: 'r2#0',
        },
        {
          at: aug(22, 15),
          status: 'contested',
          controller: 'nrf',
          verification: 'none',
          causedBy: 'r3#0',
        },
      ]);
    });

    it('then AF0912 also changes its verification with r4', () => {
      expect(history(PUL_E_HISAR, 'recorded')).toEqual([
        {
          at: aug(20, 10),
          status: 'claimed',
          controller: 'nrf',
          verification: 'none',
          causedBy: 'r1#1',
        },
        {
          at: aug(22, 9),
          status: 'contested',
          controller: 'taliban',
          verification: 'none',
          causedBy: 'r2#0',
        },
        {
          at: aug(22, 15),
          status: 'contested',
          controller: 'nrf',
          verification: 'none',
          causedBy: 'r3#0',
        },
        {
          at: aug(25, 8),
          status: 'contested',
          controller: 'nrf',
          verification: 'corroborated',
          causedBy: 'r4#0',
        },
      ]);
    });

    it('then each change names the claim that caused it, with its report and type', () => {
      const [, dispute] = districtHistory(districtRef(ANDARAB), all, gazetteer, 'recorded');
      expect(dispute?.causedBy).toEqual({
        claimId: 'r3#0',
        reportId: 'r3',
        type: 'claim.disputed',
        claimant: 'nrf',
      });
    });
  });

  describe('on the observed axis (what happened, by all known now)', () => {
    it('then r2 and r3, observed at the same instant, land together: AF0907 is never shown claimed', () => {
      expect(history(ANDARAB, 'observed')).toEqual([
        {
          at: aug(22, 6),
          status: 'contested',
          controller: 'taliban',
          verification: 'none',
          causedBy: 'r3#0',
        },
      ]);
    });

    it('then AF0908 goes from claimed by nrf straight to contested with nrf in control', () => {
      expect(history(DEH_SALAH, 'observed')).toEqual([
        {
          at: aug(20, 6),
          status: 'claimed',
          controller: 'nrf',
          verification: 'none',
          causedBy: 'r1#0',
        },
        {
          at: aug(22, 6),
          status: 'contested',
          controller: 'nrf',
          verification: 'none',
          causedBy: 'r3#0',
        },
      ]);
    });

    it('then AF0912 is corroborated from the corroboration’s observedAt', () => {
      expect(history(PUL_E_HISAR, 'observed')).toEqual([
        {
          at: aug(20, 6),
          status: 'claimed',
          controller: 'nrf',
          verification: 'none',
          causedBy: 'r1#1',
        },
        {
          at: aug(22, 6),
          status: 'contested',
          controller: 'nrf',
          verification: 'none',
          causedBy: 'r3#0',
        },
        {
          at: aug(24, 12),
          status: 'contested',
          controller: 'nrf',
          verification: 'corroborated',
          causedBy: 'r4#0',
        },
      ]);
    });
  });

  it('given the events in another log order, then the history is the same', () => {
    const reversed = [...all]
      .reverse()
      .map((e, offset) => ({ ...e, position: { partition: 0, offset } }));
    for (const pcode of [ANDARAB, DEH_SALAH, PUL_E_HISAR]) {
      for (const axis of ['recorded', 'observed'] as const) {
        const changes = districtHistory(districtRef(pcode), reversed, gazetteer, axis);
        expect(
          changes.map(({ at, status, controller, verification }) => ({
            at,
            status,
            controller,
            verification,
          })),
        ).toEqual(
          history(pcode, axis).map(({ at, status, controller, verification }) => ({
            at,
            status,
            controller,
            verification,
          })),
        );
      }
    }
  });
});

const statusAsOf = (
  district: DistrictRef,
  events: readonly LoggedEvent[],
  at: string | undefined,
  axis: Axis = 'recorded',
) => districtStatus(district, visibleAt(events, at, axis));

describe('the worked example as of a past moment', () => {
  const asOf = (pcode: string, at: string | undefined, axis: 'recorded' | 'observed') =>
    summary(statusAsOf(districtRef(pcode), all, at, axis));

  it('given no asOf, then it is the current status on either axis', () => {
    expect(asOf(PUL_E_HISAR, undefined, 'recorded')).toEqual(contestedUndisputed('nrf', true));
    expect(asOf(PUL_E_HISAR, undefined, 'observed')).toEqual(contestedUndisputed('nrf', true));
    expect(visibleAt(all, undefined, 'recorded')).toEqual(all);
  });

  it('given asOf 22 Aug 12:00 recorded, then AF0907 is claimed by taliban (r3 was not yet recorded)', () => {
    expect(visibleAt(all, aug(22, 12), 'recorded').map((e) => e.event.id)).toEqual([
      'r1#0',
      'r1#1',
      'r2#0',
    ]);
    expect(asOf(ANDARAB, aug(22, 12), 'recorded')).toEqual(claimedBy('taliban'));
  });

  it('given asOf 22 Aug 12:00 observed, then AF0907 is contested (r3 was observed at 06:00, recorded later)', () => {
    expect(visibleAt(all, aug(22, 12), 'observed').map((e) => e.event.id)).toEqual([
      'r1#0',
      'r1#1',
      'r2#0',
      'r3#0',
    ]);
    expect(asOf(ANDARAB, aug(22, 12), 'observed')).toEqual(contestedAllDisputed('taliban'));
  });

  it('given asOf 24 Aug 18:00, then AF0912 is corroborated as observed but not yet as recorded', () => {
    expect(asOf(PUL_E_HISAR, aug(24, 18), 'observed')).toEqual(contestedUndisputed('nrf', true));
    expect(asOf(PUL_E_HISAR, aug(24, 18), 'recorded')).toEqual(contestedUndisputed('nrf'));
  });

  it('given asOf exactly at an event’s time, then the event is included', () => {
    expect(asOf(DEH_SALAH, aug(20, 10), 'recorded')).toEqual(claimedBy('nrf'));
    expect(asOf(DEH_SALAH, aug(20, 6), 'observed')).toEqual(claimedBy('nrf'));
    expect(asOf(DEH_SALAH, aug(20, 5, 59), 'observed')).toEqual(unclaimed);
  });

  it('given asOf before anything, then every district is unclaimed', () => {
    expect(asOf(DEH_SALAH, aug(1), 'recorded')).toEqual(unclaimed);
    expect(visibleAt(all, aug(1), 'observed')).toEqual([]);
  });

  it('then the default axis is recorded', () => {
    expect(summary(statusAsOf(districtRef(ANDARAB), all, aug(22, 12)))).toEqual(
      claimedBy('taliban'),
    );
  });
});
