/** What the decisions (a report, a curator's retraction) are given besides their input. */
import { ClaimKind, PlaceRef } from './events';

/** A claim already accepted, as far as deciding about claims that target it needs to know. */
export interface KnownClaim {
  readonly claimId: string;
  readonly claimant: string;
  readonly kind: ClaimKind | 'curator-retract';
  readonly place: PlaceRef;
}

/** How claim ids and digests are made (UUID v5 and SHA-256 in production; passed in). */
export interface ClaimIds {
  /** The id of claim `index` of report `reportId`: the same on every submission. */
  claimId(reportId: string, index: number): string;
  /** A digest of a JSON value that does not depend on key order. */
  digest(value: unknown): string;
}

export interface Clock {
  now(): Date;
}
