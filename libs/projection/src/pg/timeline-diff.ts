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

function diff<Stored, Version>(
  stored: readonly Stored[],
  versions: readonly Version[],
  key: (v: Stored | Version) => string,
  same: (stored: Stored, version: Version) => boolean,
): TimelineDiff<Stored, Version> {
  const byKey = new Map(versions.map((v) => [key(v), v]));
  const stale: Stored[] = [];
  for (const s of stored) {
    const k = key(s);
    const version = byKey.get(k);
    if (version !== undefined && same(s, version)) byKey.delete(k);
    else stale.push(s);
  }
  return { stale, fresh: [...byKey.values()] };
}

export const diffStatuses = (
  stored: readonly StoredStatus[],
  versions: readonly StatusVersion[],
): TimelineDiff<StoredStatus, StatusVersion> =>
  diff(
    stored,
    versions,
    (v) => `${v.district}\u0000${v.from}`,
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
    (v) => `${v.district}\u0000${v.claimant}\u0000${v.from}`,
    (s, v) =>
      s.kind === v.kind && s.actor === v.actor && s.record === v.record && s.cause === v.cause,
  );
