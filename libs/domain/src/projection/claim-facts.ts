/**
 * What the projection engine knows of an event: the few facts the status rules read, with its
 * place in the log and its instants on both axes. An event's provenance (source, speaker, quote)
 * is not among them: reads join it from the stored event by claim id.
 */
import { AssertionKind, ClaimEventType, Degree, LoggedEvent, Precision } from '../events';

export interface ClaimFacts {
  readonly id: string;
  readonly type: ClaimEventType;
  readonly claimant: string;
  /** The event's place (p-code) and its province. */
  readonly place: string;
  readonly province: string;
  /** 1 for a district-level place, 0 for a province (the tie-break of rule 2). */
  readonly specific: 0 | 1;
  /** observedAt in milliseconds, and as an ISO 8601 string (the form the API writes). */
  readonly at: number;
  readonly observedAt: string;
  /**
   * The instant it counts from on the recorded axis, in milliseconds: its recordedAt, or later
   * when an event before it in its partition was recorded later (the recorded axis follows the
   * log and only grows; docs/DECISIONS.md).
   */
  readonly recordedAt: number;
  readonly partition: number;
  readonly offset: number;
  /** Assertions: what it says. */
  readonly kind: AssertionKind | undefined;
  readonly actor: string | null;
  readonly precision: Precision | undefined;
  /** Disputes, corroborations and retractions of a claim by id. */
  readonly targetId: string | undefined;
  /** Blanket disputes: the claimant and place disputed. */
  readonly targetClaimant: string | undefined;
  readonly targetPlace: string | undefined;
  readonly degree: Degree | undefined;
}

/** The facts of a logged event; `recordedAt` overrides the event's own (see ClaimFacts). */
export function factsOf({ event, position }: LoggedEvent, recordedAt?: number): ClaimFacts {
  const data = event.data as Partial<{
    kind: AssertionKind;
    actor: string | null;
    precision: Precision;
    degree: Degree;
    target: { claimId?: string; claimant?: string; place?: string };
  }>;
  const target = event.type === 'claim.asserted' ? undefined : data.target;
  const at = Date.parse(event.observedAt);
  return {
    id: event.id,
    type: event.type,
    claimant: event.claimant,
    place: event.place.pcode,
    province: event.place.province,
    specific: event.place.level === 'district' ? 1 : 0,
    at,
    observedAt: new Date(at).toISOString(),
    recordedAt: recordedAt ?? Date.parse(event.recordedAt),
    partition: position.partition,
    offset: position.offset,
    kind: event.type === 'claim.asserted' ? data.kind : undefined,
    actor: event.type === 'claim.asserted' ? (data.actor ?? null) : null,
    precision: event.type === 'claim.asserted' ? data.precision : undefined,
    targetId: target?.claimId,
    targetClaimant: target?.claimId === undefined ? target?.claimant : undefined,
    targetPlace: target?.claimId === undefined ? target?.place : undefined,
    degree: event.type === 'claim.corroborated' ? data.degree : undefined,
  };
}

export const isAssertion = (f: ClaimFacts): boolean => f.type === 'claim.asserted';
export const isRetraction = (f: Pick<ClaimFacts, 'type'>): boolean =>
  f.type === 'claim.retracted' || f.type === 'claim.curator-retracted';
export const isBlanket = (f: ClaimFacts): boolean =>
  f.type === 'claim.disputed' && f.targetId === undefined;

/** Log order. */
export const inLogOrder = (a: ClaimFacts, b: ClaimFacts): number =>
  a.partition - b.partition || a.offset - b.offset;

/**
 * Rule 2's order of a claimant's assertions, newest first: by observedAt, then the district-level
 * claim, then the later log position (status.ts `newestFirst`).
 */
export const newestFirst = (a: ClaimFacts, b: ClaimFacts): number =>
  b.at - a.at || b.specific - a.specific || b.partition - a.partition || b.offset - a.offset;

export const logPositionOf = (f: ClaimFacts) => ({ partition: f.partition, offset: f.offset });

/** The kind a claim expresses (ClaimEvent `kindOf`, from facts). */
export function kindOfFacts(f: ClaimFacts): string {
  switch (f.type) {
    case 'claim.asserted':
      return f.kind!;
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
