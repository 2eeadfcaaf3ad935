/**
 * Order-independent checksums computed in memory: each row is hashed on its own and the hashes
 * are added modulo 2^64, so the same rows in any order give the same sum. (A replay compares
 * versions in SQL, read-model-versions.repository.ts; benchmarks and tests check a rebuilt read
 * model against references computed here.)
 */
import { DistrictStatus } from '@sitrep/domain';
import { canonicalDigest } from '@sitrep/platform';
import { createHash } from 'node:crypto';

const MOD = 1n << 64n;

export class RowSum {
  private sum = 0n;
  private rows = 0;

  add(row: string): void {
    const digest = createHash('sha256').update(row).digest();
    this.sum = (this.sum + digest.readBigUInt64BE(0)) % MOD;
    this.rows += 1;
  }

  toString(): string {
    return `${this.rows}:${this.sum.toString(16).padStart(16, '0')}`;
  }
}

/** The checksum of the district statuses; rows that say "unclaimed, no positions" are left out. */
/** A district's status as checksummed: positions with or without their provenance. */
export type DistrictChecksummed = Pick<
  DistrictStatus,
  'pcode' | 'status' | 'controller' | 'verification' | 'rules'
> & { readonly positions: readonly object[] };

export function districtsChecksum(statuses: Iterable<DistrictChecksummed>): string {
  const sum = new RowSum();
  for (const s of statuses) {
    if (s.positions.length === 0 && s.status === 'unclaimed') continue;
    sum.add(
      canonicalDigest({
        pcode: s.pcode,
        status: s.status,
        controller: s.controller,
        verification: s.verification,
        positions: s.positions,
        rules: s.rules,
      }),
    );
  }
  return sum.toString();
}

/** The checksum of the set of applied events: claim id with its log position. */
export function eventsChecksum(
  events: Iterable<{ claimId: string; partition: number; offset: number }>,
): string {
  const sum = new RowSum();
  for (const e of events) sum.add(`${e.claimId}@${e.partition}:${e.offset}`);
  return sum.toString();
}
