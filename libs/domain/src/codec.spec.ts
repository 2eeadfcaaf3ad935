/** Reading events back from the log: validation with a clear reason, and upcasting. */
import { CURRENT_SCHEMA, decodeEvent, upcastAssertion } from './codec';
import { placeRef, RUKHA, sep } from './testing/fixtures';

const TARGET_ID = '6f1c2b9a-0d4e-5f37-8a21-3c4d5e6f7a8b';

type Raw = Record<string, unknown>;

/** A valid envelope on the topic, as JSON would carry it. */
const envelope = (overrides: Raw = {}): Raw => ({
  id: '0b0c7a8e-1f6a-5c3e-9d2b-6f1e2a3b4c5d',
  type: 'claim.asserted',
  schema: 3,
  reportId: 'kabul-desk-2021-09-05-017',
  index: 0,
  reportDigest: 'd1g357',
  claimant: 'taliban',
  observedAt: sep(5, 16),
  recordedAt: sep(5, 18, 30),
  place: placeRef(RUKHA, 'Rukhah'),
  data: { kind: 'control', actor: 'taliban', precision: 'day', credibility: 4 },
  source: { outlet: 'Twitter', reliability: 'F' },
  submittedBy: { keyId: '5a1f0c3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b', name: 'kabul desk' },
  ...overrides,
});
/** The same envelope as written before events named their submitter. */
const unsigned = (overrides: Raw = {}): Raw => {
  const { submittedBy: _submittedBy, ...rest } = envelope(overrides);
  return rest;
};

const decode = (raw: unknown) => decodeEvent(JSON.stringify(raw));
const reasonOf = (raw: unknown) => {
  const decoded = typeof raw === 'string' ? decodeEvent(raw) : decode(raw);
  if (decoded.ok) throw new Error('expected a rejection');
  return decoded.reason;
};

describe('decodeEvent', () => {
  describe('given bytes that are not an event', () => {
    it('then an empty value is rejected', () => {
      expect(decodeEvent('')).toEqual({ ok: false, reason: 'empty message value' });
      expect(decodeEvent(null)).toEqual({ ok: false, reason: 'empty message value' });
      expect(decodeEvent(undefined)).toEqual({ ok: false, reason: 'empty message value' });
    });

    it('then non-JSON is rejected as such', () => {
      expect(reasonOf('{"id": ')).toMatch(/^value is not JSON: /);
    });

    it('then JSON that is not an object is rejected', () => {
      expect(reasonOf('[1,2]')).toBe('value is not a JSON object');
      expect(reasonOf('"claim"')).toBe('value is not a JSON object');
      expect(reasonOf('null')).toBe('value is not a JSON object');
    });
  });

  describe('given an unknown type or schema', () => {
    it('then an unknown type is rejected, naming it', () => {
      expect(reasonOf(envelope({ type: 'claim.invented' }))).toBe(
        'unknown event type "claim.invented"',
      );
      expect(reasonOf(envelope({ type: undefined }))).toBe('unknown event type undefined');
    });

    it('then a type that is a property of every object is still an unknown type', () => {
      expect(reasonOf(envelope({ type: 'constructor' }))).toBe('unknown event type "constructor"');
      expect(reasonOf(envelope({ type: 'toString' }))).toBe('unknown event type "toString"');
    });

    it('then a schema newer than this build reads is rejected, saying which it reads', () => {
      expect(reasonOf(envelope({ schema: 4 }))).toBe(
        'unknown schema 4 for claim.asserted (this build reads 1..3)',
      );
      expect(reasonOf(envelope({ type: 'claim.disputed', schema: 3 }))).toBe(
        'unknown schema 3 for claim.disputed (this build reads 1..2)',
      );
    });

    it('then a missing, zero or non-integer schema is rejected', () => {
      expect(reasonOf(envelope({ schema: undefined }))).toMatch(/^unknown schema undefined/);
      expect(reasonOf(envelope({ schema: 0 }))).toMatch(/^unknown schema 0/);
      expect(reasonOf(envelope({ schema: 1.5 }))).toMatch(/^unknown schema 1.5/);
      expect(reasonOf(envelope({ schema: '2' }))).toMatch(/^unknown schema "2"/);
    });
  });

  describe('given an envelope with a field missing', () => {
    it.each(['id', 'reportId', 'claimant', 'reportDigest'])(
      'then without %s it says so',
      (field) => {
        expect(reasonOf(envelope({ [field]: undefined }))).toBe(`${field} is missing`);
        expect(reasonOf(envelope({ [field]: '' }))).toBe(`${field} is missing`);
      },
    );

    it('then without index it says so', () => {
      expect(reasonOf(envelope({ index: undefined }))).toBe('index is missing');
    });

    it('then a bad observedAt or recordedAt is named', () => {
      expect(reasonOf(envelope({ observedAt: 'last Sunday' }))).toBe('observedAt is not a time');
      expect(reasonOf(envelope({ recordedAt: undefined }))).toBe('recordedAt is not a time');
    });

    it('then an incomplete place is rejected', () => {
      expect(reasonOf(envelope({ place: undefined }))).toBe('place is missing or incomplete');
      expect(
        reasonOf(envelope({ place: { pcode: RUKHA, province: 'AF08', level: 'village' } })),
      ).toBe('place is missing or incomplete');
    });

    it('then a source without outlet or a missing data are rejected', () => {
      expect(reasonOf(envelope({ source: { url: 'https://example.org' } }))).toBe(
        'source.outlet is missing',
      );
      expect(reasonOf(envelope({ data: undefined }))).toBe('data is missing');
    });
  });

  describe('given an assertion', () => {
    it('then schema 3 with a precision and its submitter is accepted as it is', () => {
      const decoded = decode(envelope());
      expect(decoded).toEqual({ ok: true, event: envelope() });
    });

    it('then schema 2 (no submitter) is upcast to schema 3 with submittedBy null', () => {
      expect(decode(unsigned({ schema: 2 }))).toEqual({
        ok: true,
        event: { ...unsigned(), schema: 3, submittedBy: null },
      });
    });

    it('then schema 1 (no precision, no submitter) is upcast to schema 3 with precision "exact"', () => {
      const v1 = unsigned({
        schema: 1,
        data: { kind: 'control', actor: 'taliban', quote: 'taken' },
      });
      expect(decode(v1)).toEqual({
        ok: true,
        event: {
          ...v1,
          schema: 3,
          data: { kind: 'control', actor: 'taliban', quote: 'taken', precision: 'exact' },
          submittedBy: null,
        },
      });
    });

    it('then a submitter in an old schema is not read: nobody recorded one then', () => {
      const decoded = decode(envelope({ schema: 2 }));
      expect(decoded.ok && decoded.event.submittedBy).toBeNull();
    });

    it('then schema 3 without a submitter, or with an incomplete one, is rejected', () => {
      expect(reasonOf(unsigned())).toBe('submittedBy needs a keyId and a name');
      expect(reasonOf(envelope({ submittedBy: null }))).toBe(
        'submittedBy needs a keyId and a name',
      );
      expect(reasonOf(envelope({ submittedBy: { keyId: 'k' } }))).toBe(
        'submittedBy needs a keyId and a name',
      );
    });

    it('then a schema 1 contest without an actor gets actor null', () => {
      const decoded = decode(unsigned({ schema: 1, data: { kind: 'contest' } }));
      expect(decoded.ok && decoded.event.data).toEqual({
        kind: 'contest',
        actor: null,
        precision: 'exact',
      });
    });

    it('then schema 2 without a valid precision is rejected', () => {
      expect(reasonOf(envelope({ data: { kind: 'control', actor: 'taliban' } }))).toBe(
        'data.precision is not exact, day or approximate',
      );
      expect(
        reasonOf(envelope({ data: { kind: 'control', actor: 'taliban', precision: 'soonish' } })),
      ).toBe('data.precision is not exact, day or approximate');
    });

    it('then an unknown kind, a missing actor or a contest naming an actor is rejected', () => {
      expect(
        reasonOf(envelope({ data: { kind: 'capture', actor: 'taliban', precision: 'day' } })),
      ).toBe('unknown assertion kind "capture"');
      expect(reasonOf(envelope({ data: { kind: 'presence', precision: 'day' } }))).toBe(
        'data.actor is missing',
      );
      expect(
        reasonOf(envelope({ data: { kind: 'contest', actor: 'nrf', precision: 'day' } })),
      ).toBe('a contest names no actor');
    });
  });

  describe('given the other event types', () => {
    const ofType = (type: string, data: Raw) => envelope({ type, schema: 2, data });

    it.each(['claim.disputed', 'claim.corroborated', 'claim.retracted', 'claim.curator-retracted'])(
      'then %s schema 1 (no submitter) is upcast to schema 2 with submittedBy null',
      (type) => {
        const data = {
          target: { claimId: TARGET_ID },
          degree: 'full',
          reason: 'duplicate',
          curator: 'ann',
        };
        const v1 = unsigned({ type, schema: 1, data });
        expect(decode(v1)).toEqual({ ok: true, event: { ...v1, schema: 2, submittedBy: null } });
      },
    );

    it('then a dispute by claim id and a blanket dispute are accepted', () => {
      expect(decode(ofType('claim.disputed', { target: { claimId: TARGET_ID } })).ok).toBe(true);
      expect(
        decode(ofType('claim.disputed', { target: { claimant: 'taliban', place: 'AF08' } })).ok,
      ).toBe(true);
    });

    it('then a dispute without a usable target is rejected', () => {
      expect(reasonOf(ofType('claim.disputed', {}))).toBe('data.target is missing');
      expect(reasonOf(ofType('claim.disputed', { target: { claimant: 'taliban' } }))).toBe(
        'data.target needs a claimId or a claimant and a place',
      );
    });

    it('then a corroboration needs a claim id (no blanket) and a degree', () => {
      expect(
        decode(ofType('claim.corroborated', { target: { claimId: TARGET_ID }, degree: 'partial' }))
          .ok,
      ).toBe(true);
      expect(
        reasonOf(
          ofType('claim.corroborated', {
            target: { claimant: 'taliban', place: 'AF08' },
            degree: 'full',
          }),
        ),
      ).toBe('data.target needs a claimId');
      expect(reasonOf(ofType('claim.corroborated', { target: { claimId: TARGET_ID } }))).toBe(
        'data.degree is not full or partial',
      );
    });

    it('then a retraction needs a claim id', () => {
      expect(decode(ofType('claim.retracted', { target: { claimId: TARGET_ID } })).ok).toBe(true);
      expect(reasonOf(ofType('claim.retracted', { target: { claimId: 'c-1' } }))).toBe(
        'data.target.claimId is not a UUID',
      );
      expect(reasonOf(ofType('claim.retracted', {}))).toBe('data.target is missing');
    });

    it('then a curator retraction needs a reason', () => {
      const target = { claimId: TARGET_ID };
      expect(
        decode(ofType('claim.curator-retracted', { target, reason: 'duplicate', curator: 'ann' }))
          .ok,
      ).toBe(true);
      expect(reasonOf(ofType('claim.curator-retracted', { target, curator: 'ann' }))).toBe(
        'a curator retraction needs a reason',
      );
    });
  });
});

describe('upcastAssertion', () => {
  it('given schema 1 data, then precision "exact" is added; given schema 2, then data is unchanged', () => {
    const data = { kind: 'control', actor: 'nrf' };
    expect(upcastAssertion(data, 1)).toEqual({ ...data, precision: 'exact' });
    expect(upcastAssertion({ ...data, precision: 'day' }, 2)).toEqual({
      ...data,
      precision: 'day',
    });
    expect(data).toEqual({ kind: 'control', actor: 'nrf' });
  });

  it('then the producer writes assertion schema 3 and schema 2 of the others', () => {
    expect(CURRENT_SCHEMA).toEqual({
      'claim.asserted': 3,
      'claim.disputed': 2,
      'claim.corroborated': 2,
      'claim.retracted': 2,
      'claim.curator-retracted': 2,
    });
  });
});
