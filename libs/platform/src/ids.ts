import { ClaimIds } from '@sitrep/domain';
import * as crypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';

/** The namespace of Sitrep claim ids (UUID v5). Never change it: ids are derived from it. */
export const CLAIM_NAMESPACE = '3f6c1e2a-8d4b-5c7e-9a10-5b2f7e4d8c61';

type HashAlgorithm = 'sha1' | 'sha256';
/** One-shot hashing (node:crypto `hash`, Node 20.12+), else the classic Hash object. */
const oneShot = (crypto as { hash?: (a: string, d: Buffer | string, e: 'buffer') => Buffer }).hash;
const digestOf = (algorithm: HashAlgorithm, data: Buffer | string): Buffer =>
  oneShot ? oneShot(algorithm, data, 'buffer') : createHash(algorithm).update(data).digest();

const namespaces = new Map<string, Buffer>();

export function uuidV5(name: string, namespace: string): string {
  let ns = namespaces.get(namespace);
  if (!ns) namespaces.set(namespace, (ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')));
  const hash = digestOf('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')]));
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A claim's id: UUID v5 of its report id and its index, so a resubmitted report keeps its ids. */
export const claimIdFor = (reportId: string, index: number): string =>
  uuidV5(`${reportId}#${index}`, CLAIM_NAMESPACE);

/**
 * Digest of a JSON value with object keys sorted, so key order does not matter. Never change
 * its output: the digests of accepted reports are in the log and decide resubmissions.
 */
export function canonicalDigest(value: unknown): string {
  return digestOf('sha256', canonicalJson(value)).toString('hex');
}

function canonicalJson(value: unknown): string {
  // JSON.stringify(undefined) is undefined: an empty array element, as join() writes it.
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? '';
  if (Array.isArray(value)) {
    let json = '[';
    for (let i = 0; i < value.length; i++) json += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${json}]`;
  }
  const object = value as Record<string, unknown>;
  let json = '{';
  // Keys in UTF-16 code unit order, as a default sort gives them.
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (v === undefined) continue;
    json += `${json.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${json}}`;
}

/** Claim ids and report digests as the domain's decisions are given them. */
export const claimIds: ClaimIds = { claimId: claimIdFor, digest: canonicalDigest };

export const hashApiKey = (key: string): string =>
  createHash('sha256').update(key, 'utf8').digest('hex');
export const newApiKey = (): string => `sk_${randomBytes(24).toString('base64url')}`;
