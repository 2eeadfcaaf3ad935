/**
 * DESIGN.md, "Status of a district", rule by rule. Each `describe('given …')` sets up the events,
 * each `it('then …')` states what the rule says about them.
 */
import { LoggedEvent } from './events';
import {
  districtStatus,
  DistrictStatus,
  firstOfEachClaim,
  Position,
  retractedClaimIds,
} from './status';
import { provinceSummary } from './decide';
import {
  ANAWA,
  ANDARAB,
  assertion,
  aug,
  BAGHLAN,
  BAZARAK,
  corroboration,
  curatorRetraction,
  DEH_SALAH,
  districtRef,
  districtsOf,
  dispute,
  KHENJ,
  PANJSHIR,
  retraction,
  RUKHA,
  sep,
} from './testing/fixtures';

const statusOf = (pcode: string, events: readonly LoggedEvent[]): DistrictStatus =>
  districtStatus(districtRef(pcode), events);

function positionOf(status: DistrictStatus, claimant: string): Position {
  const position = status.positions.find((p) => p.claimant === claimant);
  if (!position) throw new Error(`${claimant} has no position on ${status.pcode}`);
  return position;
}

describe('rule 1: an assertion about a district or its province applies to the district', () => {
  describe('given taliban claims control of the whole province AF09', () => {
    const events = [
      assertion({ id: 't#0', claimant: 'taliban', place: BAGHLAN, observedAt: aug(22), offset: 0 }),
    ];

    it('then every district of AF09 is claimed by taliban', () => {
      for (const district of districtsOf(BAGHLAN)) {
        expect(statusOf(district, events)).toMatchObject({
          status: 'claimed',
          controller: 'taliban',
        });
      }
    });

    it('then a district of another province is untouched', () => {
      expect(statusOf(RUKHA, events)).toMatchObject({
        status: 'unclaimed',
        positions: [],
        rules: { status: 'unclaimed/no-positions' },
      });
    });
  });

  describe('given nrf claims control of AF0908 only', () => {
    const events = [
      assertion({ id: 'n#0', claimant: 'nrf', place: DEH_SALAH, observedAt: aug(20), offset: 0 }),
    ];

    it('then AF0908 is claimed by nrf and its neighbour AF0907 stays unclaimed', () => {
      expect(statusOf(DEH_SALAH, events)).toMatchObject({ status: 'claimed', controller: 'nrf' });
      expect(statusOf(ANDARAB, events)).toMatchObject({ status: 'unclaimed', controller: null });
    });
  });

  describe('given nrf claims control of AF0908 and taliban the whole province', () => {
    const events = [
      assertion({ id: 'n#0', claimant: 'nrf', place: DEH_SALAH, observedAt: aug(20), offset: 0 }),
      assertion({ id: 't#0', claimant: 'taliban', place: BAGHLAN, observedAt: aug(22), offset: 1 }),
    ];

    it('then AF0908 is contested and the controller is taliban', () => {
      expect(statusOf(DEH_SALAH, events)).toMatchObject({
        status: 'contested',
        controller: 'taliban',
        rules: { status: 'contested/several-controllers' },
      });
    });

    it('then AF0907, claimed only through the province, is claimed by taliban', () => {
      expect(statusOf(ANDARAB, events)).toMatchObject({
        status: 'claimed',
        controller: 'taliban',
      });
    });
  });

  describe('given an aid group reports fighting across the whole of Panjshir (contest on AF08)', () => {
    const events = [
      assertion({
        id: 'e#0',
        claimant: 'emergency-ngo',
        kind: 'contest',
        place: PANJSHIR,
        observedAt: sep(4),
        offset: 0,
      }),
    ];

    it('then every district of Panjshir is contested, with no controller', () => {
      for (const district of districtsOf(PANJSHIR)) {
        expect(statusOf(district, events)).toMatchObject({
          status: 'contested',
          controller: null,
          rules: { status: 'contested/contest-position' },
        });
      }
    });
  });
});

describe('rule 2: a position is the claimant’s latest applying assertion, with its run', () => {
  describe('given taliban claimed control of AF0802 on 5 Sep, and a report logged later says presence on 3 Sep', () => {
    const events = [
      assertion({ id: 'a#0', claimant: 'taliban', place: RUKHA, observedAt: sep(5), offset: 0 }),
      assertion({
        id: 'b#0',
        claimant: 'taliban',
        kind: 'presence',
        place: RUKHA,
        observedAt: sep(3),
        offset: 1,
      }),
    ];

    it('then taliban’s position is control: latest by observedAt, not by log order', () => {
      expect(positionOf(statusOf(RUKHA, events), 'taliban')).toMatchObject({
        kind: 'control',
        actor: 'taliban',
        observedAt: sep(5),
        claimIds: ['a#0'],
      });
    });
  });

  describe('given taliban claims presence across AF08 and control of AF0802 at the same instant', () => {
    const province = (offset: number) =>
      assertion({
        id: 'p#0',
        claimant: 'taliban',
        kind: 'presence',
        place: PANJSHIR,
        observedAt: sep(5),
        offset,
      });
    const district = (offset: number) =>
      assertion({ id: 'd#0', claimant: 'taliban', place: RUKHA, observedAt: sep(5), offset });

    it('then the district-level claim (more specific) is the position, whatever the log order', () => {
      expect(positionOf(statusOf(RUKHA, [province(0), district(1)]), 'taliban').kind).toBe(
        'control',
      );
      expect(positionOf(statusOf(RUKHA, [district(0), province(1)]), 'taliban').kind).toBe(
        'control',
      );
    });

    it('then in the other districts the province claim is the position', () => {
      expect(positionOf(statusOf(BAZARAK, [province(0), district(1)]), 'taliban').kind).toBe(
        'presence',
      );
    });
  });

  describe('given two district-level claims by taliban at the same instant', () => {
    const control = (offset: number) =>
      assertion({ id: 'c#0', claimant: 'taliban', place: RUKHA, observedAt: sep(5), offset });
    const presence = (offset: number) =>
      assertion({
        id: 'p#0',
        claimant: 'taliban',
        kind: 'presence',
        place: RUKHA,
        observedAt: sep(5),
        offset,
      });

    it('then the one at the later log position is the position', () => {
      expect(positionOf(statusOf(RUKHA, [control(0), presence(1)]), 'taliban').kind).toBe(
        'presence',
      );
      expect(positionOf(statusOf(RUKHA, [presence(0), control(1)]), 'taliban').kind).toBe(
        'control',
      );
    });

    it('then a later partition beats an earlier one (log positions compare partition first)', () => {
      const onPartition = (e: LoggedEvent, partition: number, offset: number): LoggedEvent => ({
        ...e,
        position: { partition, offset },
      });
      const events = [onPartition(control(0), 1, 0), onPartition(presence(0), 0, 99)];
      expect(positionOf(statusOf(RUKHA, events), 'taliban').kind).toBe('control');
    });
  });

  describe('given taliban says: control 28 Aug, presence 30 Aug, control 1 Sep (AF0802), control 3 Sep (AF08)', () => {
    const oldControl = assertion({
      id: 'r1#0',
      claimant: 'taliban',
      place: RUKHA,
      observedAt: aug(28),
      offset: 0,
    });
    const presence = assertion({
      id: 'r2#0',
      claimant: 'taliban',
      kind: 'presence',
      place: RUKHA,
      observedAt: aug(30),
      offset: 1,
    });
    const districtControl = assertion({
      id: 'r3#0',
      claimant: 'taliban',
      place: RUKHA,
      observedAt: sep(1),
      offset: 2,
    });
    const provinceControl = assertion({
      id: 'r4#0',
      claimant: 'taliban',
      place: PANJSHIR,
      observedAt: sep(3),
      offset: 3,
    });
    const claims = [oldControl, presence, districtControl, provinceControl];

    it('then the run is the unbroken stretch of latest claims saying the same thing, newest first', () => {
      expect(positionOf(statusOf(RUKHA, claims), 'taliban')).toMatchObject({
        kind: 'control',
        actor: 'taliban',
        observedAt: sep(3),
        claimIds: ['r4#0', 'r3#0'],
      });
    });

    it('then the position’s provenance lists the claims of the run', () => {
      const position = positionOf(statusOf(RUKHA, claims), 'taliban');
      expect(position.provenance.map((p) => [p.claimId, p.placePcode])).toEqual([
        ['r4#0', PANJSHIR],
        ['r3#0', RUKHA],
      ]);
      expect(position.logPosition).toEqual(provinceControl.position);
    });

    it('then a dispute of an older claim of the run counts for the position', () => {
      const events = [
        ...claims,
        dispute({
          id: 'n#0',
          claimant: 'nrf',
          target: districtControl,
          observedAt: sep(2),
          offset: 4,
        }),
      ];
      expect(positionOf(statusOf(RUKHA, events), 'taliban')).toMatchObject({
        disputed: true,
        disputedBy: ['nrf'],
      });
    });

    it('then a dispute of a claim before the break in the run does not count', () => {
      const events = [
        ...claims,
        dispute({ id: 'n#0', claimant: 'nrf', target: oldControl, observedAt: aug(29), offset: 4 }),
      ];
      expect(positionOf(statusOf(RUKHA, events), 'taliban')).toMatchObject({
        disputed: false,
        disputedBy: [],
      });
    });

    it('then a corroboration of any claim of the run counts, one of a claim before the break does not', () => {
      const inRun = corroboration({
        id: 'u#0',
        claimant: 'un-ocha',
        target: districtControl,
        degree: 'partial',
        observedAt: sep(2),
        offset: 4,
      });
      const beforeBreak = corroboration({
        id: 'u#1',
        claimant: 'emergency-ngo',
        target: oldControl,
        degree: 'full',
        observedAt: aug(29),
        offset: 5,
      });
      const position = positionOf(statusOf(RUKHA, [...claims, inRun, beforeBreak]), 'taliban');
      expect(position.corroboratedBy).toEqual([{ claimant: 'un-ocha', degree: 'partial' }]);
    });

    it('then in another Panjshir district only the province claim applies', () => {
      expect(positionOf(statusOf(ANAWA, claims), 'taliban').claimIds).toEqual(['r4#0']);
    });
  });

  describe('given an observer says taliban are present (4 Sep) after saying nrf are present (2 Sep)', () => {
    const events = [
      assertion({
        id: 'o#0',
        claimant: 'observer',
        kind: 'presence',
        actor: 'nrf',
        place: RUKHA,
        observedAt: sep(2),
        offset: 0,
      }),
      assertion({
        id: 'o#1',
        claimant: 'observer',
        kind: 'presence',
        actor: 'taliban',
        place: RUKHA,
        observedAt: sep(4),
        offset: 1,
      }),
    ];

    it('then another actor breaks the run: the position is presence of taliban alone', () => {
      expect(positionOf(statusOf(RUKHA, events), 'observer')).toMatchObject({
        kind: 'presence',
        actor: 'taliban',
        claimIds: ['o#1'],
      });
    });
  });
});

describe('rule 3: a position is disputed by another claimant’s dispute of a claim in its run', () => {
  const talibanTakesRukha = assertion({
    id: 't#0',
    claimant: 'taliban',
    place: RUKHA,
    observedAt: sep(5),
    offset: 0,
  });

  describe('given nrf disputes taliban’s claim on AF0802 by id', () => {
    const events = [
      talibanTakesRukha,
      dispute({
        id: 'n#0',
        claimant: 'nrf',
        target: talibanTakesRukha,
        observedAt: sep(6),
        offset: 1,
      }),
    ];

    it('then taliban’s position is disputed by nrf, with the evidence', () => {
      expect(positionOf(statusOf(RUKHA, events), 'taliban')).toMatchObject({
        disputed: true,
        disputedBy: ['nrf'],
        disputes: [{ claimId: 'n#0', claimant: 'nrf', targetClaimId: 't#0', blanket: false }],
      });
    });
  });

  describe('given taliban disputes its own claim', () => {
    const events = [
      talibanTakesRukha,
      dispute({
        id: 't#1',
        claimant: 'taliban',
        target: talibanTakesRukha,
        observedAt: sep(6),
        offset: 1,
      }),
    ];

    it('then the self-dispute does not count: AF0802 stays claimed', () => {
      const status = statusOf(RUKHA, events);
      expect(positionOf(status, 'taliban').disputed).toBe(false);
      expect(status).toMatchObject({ status: 'claimed', controller: 'taliban' });
    });
  });

  describe('given taliban disputes its own claims on AF08 (blanket)', () => {
    const events = [
      talibanTakesRukha,
      dispute({
        id: 't#1',
        claimant: 'taliban',
        target: { claimant: 'taliban', place: PANJSHIR },
        observedAt: sep(6),
        offset: 1,
      }),
    ];

    it('then the self-dispute does not count', () => {
      expect(positionOf(statusOf(RUKHA, events), 'taliban').disputed).toBe(false);
    });
  });

  describe('given nrf disputes every taliban assertion about AF08 (blanket)', () => {
    const blanket = (observedAt: string, place = PANJSHIR) =>
      dispute({
        id: 'n#0',
        claimant: 'nrf',
        target: { claimant: 'taliban', place },
        observedAt,
        offset: 5,
      });

    it('then a claim observed before the dispute is disputed', () => {
      expect(
        positionOf(statusOf(RUKHA, [talibanTakesRukha, blanket(sep(6))]), 'taliban'),
      ).toMatchObject({
        disputed: true,
        disputedBy: ['nrf'],
        disputes: [{ claimId: 'n#0', targetClaimId: 't#0', blanket: true }],
      });
    });

    it('then a claim observed at the same instant is disputed', () => {
      expect(
        positionOf(statusOf(RUKHA, [talibanTakesRukha, blanket(sep(5))]), 'taliban').disputed,
      ).toBe(true);
    });

    it('then a claim observed after the dispute is not disputed', () => {
      expect(
        positionOf(statusOf(RUKHA, [talibanTakesRukha, blanket(sep(4))]), 'taliban').disputed,
      ).toBe(false);
    });

    it('then, for a run partly after the dispute, it reaches the older claims (evidence names the oldest)', () => {
      const earlier = assertion({
        id: 't#2',
        claimant: 'taliban',
        place: RUKHA,
        observedAt: sep(3),
        offset: 2,
      });
      const position = positionOf(
        statusOf(RUKHA, [earlier, talibanTakesRukha, blanket(sep(4))]),
        'taliban',
      );
      expect(position.claimIds).toEqual(['t#0', 't#2']);
      expect(position.disputes).toEqual([
        { claimId: 'n#0', claimant: 'nrf', targetClaimId: 't#2', blanket: true },
      ]);
    });

    it('then a dispute whose place is a district (AF0802) reaches a province claim only in AF0802', () => {
      const wholeValley = assertion({
        id: 't#3',
        claimant: 'taliban',
        place: PANJSHIR,
        observedAt: sep(5),
        offset: 0,
      });
      const events = [wholeValley, blanket(sep(6), RUKHA)];
      expect(positionOf(statusOf(RUKHA, events), 'taliban').disputed).toBe(true);
      expect(positionOf(statusOf(BAZARAK, events), 'taliban').disputed).toBe(false);
    });

    it('then a dispute whose place is another province (AF09) does not reach AF0802', () => {
      expect(
        positionOf(statusOf(RUKHA, [talibanTakesRukha, blanket(sep(6), BAGHLAN)]), 'taliban')
          .disputed,
      ).toBe(false);
    });
  });

  describe('given taliban disputes every nrf assertion about AF08 (blanket)', () => {
    const events = [
      talibanTakesRukha,
      dispute({
        id: 'x#0',
        claimant: 'taliban',
        target: { claimant: 'nrf', place: PANJSHIR },
        observedAt: sep(6),
        offset: 1,
      }),
    ];

    it('then taliban’s own position is not touched (the dispute targets another claimant)', () => {
      expect(positionOf(statusOf(RUKHA, events), 'taliban').disputed).toBe(false);
    });
  });
});

describe('rule 4: status', () => {
  const control = (
    id: string,
    claimant: string,
    observedAt: string,
    offset: number,
    actor = claimant,
  ) => assertion({ id, claimant, actor, place: KHENJ, observedAt, offset });
  const presence = (
    id: string,
    claimant: string,
    actor: string,
    observedAt: string,
    offset: number,
  ) => assertion({ id, claimant, kind: 'presence', actor, place: KHENJ, observedAt, offset });

  describe('unclaimed', () => {
    it('given no events at all, then AF0804 is unclaimed (no positions)', () => {
      expect(statusOf(KHENJ, [])).toMatchObject({
        status: 'unclaimed',
        controller: null,
        verification: 'none',
        positions: [],
        rules: {
          status: 'unclaimed/no-positions',
          controller: 'no-control-position',
          verification: 'no-controller',
        },
      });
    });

    it('given only a dispute and a corroboration on AF0804, or a claim on another district, then AF0804 is unclaimed', () => {
      const elsewhere = assertion({
        id: 't#0',
        claimant: 'taliban',
        place: ANAWA,
        observedAt: sep(5),
        offset: 0,
      });
      const events = [
        dispute({
          id: 'n#0',
          claimant: 'nrf',
          target: 'ghost#0',
          place: KHENJ,
          observedAt: sep(6),
          offset: 1,
        }),
        corroboration({
          id: 'e#0',
          claimant: 'emergency-ngo',
          target: 'ghost#0',
          place: KHENJ,
          observedAt: sep(6),
          offset: 2,
        }),
      ];
      expect(statusOf(KHENJ, events).rules.status).toBe('unclaimed/no-positions');
      expect(statusOf(KHENJ, [elsewhere]).rules.status).toBe('unclaimed/no-positions');
    });

    it('given two claimants who both say only that taliban are present, then AF0804 is unclaimed', () => {
      const events = [
        presence('t#0', 'taliban', 'taliban', sep(5), 0),
        presence('e#0', 'emergency-ngo', 'taliban', sep(6), 1),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({
        status: 'unclaimed',
        controller: null,
        rules: { status: 'unclaimed/presence-of-one-actor', controller: 'no-control-position' },
      });
    });
  });

  describe('claimed', () => {
    it('given taliban claims control of AF0804, then it is claimed by taliban', () => {
      expect(statusOf(KHENJ, [control('t#0', 'taliban', sep(5), 0)])).toMatchObject({
        status: 'claimed',
        controller: 'taliban',
        rules: { status: 'claimed/one-controller', controller: 'claimed-actor' },
      });
    });

    it('given taliban and an aid group both say taliban control it, then it is claimed by taliban', () => {
      const events = [
        control('t#0', 'taliban', sep(5), 0),
        control('e#0', 'emergency-ngo', sep(6), 1, 'taliban'),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({ status: 'claimed', controller: 'taliban' });
    });

    it('given taliban control and an aid group reporting taliban presence, then it is claimed by taliban', () => {
      const events = [
        control('t#0', 'taliban', sep(5), 0),
        presence('e#0', 'emergency-ngo', 'taliban', sep(6), 1),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({ status: 'claimed', controller: 'taliban' });
    });

    it('given two control positions naming taliban and nrf disputes only one, then it is still claimed', () => {
      const talibanSays = control('t#0', 'taliban', sep(5), 0);
      const events = [
        talibanSays,
        control('e#0', 'emergency-ngo', sep(6), 1, 'taliban'),
        dispute({ id: 'n#0', claimant: 'nrf', target: talibanSays, observedAt: sep(6), offset: 2 }),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({
        status: 'claimed',
        controller: 'taliban',
        rules: { status: 'claimed/one-controller' },
      });
    });
  });

  describe('contested', () => {
    it('given taliban and nrf each claim control, then it is contested (several controllers)', () => {
      const events = [control('t#0', 'taliban', sep(5), 0), control('n#0', 'nrf', sep(4), 1)];
      expect(statusOf(KHENJ, events)).toMatchObject({
        status: 'contested',
        rules: { status: 'contested/several-controllers' },
      });
    });

    it('given taliban control and a contest claim by an aid group, then it is contested, controller taliban', () => {
      const events = [
        control('t#0', 'taliban', sep(5), 0),
        assertion({
          id: 'e#0',
          claimant: 'emergency-ngo',
          kind: 'contest',
          place: KHENJ,
          observedAt: sep(6),
          offset: 1,
        }),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({
        status: 'contested',
        controller: 'taliban',
        rules: { status: 'contested/contest-position', controller: 'latest-undisputed-control' },
      });
    });

    it('given only a contest claim, then it is contested with no controller', () => {
      const events = [
        assertion({
          id: 'e#0',
          claimant: 'emergency-ngo',
          kind: 'contest',
          place: KHENJ,
          observedAt: sep(6),
          offset: 0,
        }),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({
        status: 'contested',
        controller: null,
        verification: 'none',
        rules: {
          status: 'contested/contest-position',
          controller: 'no-control-position',
          verification: 'no-controller',
        },
      });
    });

    it('given taliban control and nrf saying it is present, then it is contested (another actor present)', () => {
      const events = [
        control('t#0', 'taliban', sep(5), 0),
        presence('n#0', 'nrf', 'nrf', sep(6), 1),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({
        status: 'contested',
        controller: 'taliban',
        rules: { status: 'contested/other-actor-present' },
      });
    });

    it('given taliban and nrf both only present, then it is contested with no controller', () => {
      const events = [
        presence('t#0', 'taliban', 'taliban', sep(5), 0),
        presence('n#0', 'nrf', 'nrf', sep(6), 1),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({
        status: 'contested',
        controller: null,
        rules: {
          status: 'contested/presence-of-several-actors',
          controller: 'no-control-position',
        },
      });
    });

    it('given taliban’s only control position is disputed by nrf, then it is contested, controller taliban', () => {
      const talibanSays = control('t#0', 'taliban', sep(5), 0);
      const events = [
        talibanSays,
        dispute({ id: 'n#0', claimant: 'nrf', target: talibanSays, observedAt: sep(6), offset: 1 }),
      ];
      expect(statusOf(KHENJ, events)).toMatchObject({
        status: 'contested',
        controller: 'taliban',
        rules: { status: 'contested/every-control-disputed', controller: 'latest-control' },
      });
    });

    it('given nrf’s presence is disputed by taliban, then the disputed presence still makes it contested', () => {
      const nrfPresent = presence('n#0', 'nrf', 'nrf', sep(6), 1);
      const events = [
        control('t#0', 'taliban', sep(5), 0),
        nrfPresent,
        dispute({
          id: 't#1',
          claimant: 'taliban',
          target: nrfPresent,
          observedAt: sep(7),
          offset: 2,
        }),
      ];
      const status = statusOf(KHENJ, events);
      expect(positionOf(status, 'nrf').disputed).toBe(true);
      expect(status).toMatchObject({
        status: 'contested',
        controller: 'taliban',
        rules: { status: 'contested/other-actor-present' },
      });
    });

    it('given a disputed contest claim, then it still makes the district contested', () => {
      const fighting = assertion({
        id: 'e#0',
        claimant: 'emergency-ngo',
        kind: 'contest',
        place: KHENJ,
        observedAt: sep(6),
        offset: 1,
      });
      const events = [
        control('t#0', 'taliban', sep(5), 0),
        fighting,
        dispute({
          id: 't#1',
          claimant: 'taliban',
          target: fighting,
          observedAt: sep(7),
          offset: 2,
        }),
      ];
      expect(statusOf(KHENJ, events).status).toBe('contested');
    });
  });
});

describe('rule 5: controller', () => {
  const control = (id: string, claimant: string, observedAt: string, offset: number) =>
    assertion({ id, claimant, place: ANAWA, observedAt, offset });

  it('given two undisputed controllers, then the controller is the one observed latest, even if logged first', () => {
    const events = [control('t#0', 'taliban', sep(6), 0), control('n#0', 'nrf', sep(5), 1)];
    expect(statusOf(ANAWA, events)).toMatchObject({
      controller: 'taliban',
      rules: { controller: 'latest-undisputed-control' },
    });
  });

  it('given two controllers observed at the same instant, then the later log position wins', () => {
    expect(
      statusOf(ANAWA, [control('t#0', 'taliban', sep(5), 0), control('n#0', 'nrf', sep(5), 1)])
        .controller,
    ).toBe('nrf');
    expect(
      statusOf(ANAWA, [control('n#0', 'nrf', sep(5), 0), control('t#0', 'taliban', sep(5), 1)])
        .controller,
    ).toBe('taliban');
  });

  it('given the latest control position is disputed, then the latest undisputed one names the controller', () => {
    const latest = control('t#0', 'taliban', sep(6), 0);
    const events = [
      latest,
      control('n#0', 'nrf', sep(5), 1),
      dispute({ id: 'n#1', claimant: 'nrf', target: latest, observedAt: sep(6), offset: 2 }),
    ];
    expect(statusOf(ANAWA, events)).toMatchObject({
      status: 'contested',
      controller: 'nrf',
      rules: { controller: 'latest-undisputed-control' },
    });
  });

  it('given every control position is disputed, then the latest control position names the controller', () => {
    const taliban = control('t#0', 'taliban', sep(6), 0);
    const nrf = control('n#0', 'nrf', sep(5), 1);
    const events = [
      taliban,
      nrf,
      dispute({ id: 'n#1', claimant: 'nrf', target: taliban, observedAt: sep(6), offset: 2 }),
      dispute({ id: 't#1', claimant: 'taliban', target: nrf, observedAt: sep(6), offset: 3 }),
    ];
    expect(statusOf(ANAWA, events)).toMatchObject({
      status: 'contested',
      controller: 'taliban',
      rules: { controller: 'latest-control' },
    });
  });

  it('given a position whose run is newer than another position, then "latest" uses the run’s newest claim', () => {
    const events = [
      control('t#0', 'taliban', sep(2), 0),
      control('t#1', 'taliban', sep(7), 1),
      control('n#0', 'nrf', sep(5), 2),
    ];
    expect(statusOf(ANAWA, events).controller).toBe('taliban');
  });
});

describe('rule 6: verification of the controller', () => {
  const talibanTakesAnawa = assertion({
    id: 't#0',
    claimant: 'taliban',
    place: ANAWA,
    observedAt: sep(5),
    offset: 0,
  });
  const corroborate = (
    id: string,
    claimant: string,
    degree: 'full' | 'partial',
    offset: number,
    target: LoggedEvent = talibanTakesAnawa,
  ) => corroboration({ id, claimant, target, degree, observedAt: sep(6), offset });

  it('given an aid group fully corroborates taliban’s claim, then the controller is corroborated', () => {
    expect(
      statusOf(ANAWA, [talibanTakesAnawa, corroborate('e#0', 'emergency-ngo', 'full', 1)]),
    ).toMatchObject({
      controller: 'taliban',
      verification: 'corroborated',
      rules: { verification: 'full-corroboration' },
    });
  });

  it('given only a partial corroboration, then the verification is partial', () => {
    expect(
      statusOf(ANAWA, [talibanTakesAnawa, corroborate('e#0', 'emergency-ngo', 'partial', 1)]),
    ).toMatchObject({
      verification: 'partial',
      rules: { verification: 'partial-corroboration' },
    });
  });

  it('given no corroboration, then the verification is none', () => {
    expect(statusOf(ANAWA, [talibanTakesAnawa])).toMatchObject({
      verification: 'none',
      rules: { verification: 'no-corroboration' },
    });
  });

  it('given a partial and a full corroboration by two claimants, then it is corroborated and both are listed', () => {
    const status = statusOf(ANAWA, [
      talibanTakesAnawa,
      corroborate('e#0', 'emergency-ngo', 'partial', 1),
      corroborate('u#0', 'un-ocha', 'full', 2),
    ]);
    expect(status.verification).toBe('corroborated');
    expect(positionOf(status, 'taliban').corroboratedBy).toEqual([
      { claimant: 'emergency-ngo', degree: 'partial' },
      { claimant: 'un-ocha', degree: 'full' },
    ]);
  });

  it('given one claimant corroborates fully and partially, then it is listed once, as full', () => {
    for (const order of [['full', 'partial'] as const, ['partial', 'full'] as const]) {
      const status = statusOf(ANAWA, [
        talibanTakesAnawa,
        corroborate('e#0', 'emergency-ngo', order[0], 1),
        corroborate('e#1', 'emergency-ngo', order[1], 2),
      ]);
      expect(positionOf(status, 'taliban').corroboratedBy).toEqual([
        { claimant: 'emergency-ngo', degree: 'full' },
      ]);
      expect(status.verification).toBe('corroborated');
    }
  });

  it('given taliban corroborates its own claim, then it does not count (the corroborator must be another claimant)', () => {
    const status = statusOf(ANAWA, [talibanTakesAnawa, corroborate('t#1', 'taliban', 'full', 1)]);
    expect(status.verification).toBe('none');
    expect(positionOf(status, 'taliban').corroboratedBy).toEqual([]);
  });

  it('given the corroborated claim belongs to a position of another actor, then the controller is not verified', () => {
    const nrfHolds = assertion({
      id: 'n#0',
      claimant: 'nrf',
      place: ANAWA,
      observedAt: sep(4),
      offset: 1,
    });
    const status = statusOf(ANAWA, [
      talibanTakesAnawa,
      nrfHolds,
      corroborate('e#0', 'emergency-ngo', 'full', 2, nrfHolds),
    ]);
    expect(status).toMatchObject({ controller: 'taliban', verification: 'none' });
    expect(positionOf(status, 'nrf').corroboratedBy).toEqual([
      { claimant: 'emergency-ngo', degree: 'full' },
    ]);
  });

  it('given a corroborated presence of the controller (not a control position), then the controller is not verified', () => {
    const seen = assertion({
      id: 'j#0',
      claimant: 'journalist',
      kind: 'presence',
      actor: 'taliban',
      place: ANAWA,
      observedAt: sep(6),
      offset: 1,
    });
    const status = statusOf(ANAWA, [
      talibanTakesAnawa,
      seen,
      corroborate('e#0', 'emergency-ngo', 'full', 2, seen),
    ]);
    expect(status).toMatchObject({
      status: 'claimed',
      controller: 'taliban',
      verification: 'none',
    });
  });

  it('given another claimant’s control position naming the controller is corroborated, then the controller is verified', () => {
    const journalistSays = assertion({
      id: 'j#0',
      claimant: 'journalist',
      actor: 'taliban',
      place: ANAWA,
      observedAt: sep(6),
      offset: 1,
    });
    const status = statusOf(ANAWA, [
      talibanTakesAnawa,
      journalistSays,
      corroborate('e#0', 'emergency-ngo', 'partial', 2, journalistSays),
    ]);
    expect(status).toMatchObject({ controller: 'taliban', verification: 'partial' });
  });

  it('given the corroborated claim is no longer in the run, then it does not count', () => {
    const laterPresence = assertion({
      id: 't#1',
      claimant: 'taliban',
      kind: 'presence',
      place: ANAWA,
      observedAt: sep(7),
      offset: 1,
    });
    const status = statusOf(ANAWA, [
      talibanTakesAnawa,
      laterPresence,
      corroborate('e#0', 'emergency-ngo', 'full', 2),
    ]);
    expect(status).toMatchObject({ status: 'unclaimed', controller: null, verification: 'none' });
  });
});

describe('retractions', () => {
  const presence = assertion({
    id: 't#0',
    claimant: 'taliban',
    kind: 'presence',
    place: RUKHA,
    observedAt: sep(3),
    offset: 0,
  });
  const control = assertion({
    id: 't#1',
    claimant: 'taliban',
    place: RUKHA,
    observedAt: sep(5),
    offset: 1,
  });

  it('given taliban retracts its control claim, then its position falls back to its earlier presence claim', () => {
    const events = [
      presence,
      control,
      retraction({
        id: 't#2',
        claimant: 'taliban',
        target: control,
        observedAt: sep(6),
        offset: 2,
      }),
    ];
    const status = statusOf(RUKHA, events);
    expect(positionOf(status, 'taliban')).toMatchObject({ kind: 'presence', claimIds: ['t#0'] });
    expect(status).toMatchObject({
      status: 'unclaimed',
      rules: { status: 'unclaimed/presence-of-one-actor' },
    });
  });

  it('given the retraction is logged before the claim it withdraws, then the claim is still withdrawn', () => {
    const events = [
      retraction({
        id: 't#2',
        claimant: 'taliban',
        target: control,
        observedAt: sep(6),
        offset: 0,
      }),
      { ...control, position: { partition: 0, offset: 1 } },
    ];
    expect(statusOf(RUKHA, events).status).toBe('unclaimed');
  });

  it('given taliban retracts a claim about the whole province, then it is withdrawn in every district', () => {
    const wholeValley = assertion({
      id: 'p#0',
      claimant: 'taliban',
      place: PANJSHIR,
      observedAt: sep(6),
      offset: 0,
    });
    const events = [
      wholeValley,
      retraction({
        id: 'p#1',
        claimant: 'taliban',
        target: wholeValley,
        observedAt: sep(7),
        offset: 1,
      }),
    ];
    for (const district of districtsOf(PANJSHIR))
      expect(statusOf(district, events).status).toBe('unclaimed');
  });

  it('given nrf "retracts" taliban’s claim, then the retraction is ignored', () => {
    const events = [
      control,
      retraction({ id: 'n#0', claimant: 'nrf', target: control, observedAt: sep(6), offset: 1 }),
    ];
    expect(retractedClaimIds(events).size).toBe(0);
    expect(statusOf(RUKHA, events)).toMatchObject({ status: 'claimed', controller: 'taliban' });
  });

  it('given a curator retracts taliban’s claim, then it is withdrawn', () => {
    const events = [
      control,
      curatorRetraction({ id: 'c#0', target: control, observedAt: sep(8), offset: 1 }),
    ];
    expect(retractedClaimIds(events)).toEqual(new Set(['t#1']));
    expect(statusOf(RUKHA, events).status).toBe('unclaimed');
  });

  it('given nrf retracts its own dispute, then the dispute no longer counts', () => {
    const nrfDenies = dispute({
      id: 'n#0',
      claimant: 'nrf',
      target: control,
      observedAt: sep(6),
      offset: 1,
    });
    const events = [
      control,
      nrfDenies,
      retraction({ id: 'n#1', claimant: 'nrf', target: nrfDenies, observedAt: sep(7), offset: 2 }),
    ];
    expect(statusOf(RUKHA, events)).toMatchObject({ status: 'claimed', controller: 'taliban' });
  });

  it('given an aid group retracts its own corroboration, then the controller is no longer verified', () => {
    const confirms = corroboration({
      id: 'e#0',
      claimant: 'emergency-ngo',
      target: control,
      observedAt: sep(6),
      offset: 1,
    });
    const events = [
      control,
      confirms,
      retraction({
        id: 'e#1',
        claimant: 'emergency-ngo',
        target: confirms,
        observedAt: sep(7),
        offset: 2,
      }),
    ];
    expect(statusOf(RUKHA, events).verification).toBe('none');
  });

  it('given a curator retracts taliban’s retraction, then the retraction withdraws nothing', () => {
    const withdrawn = retraction({
      id: 't#2',
      claimant: 'taliban',
      target: control,
      observedAt: sep(6),
      offset: 2,
    });
    const events = [
      presence,
      control,
      withdrawn,
      curatorRetraction({ id: 'c#0', target: withdrawn, observedAt: sep(8), offset: 3 }),
    ];
    expect(retractedClaimIds(events)).toEqual(new Set(['t#2']));
    expect(statusOf(RUKHA, events)).toMatchObject({ status: 'claimed', controller: 'taliban' });
  });

  it('given taliban retracts its own retraction, then that is ignored (only a curator can undo a retraction)', () => {
    const withdrawn = retraction({
      id: 't#2',
      claimant: 'taliban',
      target: control,
      observedAt: sep(6),
      offset: 2,
    });
    const events = [
      presence,
      control,
      withdrawn,
      retraction({
        id: 't#3',
        claimant: 'taliban',
        target: withdrawn,
        observedAt: sep(7),
        offset: 3,
      }),
    ];
    expect(retractedClaimIds(events)).toEqual(new Set(['t#1']));
  });
});

describe('duplicates in the log', () => {
  const control = assertion({
    id: 't#0',
    claimant: 'taliban',
    place: RUKHA,
    observedAt: sep(5),
    offset: 0,
  });
  const again = <T extends LoggedEvent>(e: T, offset: number): LoggedEvent => ({
    ...e,
    position: { partition: 0, offset },
  });

  it('given the same claim id logged twice, then firstOfEachClaim keeps the earliest log position', () => {
    expect(firstOfEachClaim([again(control, 7), control])).toEqual([control]);
  });

  it('given a control claim logged twice, then the run holds it once', () => {
    const status = statusOf(RUKHA, [control, again(control, 3)]);
    expect(positionOf(status, 'taliban').claimIds).toEqual(['t#0']);
    expect(positionOf(status, 'taliban').logPosition).toEqual(control.position);
  });

  it('given a dispute and a corroboration each logged twice, then each counts once', () => {
    const denies = dispute({
      id: 'n#0',
      claimant: 'nrf',
      target: control,
      observedAt: sep(6),
      offset: 1,
    });
    const confirms = corroboration({
      id: 'e#0',
      claimant: 'emergency-ngo',
      target: control,
      degree: 'partial',
      observedAt: sep(6),
      offset: 2,
    });
    const position = positionOf(
      statusOf(RUKHA, [control, denies, confirms, again(denies, 3), again(confirms, 4)]),
      'taliban',
    );
    expect(position.disputes).toHaveLength(1);
    expect(position.corroborations).toHaveLength(1);
  });
});

describe('rule 7: province summary', () => {
  describe('given taliban claims Panjshir, nrf claims AF0802 and an aid group reports fighting in AF0805', () => {
    const events = [
      assertion({ id: 't#0', claimant: 'taliban', place: PANJSHIR, observedAt: sep(6), offset: 0 }),
      assertion({ id: 'n#0', claimant: 'nrf', place: RUKHA, observedAt: sep(6), offset: 1 }),
      assertion({
        id: 'e#0',
        claimant: 'emergency-ngo',
        kind: 'contest',
        place: ANAWA,
        observedAt: sep(6),
        offset: 2,
      }),
    ];
    const summary = provinceSummary(
      PANJSHIR,
      districtsOf(PANJSHIR).map((d) => statusOf(d, events)),
    );

    it('then its districts are counted by status', () => {
      expect(summary).toMatchObject({
        pcode: PANJSHIR,
        districts: 7,
        byStatus: { claimed: 5, contested: 2, unclaimed: 0 },
      });
    });

    it('then only claimed districts are counted by controller', () => {
      expect(summary.byController).toEqual({ taliban: 5 });
    });
  });

  it('given no events, then every district counts as unclaimed and there is no controller', () => {
    expect(
      provinceSummary(
        BAGHLAN,
        districtsOf(BAGHLAN).map((d) => statusOf(d, [])),
      ),
    ).toEqual({
      pcode: BAGHLAN,
      districts: districtsOf(BAGHLAN).length,
      byStatus: { claimed: 0, contested: 0, unclaimed: districtsOf(BAGHLAN).length },
      byController: {},
    });
  });
});
