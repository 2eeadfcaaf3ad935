/** The event constructors write what the codec reads back unchanged, in the current schema. */
import { claimAsserted } from './claim-events';
import { CURRENT_SCHEMA, decodeEvent } from './codec';
import {
  assertion,
  corroboration,
  curatorRetraction,
  dispute,
  placeRef,
  retraction,
  TEST_SOURCE,
  TEST_SUBMITTER,
} from './testing/fixtures';
import { legacyEncoding } from './testing/legacy';

const uuid = (n: number) => `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`;
const control = assertion({
  id: uuid(1),
  claimant: 'taliban',
  place: 'AF0802',
  observedAt: '2021-09-05T16:00:00.000Z',
  offset: 0,
});
const events = [
  control,
  dispute({
    id: uuid(2),
    claimant: 'nrf',
    target: control,
    observedAt: '2021-09-05T17:00:00.000Z',
    offset: 1,
  }),
  dispute({
    id: uuid(3),
    claimant: 'nrf',
    target: { claimant: 'taliban', place: 'AF08' },
    observedAt: '2021-09-05T17:00:00.000Z',
    offset: 2,
  }),
  corroboration({
    id: uuid(4),
    claimant: 'msf',
    target: control,
    degree: 'partial',
    observedAt: '2021-09-05T18:00:00.000Z',
    offset: 3,
  }),
  retraction({
    id: uuid(5),
    claimant: 'taliban',
    target: control,
    observedAt: '2021-09-06T00:00:00.000Z',
    offset: 4,
  }),
  curatorRetraction({
    id: uuid(6),
    target: control,
    observedAt: '2021-09-05T16:00:00.000Z',
    offset: 5,
  }),
].map((e) => e.event);

describe('given an event made by a constructor', () => {
  it.each(events.map((e) => [e.type, e] as const))(
    'then %s is in the current schema, names its submitter, and decodes to itself',
    (_type, event) => {
      expect(event.schema).toBe(CURRENT_SCHEMA[event.type]);
      expect(event.submittedBy).toEqual(TEST_SUBMITTER);
      expect(decodeEvent(JSON.stringify(event))).toEqual({ ok: true, event });
    },
  );

  it('then its keys come in the order of the envelope in DESIGN.md, submittedBy last', () => {
    const event = claimAsserted(
      {
        id: uuid(7),
        reportId: 'r',
        index: 0,
        reportDigest: 'd',
        claimant: 'nrf',
        observedAt: '2021-09-05T16:00:00.000Z',
        recordedAt: '2021-09-05T18:00:00.000Z',
        place: placeRef('AF0802'),
        source: TEST_SOURCE,
        submittedBy: TEST_SUBMITTER,
      },
      { kind: 'presence', actor: 'nrf', precision: 'day' },
    );
    expect(Object.keys(event)).toEqual([
      'id',
      'type',
      'schema',
      'reportId',
      'index',
      'reportDigest',
      'claimant',
      'observedAt',
      'recordedAt',
      'place',
      'data',
      'source',
      'submittedBy',
    ]);
  });
});

describe('given an event as an older build wrote it', () => {
  it.each(events.map((e) => [e.type, e] as const))(
    'then %s before submittedBy reads back the same, with submittedBy null',
    (type, event) => {
      const older = type === 'claim.asserted' ? 2 : 1;
      expect(decodeEvent(JSON.stringify(legacyEncoding(event, older)))).toEqual({
        ok: true,
        event: { ...event, submittedBy: null },
      });
    },
  );

  it('then an assertion of schema 1 reads back as exact, whatever it was', () => {
    const day = assertion({
      id: uuid(8),
      claimant: 'nrf',
      place: 'AF0805',
      precision: 'day',
      observedAt: '2021-09-05T16:00:00.000Z',
      offset: 0,
    }).event;
    const decoded = decodeEvent(JSON.stringify(legacyEncoding(day, 1)));
    expect(decoded.ok && decoded.event).toMatchObject({
      data: { precision: 'exact' },
      submittedBy: null,
    });
  });
});
