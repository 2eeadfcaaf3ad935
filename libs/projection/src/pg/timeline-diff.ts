/**
 * What an observed rewrite changes: the versions recomputed from an instant on, against those
 * stored from that instant on. Most of a rewritten stretch comes out as it was (a late claim
 * changes a few versions near its instant); only the versions that differ are written.
 */
import { PositionVersion, StatusVersion } from '../projection-effects';

/** A stored version's key and content, as the rewrite compares them. */
export interface StoredStatus {
  readonly district: string;
  readonly from: number;
  readonly status: string;
  readonly controller: string | null;
  readonly verification: string;
  readonly cause: string;
}

export interface StoredPosition {
  readonly district: string;
  readonly claimant: string;
  readonly from: number;
  readonly kind: string | null;
  readonly actor: string | null;
  readonly record: string | null;
  readonly cause: string;
}

export interface TimelineDiff<Stored, Version> {
  /** Stored versions to delete: gone, or replaced by a different one at the same key. */
  readonly stale: readonly Stored[];
  /** Versions to write: new, or different from the stored one at the same key. */
  readonly fresh: readonly Version[];
}

function diff<Stored extends { readonly from: number }, Version extends { readonly from: number }>(
  stored: readonly Stored[],
  versions: readonly Version[],
  key: (v: Stored | Version) => string,
  same: (stored: Stored, version: Version) => boolean,
): TimelineDiff<Stored, Version> {
  // By key, then by instant (a number: no text made of it).
  const byKey = new Map<string, Map<number, Version>>();
  for (const v of versions) {
    const k = key(v);
    let at = byKey.get(k);
    if (!at) byKey.set(k, (at = new Map()));
    at.set(v.from, v);
  }
  const stale: Stored[] = [];
  for (const s of stored) {
    const at = byKey.get(key(s));
    const version = at?.get(s.from);
    if (version !== undefined && same(s, version)) at!.delete(s.from);
    else stale.push(s);
  }
  const fresh: Version[] = [];
  for (const at of byKey.values()) for (const v of at.values()) fresh.push(v);
  return { stale, fresh };
}

export const diffStatuses = (
  stored: readonly StoredStatus[],
  versions: readonly StatusVersion[],
): TimelineDiff<StoredStatus, StatusVersion> =>
  diff(
    stored,
    versions,
    (v) => v.district,
    (s, v) =>
      s.status === v.status &&
      s.controller === v.controller &&
      s.verification === v.verification &&
      s.cause === v.cause,
  );

export const diffPositions = (
  stored: readonly StoredPosition[],
  versions: readonly PositionVersion[],
): TimelineDiff<StoredPosition, PositionVersion> =>
  diff(
    stored,
    versions,
    (v) => `${v.district}\u0000${v.claimant}`,
    (s, v) =>
      s.kind === v.kind && s.actor === v.actor && s.record === v.record && s.cause === v.cause,
  );
