/**
 * Reading events back from the log: validation and upcasting. Old events are never rewritten;
 * each older schema gets an upcaster to the current shape here.
 */
import { ASSERTION_KINDS, ClaimEvent, ClaimTarget } from './events';

export type Decoded = { ok: true; event: ClaimEvent } | { ok: false; reason: string };

/**
 * The newest schema number of each event type; the constructors (claim-events.ts) write these.
 * History: `claim.asserted` 1 the first, 2 adds `data.precision`, 3 adds `submittedBy`; every
 * other type 1 the first, 2 adds `submittedBy`.
 */
export const CURRENT_SCHEMA = {
  'claim.asserted': 3,
  'claim.disputed': 2,
  'claim.corroborated': 2,
  'claim.retracted': 2,
  'claim.curator-retracted': 2,
} as const;

/** The first schema of each type whose events name their submitter. */
export const SUBMITTED_BY_SINCE: Readonly<Record<keyof typeof CURRENT_SCHEMA, number>> = {
  'claim.asserted': 3,
  'claim.disputed': 2,
  'claim.corroborated': 2,
  'claim.retracted': 2,
  'claim.curator-retracted': 2,
};

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/** ISO 8601 with a date, a time and an offset (what the API writes), years 1000–9999. */
const ISO_TIME = /^[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)$/;
const isTime = (v: unknown): v is string =>
  isString(v) && ISO_TIME.test(v) && !Number.isNaN(Date.parse(v));

/** Whether every string in a JSON value is well-formed UTF-16 (no lone surrogate). */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string')
    return (value as string & { isWellFormed(): boolean }).isWellFormed();
  if (Array.isArray(value)) return value.every(wellFormed);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).every(([k, v]) => wellFormed(k) && wellFormed(v));
  return true;
}
const isUuid = (v: unknown): v is string =>
  isString(v) && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

class Invalid extends Error {}
function need(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new Invalid(reason);
}

function checkTarget(data: Json, allowBlanket: boolean): ClaimTarget {
  const target = data['target'];
  need(isObject(target), 'data.target is missing');
  if (target['claimId'] !== undefined) {
    need(isUuid(target['claimId']), 'data.target.claimId is not a UUID');
    return { claimId: target['claimId'] };
  }
  need(
    allowBlanket && isString(target['claimant']) && isString(target['place']),
    'data.target needs a claimId' + (allowBlanket ? ' or a claimant and a place' : ''),
  );
  return { claimant: target['claimant'] as string, place: target['place'] as string };
}

/** Upcast assertion data of schema 1 → 2: a v1 `observedAt` was always taken as exact. */
export function upcastAssertion(data: Json, schema: number): Json {
  return schema === 1 ? { ...data, precision: 'exact' } : data;
}

function checkSubmitter(raw: Json): void {
  const by = raw['submittedBy'];
  need(
    isObject(by) && isString(by['keyId']) && isString(by['name']),
    'submittedBy needs a keyId and a name',
  );
}

/** Parse bytes from the topic into the current event shape, or say why it cannot be used. */
export function decodeEvent(bytes: string | null | undefined): Decoded {
  if (!bytes) return { ok: false, reason: 'empty message value' };
  // Postgres text and jsonb cannot hold NUL: such an event could never be stored.
  if (bytes.includes('\u0000') || bytes.includes('\\u0000'))
    return { ok: false, reason: 'value contains a NUL character, which Postgres cannot store' };
  let raw: unknown;
  try {
    raw = JSON.parse(bytes);
  } catch (error) {
    return { ok: false, reason: `value is not JSON: ${(error as Error).message}` };
  }
  // A lone surrogate (only an escape can write one) is text Postgres cannot store.
  if (bytes.includes('\\u') && !wellFormed(raw))
    return {
      ok: false,
      reason: 'value contains a lone UTF-16 surrogate, which Postgres cannot store',
    };
  try {
    return { ok: true, event: checkEnvelope(raw) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.message };
    throw error;
  }
}

function checkEnvelope(raw: unknown): ClaimEvent {
  need(isObject(raw), 'value is not a JSON object');
  const { type, schema } = raw;
  need(
    isString(type) && Object.hasOwn(CURRENT_SCHEMA, type),
    `unknown event type ${JSON.stringify(type)}`,
  );
  const newest = CURRENT_SCHEMA[type as keyof typeof CURRENT_SCHEMA];
  need(
    typeof schema === 'number' && Number.isInteger(schema) && schema >= 1 && schema <= newest,
    `unknown schema ${JSON.stringify(schema)} for ${type} (this build reads 1..${newest})`,
  );
  for (const field of ['id', 'reportId', 'claimant', 'reportDigest'] as const) {
    need(isString(raw[field]), `${field} is missing`);
  }
  need(isUuid(raw['id']), 'id is not a UUID');
  need(typeof raw['index'] === 'number', 'index is missing');
  need(isTime(raw['observedAt']), 'observedAt is not a time');
  need(isTime(raw['recordedAt']), 'recordedAt is not a time');
  const place = raw['place'];
  need(
    isObject(place) &&
      isString(place['pcode']) &&
      isString(place['province']) &&
      (place['level'] === 'province' || place['level'] === 'district'),
    'place is missing or incomplete',
  );
  need(isObject(raw['source']) && isString(raw['source']['outlet']), 'source.outlet is missing');
  const data = raw['data'];
  need(isObject(data), 'data is missing');
  const current = schema === newest;
  // Events older than `submittedBy` were entered by someone nobody recorded: null.
  if (schema >= SUBMITTED_BY_SINCE[type as keyof typeof CURRENT_SCHEMA]) checkSubmitter(raw);

  switch (type) {
    case 'claim.asserted': {
      const kind = data['kind'];
      need(
        ASSERTION_KINDS.includes(kind as never),
        `unknown assertion kind ${JSON.stringify(kind)}`,
      );
      need(
        kind === 'contest'
          ? data['actor'] === null || data['actor'] === undefined
          : isString(data['actor']),
        kind === 'contest' ? 'a contest names no actor' : 'data.actor is missing',
      );
      const upcast =
        current && data['actor'] !== undefined
          ? data
          : upcastAssertion({ ...data, actor: data['actor'] ?? null }, schema as number);
      need(
        ['exact', 'day', 'approximate'].includes(upcast['precision'] as string),
        'data.precision is not exact, day or approximate',
      );
      if (current && upcast === data) return raw as unknown as ClaimEvent;
      return {
        ...raw,
        schema: newest,
        data: upcast,
        submittedBy: current ? raw['submittedBy'] : null,
      } as unknown as ClaimEvent;
    }
    case 'claim.disputed':
      checkTarget(data, true);
      break;
    case 'claim.corroborated':
      checkTarget(data, false);
      need(
        data['degree'] === 'full' || data['degree'] === 'partial',
        'data.degree is not full or partial',
      );
      break;
    case 'claim.retracted':
      checkTarget(data, false);
      break;
    case 'claim.curator-retracted':
      checkTarget(data, false);
      need(isString(data['reason']), 'a curator retraction needs a reason');
      break;
  }
  return current
    ? (raw as unknown as ClaimEvent)
    : ({ ...raw, schema: newest, submittedBy: null } as unknown as ClaimEvent);
}
