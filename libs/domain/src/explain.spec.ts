/**
 * The audit explanation of a district's status (explain.ts): for each step of DESIGN.md's worked
 * example, the derivation rule by rule, then every reason a claim may not count.
 */
import { LoggedEvent } from './events';
import { explainDistrict } from './explain';
import { DistrictExplanation } from './explanation';
import { EXCLUSION_TEXTS, RULE_SECTIONS, RULE_TEXTS } from './explanation-texts';
import { districtStatus } from './status';
import {
  ANDARAB,
  assertion,
  aug,
  BAGHLAN,
  corroboration,
  curatorRetraction,
  DEH_SALAH,
  districtRef,
  districtsOf,
  dispute,
  prng,
  PUL_E_HISAR,
  retraction,
  workedExample,
  TEST_SUBMITTER,
} from './testing/fixtures';

const { r1, r2, r3, all } = workedExample();
const explain = (pcode: string, events: readonly LoggedEvent[]) =>
  explainDistrict(districtRef(pcode), events);

/** Every claim id the explanation mentions, by where it puts it. */
function placement(x: DistrictExplanation): string[] {
  return [
    ...x.positions.flatMap((p) => [
      ...p.run.map((c) => `run:${c.claimId}`),
      ...p.disputes.map((d) => `dispute:${d.claimId}`),
      ...p.corroborations.map((c) => `corroboration:${c.claimId}`),
    ]),
    ...x.retractions.map((r) => `retraction:${r.claimId}`),
    ...x.notCounted.map((n) => `not-counted:${n.claimId}:${n.reason}`),
  ].sort();
}

/** The explanation agrees with districtStatus and names its rules with DESIGN.md's words. */
function expectConsistent(pcode: string, events: readonly LoggedEvent[]): DistrictExplanation {
  const x = explain(pcode, events);
  const status = districtStatus(districtRef(pcode), events);
  expect({ status: x.status, controller: x.controller, verification: x.verification }).toEqual({
    status: status.status,
    controller: status.controller,
    verification: status.verification,
  });
  for (const key of ['status', 'controller', 'verification'] as const) {
    const d = x.decidedBy[key];
    expect(d.rule).toBe(status.rules[key]);
    expect(d.text).toBe(RULE_TEXTS[d.rule]);
    expect(d.section).toBe(RULE_SECTIONS[d.rule]);
    expect(x.narrative.join('\n')).toContain(`(${d.rule})`);
  }
  expect(x.positions.map((p) => p.run.map((c) => c.claimId))).toEqual(
    status.positions.map((p) => p.claimIds),
  );
  return x;
}

describe('the rule texts', () => {
  it('then every rule has words and its DESIGN.md rule number (4 status, 5 controller, 6 verification)', () => {
    const controllerRules = ['claimed-actor', 'latest-undisputed-control', 'latest-control'];
    for (const [rule, text] of Object.entries(RULE_TEXTS)) {
      expect(text.length).toBeGreaterThan(20);
      const expected = rule.includes('/')
        ? 4
        : [...controllerRules, 'no-control-position'].includes(rule)
          ? 5
          : 6;
      expect(RULE_SECTIONS[rule as keyof typeof RULE_SECTIONS]).toBe(expected);
    }
    expect(Object.keys(RULE_TEXTS).sort()).toEqual(Object.keys(RULE_SECTIONS).sort());
  });
});

describe('the worked example of DESIGN.md, explained step by step', () => {
  describe('step 1: given r1 (nrf controls AF0908 and AF0912, 20 Aug)', () => {
    const events = r1;

    it('then AF0907 is unclaimed because nobody holds a position there', () => {
      const x = expectConsistent(ANDARAB, events);
      expect(x).toMatchObject({
        status: 'unclaimed',
        controller: null,
        verification: 'none',
        positions: [],
        retractions: [],
        notCounted: [],
        decidedBy: {
          status: { rule: 'unclaimed/no-positions', section: 4 },
          controller: { rule: 'no-control-position', position: null },
          verification: { rule: 'no-controller', corroboration: null },
        },
      });
    });

    it('then AF0908 is claimed by nrf: one position, its run is r1#0 about the district itself', () => {
      const x = expectConsistent(DEH_SALAH, events);
      expect(x.positions).toEqual([
        {
          claimant: 'nrf',
          kind: 'control',
          actor: 'nrf',
          observedAt: aug(20, 6),
          disputed: false,
          run: [
            {
              claimId: 'r1#0',
              type: 'claim.asserted',
              kind: 'control',
              claimant: 'nrf',
              reportId: 'r1',
              index: 0,
              place: { pcode: DEH_SALAH, level: 'district' },
              observedAt: aug(20, 6),
              recordedAt: aug(20, 10),
              submittedBy: TEST_SUBMITTER,
              logPosition: { partition: 0, offset: 0 },
            },
          ],
          disputes: [],
          corroborations: [],
        },
      ]);
      expect(x.decidedBy).toMatchObject({
        status: { rule: 'claimed/one-controller' },
        controller: { rule: 'claimed-actor', position: { claimant: 'nrf', claimId: 'r1#0' } },
        verification: { rule: 'no-corroboration', corroboration: null },
      });
      expect(x.notCounted).toEqual([]);
    });

    it('then AF0912 is claimed by nrf through r1#1, and r1#0 (about AF0908) is not mentioned', () => {
      const x = expectConsistent(PUL_E_HISAR, events);
      expect(x.positions.map((p) => p.run.map((c) => c.claimId))).toEqual([['r1#1']]);
      expect(placement(x)).toEqual(['run:r1#1']);
    });
  });

  describe('step 2: given r2 (taliban controls the whole province AF09, 22 Aug)', () => {
    const events = [...r1, ...r2];

    it('then AF0907 is claimed by taliban through a province-level claim (rule 1)', () => {
      const x = expectConsistent(ANDARAB, events);
      expect(x.positions).toEqual([
        expect.objectContaining({
          claimant: 'taliban',
          run: [
            expect.objectContaining({
              claimId: 'r2#0',
              place: { pcode: BAGHLAN, level: 'province' },
            }),
          ],
          disputes: [],
        }),
      ]);
      expect(x.decidedBy.status.rule).toBe('claimed/one-controller');
      expect(x.decidedBy.controller.position).toEqual({ claimant: 'taliban', claimId: 'r2#0' });
    });

    it.each([
      [DEH_SALAH, 'r1#0'],
      [PUL_E_HISAR, 'r1#1'],
    ])(
      'then %s is contested by two controllers; taliban, the latest undisputed, controls',
      (pcode, nrfClaim) => {
        const x = expectConsistent(pcode, events);
        expect(x).toMatchObject({ status: 'contested', controller: 'taliban' });
        expect(x.positions.map((p) => [p.claimant, p.run.map((c) => c.claimId)])).toEqual([
          ['nrf', [nrfClaim]],
          ['taliban', ['r2#0']],
        ]);
        expect(x.decidedBy).toMatchObject({
          status: { rule: 'contested/several-controllers', section: 4 },
          controller: {
            rule: 'latest-undisputed-control',
            section: 5,
            position: { claimant: 'taliban', claimId: 'r2#0' },
          },
          verification: { rule: 'no-corroboration', section: 6 },
        });
      },
    );
  });

  describe('step 3: given r3 (nrf disputes taliban on AF09, blanket, 22 Aug)', () => {
    const events = [...r1, ...r2, ...r3];

    it('then AF0907 is contested: taliban’s only position is disputed by the blanket r3#0, which reaches r2#0', () => {
      const x = expectConsistent(ANDARAB, events);
      const [taliban] = x.positions;
      expect(x.positions).toHaveLength(1);
      expect(taliban).toMatchObject({ claimant: 'taliban', disputed: true });
      expect(taliban!.disputes).toEqual([
        expect.objectContaining({
          claimId: 'r3#0',
          claimant: 'nrf',
          kind: 'dispute',
          blanket: true,
          targetClaimId: 'r2#0',
          reaches: ['r2#0'],
          logPosition: { partition: 0, offset: 3 },
        }),
      ]);
      expect(x.decidedBy).toMatchObject({
        status: { rule: 'contested/every-control-disputed' },
        controller: { rule: 'latest-control', position: { claimant: 'taliban', claimId: 'r2#0' } },
      });
      expect(x.notCounted).toEqual([]);
    });

    it.each([DEH_SALAH, PUL_E_HISAR])(
      'then %s is contested with nrf in control: the latest undisputed control position',
      (pcode) => {
        const x = expectConsistent(pcode, events);
        expect(x.controller).toBe('nrf');
        expect(x.decidedBy.controller).toMatchObject({
          rule: 'latest-undisputed-control',
          position: { claimant: 'nrf' },
        });
        const nrf = x.positions.find((p) => p.claimant === 'nrf')!;
        expect(nrf.disputed).toBe(false);
        const taliban = x.positions.find((p) => p.claimant === 'taliban')!;
        expect(taliban.disputes.map((d) => [d.claimId, d.blanket, d.reaches])).toEqual([
          ['r3#0', true, ['r2#0']],
        ]);
      },
    );
  });

  describe('step 4: given r4 (local-elders fully corroborate r1#1 on AF0912)', () => {
    it('then AF0912 is corroborated by that full corroboration of nrf’s run', () => {
      const x = expectConsistent(PUL_E_HISAR, all);
      expect(x).toMatchObject({
        status: 'contested',
        controller: 'nrf',
        verification: 'corroborated',
      });
      expect(x.positions.find((p) => p.claimant === 'nrf')!.corroborations).toEqual([
        expect.objectContaining({
          claimId: 'r4#0',
          claimant: 'local-elders',
          degree: 'full',
          blanket: false,
          targetClaimId: 'r1#1',
          reaches: ['r1#1'],
        }),
      ]);
      expect(x.decidedBy.verification).toEqual({
        rule: 'full-corroboration',
        section: 6,
        text: RULE_TEXTS['full-corroboration'],
        corroboration: {
          claimId: 'r4#0',
          claimant: 'local-elders',
          degree: 'full',
          targetClaimId: 'r1#1',
        },
      });
    });

    it('then AF0908 and AF0907 are explained as in step 3: r4 bears only on AF0912', () => {
      for (const pcode of [ANDARAB, DEH_SALAH]) {
        expect(expectConsistent(pcode, all)).toEqual(explain(pcode, [...r1, ...r2, ...r3]));
      }
    });
  });

  describe('step 5: given r2 is logged again unchanged (same ids)', () => {
    const again = [...all, ...r2.map((e) => ({ ...e, position: { partition: 0, offset: 9 } }))];

    it('then every explanation is the one of step 4 (the first copy in the log counts)', () => {
      for (const pcode of [ANDARAB, DEH_SALAH, PUL_E_HISAR]) {
        expect(expectConsistent(pcode, again)).toEqual(explain(pcode, all));
      }
    });
  });
});

describe('claims that do not count, and why', () => {
  describe('given a curator retracts taliban’s province claim r2#0 after r1..r4', () => {
    const withdrawal = curatorRetraction({
      id: 'c#0',
      target: r2[0]!,
      reason: 'the statement was about Baghlan-e-Jadid only',
      curator: 'verification desk',
      observedAt: aug(22, 6),
      recordedAt: aug(26),
      offset: 5,
    });
    const events = [...all, withdrawal];

    it('then AF0907 is unclaimed; r2#0 is retracted by the curator, and r3#0 reaches nothing', () => {
      const x = expectConsistent(ANDARAB, events);
      expect(x.status).toBe('unclaimed');
      expect(x.retractions).toEqual([
        expect.objectContaining({
          claimId: 'c#0',
          kind: 'curator-retract',
          by: 'curator',
          curator: 'verification desk',
          reason: 'the statement was about Baghlan-e-Jadid only',
          targetClaimId: 'r2#0',
        }),
      ]);
      expect(x.notCounted).toEqual([
        expect.objectContaining({
          claimId: 'r2#0',
          reason: 'retracted',
          text: EXCLUSION_TEXTS.retracted,
          retractedBy: [expect.objectContaining({ claimId: 'c#0', by: 'curator' })],
        }),
        expect.objectContaining({
          claimId: 'r3#0',
          reason: 'reaches-nothing',
          target: { claimant: 'taliban', place: BAGHLAN },
        }),
      ]);
      expect(x.narrative[0]).toContain('withdrawn by curator verification desk');
    });

    it('then AF0908 is claimed by nrf again', () => {
      const x = expectConsistent(DEH_SALAH, events);
      expect(x).toMatchObject({ status: 'claimed', controller: 'nrf' });
      expect(placement(x)).toEqual([
        'not-counted:r2#0:retracted',
        'not-counted:r3#0:reaches-nothing',
        'retraction:c#0',
        'run:r1#0',
      ]);
    });
  });

  describe('given nrf retracts its own claim r1#0', () => {
    const own = retraction({
      id: 'x#0',
      claimant: 'nrf',
      target: r1[0]!,
      observedAt: aug(21),
      offset: 5,
    });

    it('then the claim is retracted by its claimant', () => {
      const x = expectConsistent(DEH_SALAH, [...r1, own]);
      expect(x.status).toBe('unclaimed');
      expect(x.retractions).toEqual([
        expect.objectContaining({ claimId: 'x#0', by: 'claimant', targetClaimId: 'r1#0' }),
      ]);
      expect(x.notCounted).toEqual([
        expect.objectContaining({
          claimId: 'r1#0',
          reason: 'retracted',
          retractedBy: [expect.objectContaining({ claimId: 'x#0', claimant: 'nrf' })],
        }),
      ]);
    });

    it('then a curator retracting that retraction brings the claim back', () => {
      const undo = curatorRetraction({ id: 'c#0', target: own, observedAt: aug(21), offset: 6 });
      const x = expectConsistent(DEH_SALAH, [...r1, own, undo]);
      expect(x.status).toBe('claimed');
      expect(placement(x)).toEqual(['not-counted:x#0:retracted', 'retraction:c#0', 'run:r1#0']);
    });

    it('then a claimant’s retraction of another claimant’s claim withdraws nothing', () => {
      const foreign = retraction({
        id: 'y#0',
        claimant: 'taliban',
        target: r1[0]!,
        observedAt: aug(21),
        offset: 5,
      });
      const x = expectConsistent(DEH_SALAH, [...r1, foreign]);
      expect(x.status).toBe('claimed');
      expect(x.notCounted).toEqual([
        expect.objectContaining({
          claimId: 'y#0',
          reason: 'withdraws-nothing',
          target: { claimId: 'r1#0' },
        }),
      ]);
    });
  });

  describe('given taliban first claims control of AF0908, then only presence', () => {
    const control = assertion({
      id: 't1#0',
      claimant: 'taliban',
      place: DEH_SALAH,
      observedAt: aug(20),
      offset: 0,
    });
    const presence = assertion({
      id: 't2#0',
      claimant: 'taliban',
      place: DEH_SALAH,
      kind: 'presence',
      observedAt: aug(25),
      offset: 1,
    });

    it('then the control claim is superseded by the presence position', () => {
      const x = expectConsistent(DEH_SALAH, [control, presence]);
      expect(x.status).toBe('unclaimed');
      expect(x.decidedBy.status.rule).toBe('unclaimed/presence-of-one-actor');
      expect(x.notCounted).toEqual([
        expect.objectContaining({
          claimId: 't1#0',
          reason: 'superseded',
          supersededBy: {
            claimId: 't2#0',
            kind: 'presence',
            actor: 'taliban',
            observedAt: aug(25),
          },
        }),
      ]);
    });

    it('then a dispute of the superseded claim does not count', () => {
      const late = dispute({
        id: 'n#0',
        claimant: 'nrf',
        target: control,
        observedAt: aug(26),
        offset: 2,
      });
      const x = expectConsistent(DEH_SALAH, [control, presence, late]);
      expect(x.positions[0]!.disputed).toBe(false);
      expect(x.notCounted.map((n) => [n.claimId, n.reason])).toEqual([
        ['t1#0', 'superseded'],
        ['n#0', 'target-superseded'],
      ]);
    });
  });

  describe('given a claimant disputes and corroborates its own claims', () => {
    const own = r1[0]!;
    const selfDispute = dispute({
      id: 's#0',
      claimant: 'nrf',
      target: own,
      observedAt: aug(21),
      offset: 5,
    });
    const selfBlanket = dispute({
      id: 's#1',
      claimant: 'nrf',
      target: { claimant: 'nrf', place: DEH_SALAH },
      observedAt: aug(21),
      offset: 6,
    });
    const selfCorroboration = corroboration({
      id: 's#2',
      claimant: 'nrf',
      target: own,
      observedAt: aug(21),
      offset: 7,
    });

    it('then none of them counts: self-disputes (explicit and blanket) and a self-corroboration', () => {
      const x = expectConsistent(DEH_SALAH, [own, selfDispute, selfBlanket, selfCorroboration]);
      expect(x).toMatchObject({ status: 'claimed', verification: 'none' });
      expect(x.notCounted.map((n) => [n.claimId, n.reason, n.text])).toEqual([
        ['s#0', 'self-dispute', EXCLUSION_TEXTS['self-dispute']],
        ['s#1', 'self-dispute', EXCLUSION_TEXTS['self-dispute']],
        ['s#2', 'self-corroboration', EXCLUSION_TEXTS['self-corroboration']],
      ]);
    });
  });

  describe('given a corroboration of a claim that was then retracted', () => {
    it('then the corroboration does not count: its target is retracted', () => {
      const back = corroboration({
        id: 'e#0',
        claimant: 'local-elders',
        target: r1[0]!,
        observedAt: aug(21),
        offset: 5,
      });
      const withdrawn = retraction({
        id: 'x#0',
        claimant: 'nrf',
        target: r1[0]!,
        observedAt: aug(22),
        offset: 6,
      });
      const x = expectConsistent(DEH_SALAH, [...r1, back, withdrawn]);
      expect(x.notCounted.map((n) => [n.claimId, n.reason])).toEqual([
        ['r1#0', 'retracted'],
        ['e#0', 'target-retracted'],
      ]);
    });
  });

  describe('given a blanket dispute observed before every claim of the target’s run', () => {
    it('then it reaches nothing', () => {
      const early = dispute({
        id: 'd#0',
        claimant: 'nrf',
        target: { claimant: 'taliban', place: BAGHLAN },
        observedAt: aug(21),
        offset: 5,
      });
      const x = expectConsistent(ANDARAB, [...r2, early]);
      expect(x.status).toBe('claimed');
      expect(x.notCounted.map((n) => [n.claimId, n.reason])).toEqual([['d#0', 'reaches-nothing']]);
    });
  });

  describe('given a run of two claims and a blanket dispute between them', () => {
    it('then the dispute reaches only the older claim, and names it', () => {
      const older = assertion({
        id: 'a#0',
        claimant: 'taliban',
        place: BAGHLAN,
        observedAt: aug(20),
        offset: 0,
      });
      const newer = assertion({
        id: 'a#1',
        claimant: 'taliban',
        place: ANDARAB,
        observedAt: aug(24),
        offset: 1,
      });
      const between = dispute({
        id: 'd#0',
        claimant: 'nrf',
        target: { claimant: 'taliban', place: BAGHLAN },
        observedAt: aug(22),
        offset: 2,
      });
      const x = expectConsistent(ANDARAB, [older, newer, between]);
      expect(x.positions[0]!.run.map((c) => [c.claimId, c.place.level])).toEqual([
        ['a#1', 'district'],
        ['a#0', 'province'],
      ]);
      expect(x.positions[0]!.disputes).toEqual([
        expect.objectContaining({ claimId: 'd#0', targetClaimId: 'a#0', reaches: ['a#0'] }),
      ]);
      expect(x.decidedBy.status.rule).toBe('contested/every-control-disputed');
    });
  });
});

describe('given many random events on Baghlan (every kind, retractions, duplicates)', () => {
  const CLAIMANTS = ['taliban', 'nrf', 'local-elders', 'un-ocha'] as const;
  const PLACES = [BAGHLAN, ...districtsOf(BAGHLAN).slice(0, 4)];

  function generated(seed: number, count = 150): LoggedEvent[] {
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const events: LoggedEvent[] = [];
    const assertions: LoggedEvent[] = [];
    for (let i = 0; i < count; i++) {
      const common = {
        id: `g${i}#0`,
        claimant: pick(CLAIMANTS),
        observedAt: new Date(
          Date.parse(aug(15)) + Math.floor(random() * 2000) * 60_000,
        ).toISOString(),
        offset: i,
      };
      const roll = random();
      let event: LoggedEvent;
      if (roll < 0.45 || assertions.length === 0) {
        const kind = pick(['control', 'control', 'presence', 'contest'] as const);
        event = assertion({
          ...common,
          place: pick(PLACES),
          kind,
          actor: kind === 'contest' ? null : pick(['taliban', 'nrf']),
        });
        assertions.push(event);
      } else if (roll < 0.6) event = dispute({ ...common, target: pick(assertions) });
      else if (roll < 0.7)
        event = dispute({ ...common, target: { claimant: pick(CLAIMANTS), place: pick(PLACES) } });
      else if (roll < 0.8)
        event = corroboration({
          ...common,
          target: pick(assertions),
          degree: pick(['full', 'partial'] as const),
        });
      else if (roll < 0.88) event = retraction({ ...common, target: pick(events) });
      else if (roll < 0.94) event = curatorRetraction({ ...common, target: pick(events) });
      else event = { ...pick(events), position: { partition: 0, offset: i } };
      events.push(event);
    }
    return events;
  }

  it.each([1, 2, 3, 4, 5])(
    'then with seed %i every event bearing on a district is placed exactly once, consistently',
    (seed) => {
      const events = generated(seed);
      for (const pcode of districtsOf(BAGHLAN).slice(0, 5)) {
        const x = expectConsistent(pcode, events);
        const ids = placement(x).map((p) => p.split(':')[1]);
        expect(new Set(ids).size).toBe(ids.length);
        const bearing = new Set(
          events
            .filter((e) => e.event.place.pcode === pcode || e.event.place.pcode === BAGHLAN)
            .map((e) => e.event.id),
        );
        expect(new Set(ids)).toEqual(bearing);
      }
    },
  );
});
