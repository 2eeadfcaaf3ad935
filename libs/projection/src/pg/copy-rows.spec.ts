/**
 * COPY rows of a bulk replay: a message stored as it came must hold exactly the decoded event,
 * and fields must be escaped for COPY's text format.
 */
import { ClaimEvent, DistrictState, factsOf, LoggedEvent } from '@sitrep/domain';
import { copyField, jsonCopyField } from './copy-stream';
import { currentStateRows, eventRowStart, positionRow, statusRow } from './copy-rows';
import { rukhaControl } from '../testing/rukha-control';

const control = rukhaControl;
/** The fixtures write schema 1 envelopes; the API writes the current schema of each type. */
const current = (e: LoggedEvent): ClaimEvent =>
  ({ ...e.event, schema: e.event.type === 'claim.asserted' ? 2 : 1 }) as ClaimEvent;

describe('COPY rows', () => {
  it('escapes backslash, tab, newline and carriage return, and writes null as \\N', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    expect(copyField(12)).toBe('12');
  });

  it('escapes JSON text as the general escaping does, with one search', () => {
    const values = [
      { quote: 'tab\there, newline\nthere, return\r, backslash \\ and "quotes"' },
      { plain: 'nothing to escape', n: 1, list: ['a', null] },
      'control \u0001 and unicode \u00e9',
    ];
    for (const value of values) {
      const json = JSON.stringify(value);
      expect(jsonCopyField(json)).toBe(copyField(json));
    }
    expect(jsonCopyField('{"a":"b"}')).toBe('{"a":"b"}');
    expect(jsonCopyField(null)).toBe('\\N');
  });

  it('writes one line per event, its facts and its body escaped', () => {
    const event = { ...current(control), data: { ...current(control).data, quote: 'a\tb\\c' } };
    const logged = { event: event as ClaimEvent, position: { partition: 3, offset: 42 } };
    const row = `${eventRowStart(factsOf(logged), logged.event)}${copyField(JSON.stringify(logged.event))}\n`;
    expect(row.endsWith('\n')).toBe(true);
    const fields = row.slice(0, -1).split('\t');
    expect(fields).toHaveLength(21);
    expect(fields.slice(0, 11)).toEqual([
      '00000000-0000-4000-8000-000000000010',
      'claim.asserted',
      '2',
      'r1',
      'taliban',
      'AF08',
      'AF0802',
      '1',
      'control',
      'taliban',
      'day',
    ]);
    expect(fields.slice(11, 15)).toEqual(['\\N', '\\N', '\\N', '\\N']);
    expect(fields.slice(17, 20)).toEqual(['3', '42', 'f']);
    const body = fields[20]!.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c));
    expect(JSON.parse(body)).toEqual(event);
  });

  it('writes timeline versions: the axis as one letter, no position as \\N', () => {
    expect(
      statusRow({
        district: 'AF0802',
        axis: 'observed',
        from: Date.parse('2021-09-05T16:00:00Z'),
        status: 'contested',
        controller: null,
        verification: 'none',
        cause: '00000000-0000-4000-8000-000000000010',
      }),
    ).toBe(
      'AF0802\to\t2021-09-05T16:00:00.000Z\tcontested\t\\N\tnone\t00000000-0000-4000-8000-000000000010\n',
    );
    expect(
      positionRow({
        district: 'AF0802',
        claimant: 'nrf',
        axis: 'recorded',
        from: Date.parse('2021-09-05T16:00:00Z'),
        kind: null,
        actor: null,
        record: null,
        cause: '00000000-0000-4000-8000-000000000010',
      }).split('\t'),
    ).toEqual([
      'AF0802',
      'nrf',
      'r',
      '2021-09-05T16:00:00.000Z',
      '\\N',
      '\\N',
      '\\N',
      '00000000-0000-4000-8000-000000000010\n',
    ]);
  });

  it('writes a current state and its positions with array literals', () => {
    const state = new DistrictState({ pcode: 'AF0802', province: 'AF08' });
    state.apply(factsOf({ ...control, event: current(control) }), true);
    state.settle();
    const { district, positions } = currentStateRows(state, '2021-09-06T00:00:00.000Z');
    expect(district.split('\t').slice(0, 5)).toEqual([
      'AF0802',
      'AF08',
      'claimed',
      'taliban',
      'none',
    ]);
    expect(positions).toBe(
      'AF0802\ttaliban\tcontrol\ttaliban\t2021-09-05T16:00:00.000Z\t{"00000000-0000-4000-8000-000000000010"}\t{}\t[]\n',
    );
  });
});
