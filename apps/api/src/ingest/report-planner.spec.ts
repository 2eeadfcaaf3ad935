import { claimIdFor } from '@sitrep/platform';
import { gazetteer, placeRef } from '../../../../libs/domain/src/testing/fixtures';
import { Problem } from '../http/problem';
import { KnownClaim, ReportPlanner } from './report-planner';
import { reportSchema } from './report.schema';

const planner = new ReportPlanner(gazetteer);
const NOW = '2021-09-06T12:00:00.000Z';
const base = { reportId: 'r-1', source: { outlet: 'Wire', reliability: 'C' } };
const control = (place: string, extra: Record<string, unknown> = {}) => ({
  claimant: 'taliban',
  kind: 'control',
  actor: 'taliban',
  place,
  observedAt: '2021-09-05T16:00:00Z',
  ...extra,
});

function plan(claims: unknown[], known: ReadonlyMap<string, KnownClaim> = new Map()) {
  return planner.plan(reportSchema.parse({ ...base, claims }), known, NOW);
}

/** The problem a plan throws, with its per-claim errors. */
function refusal(claims: unknown[], known?: ReadonlyMap<string, KnownClaim>) {
  try {
    plan(claims, known);
  } catch (error) {
    if (error instanceof Problem)
      return {
        status: error.status,
        errors: error.extensions['errors'] as {
          index: number;
          field: string;
          problem: string;
          candidates?: { pcode: string }[];
        }[],
      };
    throw error;
  }
  throw new Error('the plan was accepted');
}

describe('given a report, the planner', () => {
  it('gives each claim a UUID v5 of the report id and its index, the same on every submission', () => {
    const first = plan([control('AF0802'), control('AF0804')]);
    const again = plan([control('AF0802'), control('AF0804')]);
    expect(first.events.map((e) => e.id)).toEqual([claimIdFor('r-1', 0), claimIdFor('r-1', 1)]);
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(again.digest).toBe(first.digest);
    expect(plan([control('AF0802'), control('AF0805')]).digest).not.toBe(first.digest);
  });

  it('records the input name and how it resolved, and keys the event by province', () => {
    const [event] = plan([control('Rukhah', { province: 'Panjshir' })]).events;
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
      schema: 2,
      recordedAt: NOW,
      data: { precision: 'exact' },
    });
  });

  it('allows a near match only within the province given or implied by the other claims', () => {
    expect(plan([control('Anabah', { province: 'AF08' })]).events[0]!.place).toMatchObject({
      pcode: 'AF0805',
      resolution: 'near',
    });
    // Implied: the other claim resolves exactly into Panjshir.
    expect(plan([control('Khinj'), control('Anabah')]).events[1]!.place).toMatchObject({
      pcode: 'AF0805',
      resolution: 'near',
    });
    // No province at all: no guess.
    const refused = refusal([control('Anabah')]);
    expect(refused.status).toBe(422);
    expect(refused.errors[0]).toMatchObject({ index: 0, field: 'place' });
  });

  it('refuses ambiguous and unknown places with candidates, all claims at once', () => {
    const refused = refusal([control('Kabul'), control('Abshar', { province: 'AF08' })]);
    expect(refused.errors.map((e) => e.index)).toEqual([0, 1]);
    expect(refused.errors[0]!.problem).toMatch(/ambiguous/);
    expect(refused.errors[0]!.candidates!.map((c) => c.pcode).sort()).toEqual(['AF01', 'AF0101']);
    expect(refused.errors[1]!.candidates!.length).toBeGreaterThan(0);
  });

  it('refuses a province hint that is not a province', () => {
    expect(refusal([control('Rukha', { province: 'AF0802' })]).errors[0]).toMatchObject({
      field: 'province',
    });
  });

  it('resolves targets by index and by accepted claim id, taking the target place', () => {
    const known = new Map([
      [
        claimIdFor('old', 0),
        {
          claimId: claimIdFor('old', 0),
          claimant: 'nrf',
          kind: 'control',
          place: placeRef('AF0908'),
        },
      ],
    ]);
    const events = plan(
      [
        control('AF0802'),
        {
          claimant: 'nrf',
          kind: 'dispute',
          observedAt: '2021-09-05T20:00:00Z',
          target: { index: 0 },
        },
        {
          claimant: 'aid',
          kind: 'corroborate',
          degree: 'full',
          observedAt: '2021-09-05T20:00:00Z',
          target: { claimId: claimIdFor('old', 0) },
        },
      ],
      known,
    ).events;
    expect(events[1]).toMatchObject({
      type: 'claim.disputed',
      place: { pcode: 'AF0802' },
      data: { target: { claimId: claimIdFor('r-1', 0) } },
    });
    expect(events[2]).toMatchObject({
      type: 'claim.corroborated',
      place: { pcode: 'AF0908', province: 'AF09' },
      data: { degree: 'full' },
    });
  });

  it('turns a blanket dispute into a target of claimant and place p-code', () => {
    const [event] = plan([
      {
        claimant: 'nrf',
        kind: 'dispute',
        observedAt: '2021-08-22T18:00:00Z',
        target: { claimant: 'taliban', place: 'Panjshir' },
      },
    ]).events;
    expect(event).toMatchObject({
      place: { pcode: 'AF08', level: 'province' },
      data: { target: { claimant: 'taliban', place: 'AF08' } },
    });
  });

  it('refuses targets that do not exist, point at themselves or at a non-assertion', () => {
    const refused = refusal([
      {
        claimant: 'nrf',
        kind: 'dispute',
        observedAt: '2021-09-05T20:00:00Z',
        target: { index: 0 },
      },
      {
        claimant: 'nrf',
        kind: 'dispute',
        observedAt: '2021-09-05T20:00:00Z',
        target: { index: 9 },
      },
      {
        claimant: 'nrf',
        kind: 'corroborate',
        degree: 'partial',
        observedAt: '2021-09-05T20:00:00Z',
        target: { claimId: claimIdFor('nowhere', 0) },
      },
    ]);
    expect(refused.errors.map((e) => [e.index, e.field])).toEqual([
      [0, 'target.index'],
      [1, 'target.index'],
      [2, 'target.claimId'],
    ]);
  });

  it('lets a claimant retract only its own claims', () => {
    const own = plan([
      control('AF0802'),
      {
        claimant: 'taliban',
        kind: 'retract',
        observedAt: '2021-09-06T00:00:00Z',
        target: { index: 0 },
      },
    ]).events;
    expect(own[1]).toMatchObject({
      type: 'claim.retracted',
      data: { target: { claimId: claimIdFor('r-1', 0) } },
    });
    const other = refusal([
      control('AF0802'),
      {
        claimant: 'nrf',
        kind: 'retract',
        observedAt: '2021-09-06T00:00:00Z',
        target: { index: 0 },
      },
    ]);
    expect(other.errors[0]!.problem).toMatch(/only its own claims/);
  });
});
