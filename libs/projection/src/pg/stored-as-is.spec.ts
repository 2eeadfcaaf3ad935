/** A message stored as it came must hold exactly the decoded event. */
import { ClaimEvent, CURRENT_SCHEMA, decodeEvent, LoggedEvent } from '@sitrep/domain';
import {
  assertion,
  corroboration,
  curatorRetraction,
  dispute,
  retraction,
} from '@sitrep/domain/testing/fixtures';
import { storedAsIs } from './stored-as-is';
import { rukhaControl } from '../testing/rukha-control';

const control = rukhaControl;
const contest = assertion({
  id: '00000000-0000-4000-8000-000000000020',
  reportId: 'r2',
  index: 0,
  claimant: 'nrf',
  kind: 'contest',
  observedAt: '2021-09-05T17:00:00.000Z',
  offset: 1,
  place: 'AF08',
});
const others: LoggedEvent[] = [
  {
    ...dispute({
      id: '00000000-0000-4000-8000-000000000030',
      reportId: 'r3',
      index: 0,
      claimant: 'nrf',
      observedAt: control.event.observedAt,
      offset: 2,
      target: control,
    }),
  },
  dispute({
    id: '00000000-0000-4000-8000-000000000031',
    reportId: 'r3',
    index: 1,
    claimant: 'nrf',
    observedAt: control.event.observedAt,
    offset: 3,
    target: { claimant: 'taliban', place: 'AF08' },
  }),
  corroboration({
    id: '00000000-0000-4000-8000-000000000040',
    reportId: 'r4',
    index: 0,
    claimant: 'msf',
    observedAt: control.event.observedAt,
    offset: 4,
    target: control,
    degree: 'partial',
  }),
  retraction({
    id: '00000000-0000-4000-8000-000000000050',
    reportId: 'r5',
    index: 0,
    claimant: 'taliban',
    observedAt: control.event.observedAt,
    offset: 5,
    target: control,
  }),
  curatorRetraction({
    id: '00000000-0000-4000-8000-000000000060',
    reportId: 'r6',
    index: 0,
    observedAt: control.event.observedAt,
    offset: 6,
    target: contest,
  }),
];
/** The fixtures write the current schema of each type, as the API does. */
const current = (e: LoggedEvent): ClaimEvent => e.event;
const SCHEMA = `"schema":${CURRENT_SCHEMA['claim.asserted']}`;

describe('storedAsIs', () => {
  it('is true for what the API writes, and then decoding changes nothing', () => {
    for (const event of [control, contest, ...others].map(current)) {
      const text = JSON.stringify(event);
      const decoded = decodeEvent(text);
      expect(decoded.ok).toBe(true);
      expect(storedAsIs(text, decoded.ok ? decoded.event : event)).toBe(true);
      // The codec's contract this relies on: a current-schema event is decoded as it is.
      expect(JSON.stringify(decoded.ok && decoded.event)).toBe(text);
    }
  });

  it('is true for the same JSON laid out otherwise (the body is jsonb: same value)', () => {
    const event = current(control);
    const text = JSON.stringify(event, null, 2);
    const decoded = decodeEvent(text);
    expect(decoded.ok && storedAsIs(text, decoded.event)).toBe(true);
    expect(decoded.ok && decoded.event).toEqual(JSON.parse(text));
  });

  it('is false when decoding upcast or completed the event', () => {
    const { precision: _precision, ...v1data } = (current(control) as { data: object } & ClaimEvent)
      .data as { precision: string };
    const cases = [
      // schema 1 assertion: upcast to 2 with precision
      JSON.stringify({ ...current(control), schema: 1, data: v1data }),
      // a contest without an actor: decoding adds actor null
      JSON.stringify({ ...current(contest), data: { kind: 'contest', precision: 'exact' } }),
    ];
    for (const text of cases) {
      const decoded = decodeEvent(text);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      expect(JSON.stringify(decoded.event)).not.toBe(text);
      expect(storedAsIs(text, decoded.event)).toBe(false);
    }
  });

  it('is false for anything its scanner does not read plainly', () => {
    const event = current(control);
    const text = JSON.stringify(event);
    const tricky = [
      text.replace(SCHEMA, SCHEMA.replace('schema', 'sch\\u0065ma')), // escapes in a key
      text.replace(SCHEMA, `${SCHEMA}.0`),
      text.replace('"data":{', '"data":{"kind":"presence"},"data":{'), // data twice
      text.replace(SCHEMA, `${SCHEMA},${SCHEMA}`),
    ];
    for (const t of tricky) expect(storedAsIs(t, event)).toBe(false);
    // A nested "schema" or "actor" elsewhere does not count.
    const nested = JSON.stringify({
      ...event,
      source: { outlet: 'x', schema: 2, actor: 'y' },
      data: { ...event.data, quote: '"schema":1 \\ "actor"' },
    });
    expect(storedAsIs(nested, event)).toBe(true);
    const noActor = JSON.stringify({
      ...current(contest),
      source: { outlet: 'x', data: { actor: null } },
      data: { kind: 'contest', precision: 'exact' },
    });
    expect(storedAsIs(noActor, current(contest))).toBe(false);
  });
});
