/**
 * COPY rows of a bulk replay: a message stored as it came must hold exactly the decoded event,
 * and fields must be escaped for COPY's text format.
 */
import { ClaimEvent, CURRENT_SCHEMA, decodeEvent, LoggedEvent } from '@sitrep/domain';
import {
  assertion,
  corroboration,
  curatorRetraction,
  dispute,
  retraction,
} from '@sitrep/domain/testing/fixtures';
import { copyField, eventRow, statusRows, storedAsIs } from './copy-events';

const control = assertion({
  id: '00000000-0000-4000-8000-000000000010',
  reportId: 'r1',
  index: 0,
  claimant: 'taliban',
  observedAt: '2021-09-05T16:00:00.000Z',
  offset: 0,
  place: 'AF0802',
  precision: 'day',
});
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

describe('COPY rows', () => {
  it('escapes backslash, tab, newline and carriage return, and writes null as \\N', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    expect(copyField(12)).toBe('12');
  });

  it('writes one line per event, with the body escaped', () => {
    const event = { ...current(control), data: { ...current(control).data, quote: 'a\tb\\c' } };
    const row = eventRow(event as ClaimEvent, { partition: 3, offset: 42 });
    expect(row.endsWith('\n')).toBe(true);
    const fields = row.slice(0, -1).split('\t');
    expect(fields).toHaveLength(13);
    expect(fields.slice(0, 8)).toEqual([
      '00000000-0000-4000-8000-000000000010',
      'claim.asserted',
      String(CURRENT_SCHEMA['claim.asserted']),
      'r1',
      'taliban',
      'AF08',
      'AF0802',
      '\\N',
    ]);
    expect(fields.slice(10, 12)).toEqual(['3', '42']);
    const body = fields[12]!.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c));
    expect(JSON.parse(body)).toEqual(event);
  });

  it('writes statuses and positions with array literals', () => {
    const { districts, positions } = statusRows(
      [
        {
          pcode: 'AF0802',
          province: 'AF08',
          status: 'claimed',
          controller: 'taliban',
          verification: 'none',
          rules: {
            status: 'claimed/one-controller',
            controller: 'claimed-actor',
            verification: 'no-corroboration',
          },
          positions: [
            {
              claimant: 'ta"li\\ban',
              kind: 'control',
              actor: null,
              observedAt: '2021-09-05T16:00:00.000Z',
              precision: 'exact',
              claimIds: ['a', 'b'],
              disputed: false,
              disputedBy: [],
              disputes: [],
              corroboratedBy: [],
              corroborations: [],
              provenance: [],
              logPosition: { partition: 0, offset: 0 },
            },
          ],
        },
      ],
      '2021-09-06T00:00:00.000Z',
    );
    expect(districts.split('\t').slice(0, 5)).toEqual([
      'AF0802',
      'AF08',
      'claimed',
      'taliban',
      'none',
    ]);
    expect(positions).toBe(
      'AF0802\tta"li\\\\ban\tcontrol\t\\N\t2021-09-05T16:00:00.000Z\t{"a","b"}\t{}\t[]\n',
    );
  });
});
