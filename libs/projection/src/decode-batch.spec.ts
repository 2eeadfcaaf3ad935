/** Decoding a batch of messages, as the live projector and both replays read the log. */
import { gazetteer } from '@sitrep/domain/testing/fixtures';
import { decodeBatch, LogMessage } from './decode-batch';
import { rukhaControl } from './testing/rukha-control';

const control = rukhaControl.event;

const message = (offset: number, value: string | Buffer | null): LogMessage => ({
  offset: String(offset),
  key: Buffer.from('AF08'),
  value: typeof value === 'string' ? Buffer.from(value) : value,
});

describe('decodeBatch', () => {
  it('given a message as the API writes it, then its bytes are the body, as they came', () => {
    const sent = message(7, JSON.stringify(control));
    const decoded = decodeBatch(3, [sent], gazetteer);
    expect(decoded.events).toEqual([{ event: control, position: { partition: 3, offset: 7 } }]);
    expect(decoded.letters).toEqual([]);
    expect(decoded.bodies.get(control.id)).toBe(sent.value);
  });

  it('given a message of an older schema, then the event is upcast and its body is written again', () => {
    const { precision: _, ...data } = control.data as { precision: string };
    const v1 = { ...control, schema: 1, data: { ...data, credibility: 3 } };
    const decoded = decodeBatch(0, [message(0, JSON.stringify(v1))], gazetteer);
    expect(decoded.events).toHaveLength(1);
    expect(decoded.events[0]!.event.schema).toBe(control.schema);
    expect(decoded.bodies.get(control.id)).toBeNull();
  });

  it('given bytes that are not UTF-8 inside a string, then the event decodes and its body is written again', () => {
    const bytes = Buffer.from(JSON.stringify({ ...control, source: { outlet: 'WIRE' } }));
    bytes[bytes.indexOf('WIRE') + 1] = 0xff; // no UTF-8 sequence starts with 0xff
    const decoded = decodeBatch(0, [message(0, bytes)], gazetteer);
    expect(decoded.events).toHaveLength(1);
    expect(decoded.events[0]!.event.source).toEqual({ outlet: 'W\ufffdRE' });
    expect(decoded.bodies.get(control.id)).toBeNull();
  });

  it('given the same claim id twice with different bytes, then the body is the first one’s (the one applied)', () => {
    const first = message(0, JSON.stringify(control));
    const second = message(1, JSON.stringify({ ...control, source: { outlet: 'Another' } }));
    const decoded = decodeBatch(0, [first, second], gazetteer);
    expect(decoded.events.map((e) => e.position.offset)).toEqual([0, 1]);
    expect(decoded.bodies.get(control.id)).toBe(first.value);

    const upcastFirst = decodeBatch(
      0,
      [message(0, JSON.stringify({ ...control, schema: 1 })), second],
      gazetteer,
    );
    expect(upcastFirst.bodies.get(control.id)).toBeNull();
  });

  it('given poison, an unknown place or a refused offset, then dead letters with their reason', () => {
    const unknownPlace = { ...control, place: { ...control.place, pcode: 'AF9999' } };
    const decoded = decodeBatch(
      2,
      [
        message(0, Buffer.from([0xde, 0xad])),
        message(1, JSON.stringify(unknownPlace)),
        message(2, JSON.stringify(control)),
        message(3, null),
      ],
      gazetteer,
      new Map([['2', 'the read model cannot store it']]),
    );
    expect(decoded.events).toEqual([]);
    expect(decoded.bodies.size).toBe(0);
    expect(decoded.letters.map((l) => [l.partition, l.offset])).toEqual([
      [2, 0],
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    expect(decoded.letters[1]!.reason).toMatch(/AF9999/);
    expect(decoded.letters[2]!.reason).toBe('the read model cannot store it');
    for (const letter of decoded.letters) expect(letter.reason.length).toBeGreaterThan(5);
  });
});
