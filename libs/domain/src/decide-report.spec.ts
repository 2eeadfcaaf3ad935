/** The decision on a report, rule by rule (DESIGN.md "Domain", DECISIONS.md "API"). */
import { CURRENT_SCHEMA } from './codec';
import { ClaimProblem, decideReport, ReportContext, ReportDecision } from './decide-report';
import { ClaimIds, KnownClaim } from './decision-context';
import { ClaimEvent, Submitter } from './events';
import { PlaceResolver } from './places';
import { Report, ReportClaim, targetIdsOf } from './report';
import { gazetteer, placeRef } from './testing/fixtures';

/** Readable ids and digests: the production ones (UUID v5, SHA-256) are tested in platform. */
const ids: ClaimIds = {
  claimId: (reportId, index) => `${reportId}#${index}`,
  digest: (value) => `digest:${JSON.stringify(value)}`,
};
const NOW = '2021-09-06T12:00:00.000Z';
const DESK: Submitter = { keyId: 'k-1', name: 'kabul desk' };
const places = new PlaceResolver(gazetteer);

const report = (claims: ReportClaim[], reportId = 'r-1'): Report => ({
  reportId,
  source: { outlet: 'Wire', reliability: 'C' },
  claims,
});
const control = (place: string, extra: Partial<ReportClaim> = {}): ReportClaim =>
  ({
    claimant: 'taliban',
    kind: 'control',
    actor: 'taliban',
    place,
    observedAt: '2021-09-05T16:00:00Z',
    ...extra,
  }) as ReportClaim;
const dispute = (target: object, claimant = 'nrf'): ReportClaim =>
  ({ claimant, kind: 'dispute', observedAt: '2021-09-05T20:00:00Z', target }) as ReportClaim;
const retract = (target: object, claimant = 'taliban'): ReportClaim =>
  ({ claimant, kind: 'retract', observedAt: '2021-09-06T00:00:00Z', target }) as ReportClaim;

function decide(
  r: Report,
  known: ReadonlyMap<string, KnownClaim> = new Map(),
  submittedBy: Submitter = DESK,
): ReportDecision {
  const context: ReportContext = {
    places,
    known,
    clock: { now: () => new Date(NOW) },
    ids,
    submittedBy,
  };
  return decideReport(r, context);
}

function accepted(r: Report, known?: ReadonlyMap<string, KnownClaim>): readonly ClaimEvent[] {
  const decision = decide(r, known);
  if (!decision.accepted) throw new Error(`refused: ${JSON.stringify(decision.problems)}`);
  return decision.events;
}

function refused(r: Report, known?: ReadonlyMap<string, KnownClaim>): readonly ClaimProblem[] {
  const decision = decide(r, known);
  if (decision.accepted) throw new Error('the report was accepted');
  return decision.problems;
}

const known = (claimId: string, claimant: string, kind: KnownClaim['kind'], pcode: string) =>
  new Map<string, KnownClaim>([[claimId, { claimId, claimant, kind, place: placeRef(pcode) }]]);

describe('given a report whose places and targets resolve', () => {
  it('then each claim gets the id of its report id and index, the same on every submission', () => {
    const first = decide(report([control('AF0802'), control('AF0804')]));
    const again = decide(report([control('AF0802'), control('AF0804')]));
    if (!first.accepted || !again.accepted) throw new Error('refused');
    expect(first.events.map((e) => e.id)).toEqual(['r-1#0', 'r-1#1']);
    expect(again.events.map((e) => e.id)).toEqual(['r-1#0', 'r-1#1']);
    expect(again.digest).toBe(first.digest);
    expect(first.events.every((e) => e.reportDigest === first.digest)).toBe(true);
  });

  it('then other content under the same report id has another digest', () => {
    const one = decide(report([control('AF0802')]));
    const other = decide(report([control('AF0805')]));
    expect(one.accepted && other.accepted && one.digest !== other.digest).toBe(true);
  });

  it('then every event records who submitted it, when it was recorded, in the current schema', () => {
    const events = accepted(report([control('AF0802'), dispute({ index: 0 })]));
    for (const e of events) {
      expect(e.submittedBy).toEqual(DESK);
      expect(e.recordedAt).toBe(NOW);
      expect(e.schema).toBe(CURRENT_SCHEMA[e.type]);
    }
  });

  it('then the event records the input name and how it resolved, keyed by province', () => {
    const [event] = accepted(report([control('Rukhah', { province: 'Panjshir' })]));
    expect(event!.place).toEqual({
      pcode: 'AF0802',
      level: 'district',
      name: 'Rukha',
      province: 'AF08',
      input: 'Rukhah',
      resolution: 'name',
    });
    expect(event).toMatchObject({
      type: 'claim.asserted',
      observedAt: '2021-09-05T16:00:00.000Z',
      data: { kind: 'control', actor: 'taliban', precision: 'exact' },
    });
  });

  it('then a near match is taken within the province given or implied by the other claims', () => {
    const [given] = accepted(report([control('Anabah', { province: 'AF08' })]));
    expect(given!.place).toMatchObject({ pcode: 'AF0805', resolution: 'near' });
    // Khinj resolves exactly into Panjshir, which implies the province of Anabah.
    const implied = accepted(report([control('Khinj'), control('Anabah')]));
    expect(implied[1]!.place).toMatchObject({ pcode: 'AF0805', resolution: 'near' });
  });

  it('then a target by index or by accepted claim id takes the target’s place', () => {
    const old = known('old#0', 'nrf', 'control', 'AF0908');
    const events = accepted(
      report([
        control('AF0802'),
        dispute({ index: 0 }),
        {
          claimant: 'aid',
          kind: 'corroborate',
          degree: 'full',
          observedAt: '2021-09-05T20:00:00Z',
          target: { claimId: 'old#0' },
        },
      ]),
      old,
    );
    expect(events[1]).toMatchObject({
      type: 'claim.disputed',
      place: { pcode: 'AF0802' },
      data: { target: { claimId: 'r-1#0' } },
    });
    expect(events[2]).toMatchObject({
      type: 'claim.corroborated',
      place: { pcode: 'AF0908', province: 'AF09' },
      data: { degree: 'full', target: { claimId: 'old#0' } },
    });
  });

  it('then a blanket dispute targets the claimant and the place’s p-code', () => {
    const [event] = accepted(report([dispute({ claimant: 'taliban', place: 'Panjshir' })]));
    expect(event).toMatchObject({
      place: { pcode: 'AF08', level: 'province' },
      data: { target: { claimant: 'taliban', place: 'AF08' } },
    });
  });

  it('then a claimant retracts its own claim, by index or by id', () => {
    const events = accepted(
      report([control('AF0802'), retract({ index: 0 }), retract({ claimId: 'old#0' })]),
      known('old#0', 'taliban', 'presence', 'AF0805'),
    );
    expect(events.slice(1).map((e) => [e.type, e.place.pcode])).toEqual([
      ['claim.retracted', 'AF0802'],
      ['claim.retracted', 'AF0805'],
    ]);
  });

  it('then the claim ids it targets are those to look up first', () => {
    expect(
      targetIdsOf(report([control('AF0802'), dispute({ claimId: 'x#0' }), dispute({ index: 0 })])),
    ).toEqual(['x#0']);
  });
});

describe('given places that do not resolve', () => {
  it('then without a province there is no near match, and no guess', () => {
    expect(refused(report([control('Anabah')]))).toEqual([
      expect.objectContaining({ index: 0, field: 'place', reason: 'unknown-place' }),
    ]);
  });

  it('then ambiguous and unknown places are refused with candidates, all at once', () => {
    const problems = refused(report([control('Kabul'), control('Abshar', { province: 'AF08' })]));
    expect(problems.map((p) => [p.index, p.reason])).toEqual([
      [0, 'ambiguous-place'],
      [1, 'unknown-place'],
    ]);
    expect(problems[0]!.candidates!.map((c) => c.pcode).sort()).toEqual(['AF01', 'AF0101']);
    expect(problems[1]!.candidates!.length).toBeGreaterThan(0);
  });

  it('then a province hint that is a district is refused, naming the field', () => {
    expect(refused(report([control('Rukha', { province: 'AF0802' })]))).toEqual([
      expect.objectContaining({ field: 'province', reason: 'not-a-province' }),
    ]);
  });
});

describe('given targets that do not resolve', () => {
  it('then a target index that is the claim itself, or out of range, is refused', () => {
    const problems = refused(report([dispute({ index: 0 }), dispute({ index: 9 })]));
    expect(problems.map((p) => [p.index, p.field, p.reason])).toEqual([
      [0, 'target.index', 'no-such-index'],
      [1, 'target.index', 'no-such-index'],
    ]);
  });

  it('then a claim id nobody accepted is refused', () => {
    expect(refused(report([dispute({ claimId: 'nowhere#0' })]))).toEqual([
      expect.objectContaining({ field: 'target.claimId', reason: 'no-such-claim' }),
    ]);
  });

  it('then a dispute or corroboration of something other than an assertion is refused', () => {
    const byId = refused(
      report([dispute({ claimId: 'd#0' })]),
      known('d#0', 'aid', 'dispute', 'AF0802'),
    );
    expect(byId[0]).toMatchObject({ field: 'target', reason: 'target-not-assertion' });
    const byIndex = refused(
      report([control('AF0802'), dispute({ index: 0 }), dispute({ index: 1 })]),
    );
    expect(byIndex).toEqual([
      expect.objectContaining({ index: 2, field: 'target.index', reason: 'target-not-assertion' }),
    ]);
  });

  it('then nothing is refused but the claims at fault, and nothing is decided', () => {
    const decision = decide(report([control('AF0802'), control('Nowhere-at-all')]));
    expect(decision.accepted).toBe(false);
    expect(!decision.accepted && decision.problems.map((p) => p.index)).toEqual([1]);
  });
});

describe('given a retraction', () => {
  it('then a claimant cannot retract another claimant’s claim (curators can)', () => {
    const problems = refused(report([control('AF0802'), retract({ index: 0 }, 'nrf')]));
    expect(problems[0]).toMatchObject({ index: 1, field: 'target', reason: 'not-own-claim' });
    expect(problems[0]!.problem).toMatch(/POST \/v1\/claims\/\{claimId\}\/retractions/);
  });

  it('then a retraction cannot be retracted, nor a curator’s', () => {
    expect(
      refused(report([retract({ claimId: 'x#0' })]), known('x#0', 'taliban', 'retract', 'AF0802')),
    ).toEqual([expect.objectContaining({ reason: 'retraction-of-retraction' })]);
    expect(
      refused(
        report([retract({ claimId: 'c#0' }, 'curator')]),
        known('c#0', 'curator', 'curator-retract', 'AF0802'),
      ),
    ).toEqual([expect.objectContaining({ reason: 'retraction-of-retraction' })]);
  });
});
