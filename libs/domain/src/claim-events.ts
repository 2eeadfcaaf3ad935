/**
 * The one way to make a claim event: the API's report decision, curator retractions, the
 * benchmarks' generated logs and the test fixtures all build events here, so every new event has
 * the current schema (codec.ts) and the same shape and key order on the topic.
 */
import { CURRENT_SCHEMA } from './codec';
import {
  AssertionData,
  ClaimAsserted,
  ClaimCorroborated,
  ClaimDisputed,
  ClaimRetracted,
  ClaimRetractedByCurator,
  CorroborationData,
  CuratorRetractionData,
  DisputeData,
  PlaceRef,
  RetractionData,
  Source,
  Submitter,
} from './events';

/** What every event says besides its type and data. */
export interface EventEnvelope {
  readonly id: string;
  readonly reportId: string;
  readonly index: number;
  readonly reportDigest: string;
  readonly claimant: string;
  readonly observedAt: string;
  readonly recordedAt: string;
  readonly place: PlaceRef;
  readonly source: Source;
  /** Every new event names the key that submitted it. */
  readonly submittedBy: Submitter;
}

function event<T extends string, S extends number, D>(
  type: T,
  schema: S,
  e: EventEnvelope,
  data: D,
) {
  return {
    id: e.id,
    type,
    schema,
    reportId: e.reportId,
    index: e.index,
    reportDigest: e.reportDigest,
    claimant: e.claimant,
    observedAt: e.observedAt,
    recordedAt: e.recordedAt,
    place: e.place,
    data,
    source: e.source,
    submittedBy: e.submittedBy,
  };
}

export const claimAsserted = (e: EventEnvelope, data: AssertionData): ClaimAsserted =>
  event('claim.asserted', CURRENT_SCHEMA['claim.asserted'], e, data);

export const claimDisputed = (e: EventEnvelope, data: DisputeData): ClaimDisputed =>
  event('claim.disputed', CURRENT_SCHEMA['claim.disputed'], e, data);

export const claimCorroborated = (e: EventEnvelope, data: CorroborationData): ClaimCorroborated =>
  event('claim.corroborated', CURRENT_SCHEMA['claim.corroborated'], e, data);

export const claimRetracted = (e: EventEnvelope, data: RetractionData): ClaimRetracted =>
  event('claim.retracted', CURRENT_SCHEMA['claim.retracted'], e, data);

export const claimRetractedByCurator = (
  e: EventEnvelope,
  data: CuratorRetractionData,
): ClaimRetractedByCurator =>
  event('claim.curator-retracted', CURRENT_SCHEMA['claim.curator-retracted'], e, data);
