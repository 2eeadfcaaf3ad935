/**
 * The claim events that travel on Kafka, as readonly discriminated unions.
 * The JSON envelope on the topic is exactly `ClaimEvent` (see DESIGN.md, "Kafka").
 */

export type AssertionKind = 'control' | 'presence' | 'contest';
export type ClaimKind = AssertionKind | 'dispute' | 'corroborate' | 'retract';
export type Reliability = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
export type Degree = 'full' | 'partial';
export type Resolution = 'pcode' | 'name' | 'alias' | 'near';
export type PlaceLevel = 'province' | 'district';
/** How precisely `observedAt` is known (assertion schema 2). */
export type Precision = 'exact' | 'day' | 'approximate';

export const ASSERTION_KINDS: readonly AssertionKind[] = ['control', 'presence', 'contest'];

/** A place as resolved at ingest: what the analyst typed and how it was matched. */
export interface PlaceRef {
  readonly pcode: string;
  readonly level: PlaceLevel;
  readonly name: string;
  readonly province: string;
  readonly input: string;
  readonly resolution: Resolution;
}

export interface Source {
  readonly outlet: string;
  readonly url?: string;
  readonly publishedAt?: string;
  readonly reliability?: Reliability;
}

/** Who entered an event: the API key that submitted it. */
export interface Submitter {
  readonly keyId: string;
  /** The key's name: a desk, an analyst, an import. */
  readonly name: string;
}

export type ClaimTarget =
  { readonly claimId: string } | { readonly claimant: string; readonly place: string };

interface Envelope<T extends string, S extends number, D> {
  readonly id: string;
  readonly type: T;
  readonly schema: S;
  readonly reportId: string;
  /** Position of the claim inside its report; with reportId it determines `id`. */
  readonly index: number;
  /** Digest of the whole report as submitted, for resubmission checks. */
  readonly reportDigest: string;
  readonly claimant: string;
  readonly observedAt: string;
  readonly recordedAt: string;
  readonly place: PlaceRef;
  readonly data: D;
  readonly source: Source;
  /** The key that submitted it; null on events written before keys were recorded. */
  readonly submittedBy: Submitter | null;
}

export interface Statement {
  readonly speaker?: string;
  readonly credibility?: number;
  readonly quote?: string;
}

export interface AssertionData extends Statement {
  readonly kind: AssertionKind;
  /** The actor said to control or be present; null for `contest`. */
  readonly actor: string | null;
  readonly precision: Precision;
}
export type DisputeData = Statement & { readonly target: ClaimTarget };
export type CorroborationData = Statement & {
  readonly target: { readonly claimId: string };
  readonly degree: Degree;
};
export type RetractionData = Statement & { readonly target: { readonly claimId: string } };
export interface CuratorRetractionData {
  readonly target: { readonly claimId: string };
  readonly reason: string;
  /** The name of the curator's key. */
  readonly curator: string;
}

// The current schema of each type (codec.ts upcasts the older ones; constructors in
// claim-events.ts write these).
export type ClaimAsserted = Envelope<'claim.asserted', 3, AssertionData>;
export type ClaimDisputed = Envelope<'claim.disputed', 2, DisputeData>;
export type ClaimCorroborated = Envelope<'claim.corroborated', 2, CorroborationData>;
export type ClaimRetracted = Envelope<'claim.retracted', 2, RetractionData>;
/** A curator (admin key) withdraws any claim; never an edit of the original. */
export type ClaimRetractedByCurator = Envelope<'claim.curator-retracted', 2, CuratorRetractionData>;

/** Every event shape the current code understands, after upcasting. */
export type ClaimEvent =
  ClaimAsserted | ClaimDisputed | ClaimCorroborated | ClaimRetracted | ClaimRetractedByCurator;

export type ClaimEventType = ClaimEvent['type'];

/** Where an event sits in the log; the tie-breaker of last resort. */
export interface LogPosition {
  readonly partition: number;
  readonly offset: number;
}

/** An event as read back from the log. */
export interface LoggedEvent {
  readonly event: ClaimEvent;
  readonly position: LogPosition;
}

export function compareLogPosition(a: LogPosition, b: LogPosition): number {
  return a.partition - b.partition || a.offset - b.offset;
}

/** The claim kind an event expresses, in the words analysts use. */
export function kindOf(e: ClaimEvent): ClaimKind | 'curator-retract' {
  switch (e.type) {
    case 'claim.asserted':
      return e.data.kind;
    case 'claim.disputed':
      return 'dispute';
    case 'claim.corroborated':
      return 'corroborate';
    case 'claim.retracted':
      return 'retract';
    case 'claim.curator-retracted':
      return 'curator-retract';
  }
}

/** The claim an event points at, if it targets one by id. */
export function targetClaimId(e: ClaimEvent): string | undefined {
  if (e.type === 'claim.asserted') return undefined;
  const target = e.data.target;
  return 'claimId' in target ? target.claimId : undefined;
}
