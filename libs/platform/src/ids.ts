import { ClaimIds } from '@sitrep/domain';
import { createHash, randomBytes } from 'node:crypto';

/** The namespace of Sitrep claim ids (UUID v5). Never change it: ids are derived from it. */
export const CLAIM_NAMESPACE = '3f6c1e2a-8d4b-5c7e-9a10-5b2f7e4d8c61';

export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A claim's id: UUID v5 of its report id and its index, so a resubmitted report keeps its ids. */
export const claimIdFor = (reportId: string, index: number): string =>
  uuidV5(`${reportId}#${index}`, CLAIM_NAMESPACE);

/** Digest of a JSON value with object keys sorted, so key order does not matter. */
export function canonicalDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Claim ids and report digests as the domain's decisions are given them. */
export const claimIds: ClaimIds = { claimId: claimIdFor, digest: canonicalDigest };

export const hashApiKey = (key: string): string =>
  createHash('sha256').update(key, 'utf8').digest('hex');
export const newApiKey = (): string => `sk_${randomBytes(24).toString('base64url')}`;
