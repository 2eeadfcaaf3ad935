/**
 * The answers of the read endpoints, as zod schemas: the OpenAPI document is written from them,
 * and test/openapi.e2e-spec.ts checks real answers against them (strictly: a field added to a
 * view and not here fails it).
 */
import { z } from 'zod';
import {
  assertionKind,
  axis,
  districtStatus,
  isoInstant,
  logPosition,
  nextCursor,
  placeRef,
  precision,
  readAt,
  source,
  submitter,
  verification,
} from '../http/openapi/common-answers';
import { named } from '../http/openapi/schema-registry';

const corroboratedBy = z.array(
  z.strictObject({ claimant: z.string(), degree: z.enum(['full', 'partial']) }),
);

const provenance = z.strictObject({
  claimId: z.uuid(),
  reportId: z.string(),
  place: z.string().meta({ description: 'the p-code the claim was resolved to' }),
  observedAt: isoInstant,
  recordedAt: isoInstant,
  source,
  speaker: z.string().optional(),
  credibility: z.number().int().optional(),
  quote: z.string().optional(),
});

export const positionAnswer = named(
  'Position',
  z.strictObject({
    claimant: z.string().meta({ example: 'taliban' }),
    kind: assertionKind,
    actor: z.string().nullable(),
    observedAt: isoInstant,
    precision,
    claimIds: z.array(z.uuid()).meta({ description: 'the run: newest claim first' }),
    disputed: z.boolean(),
    disputedBy: z.array(z.string()),
    corroboratedBy,
    provenance: z.array(provenance),
  }),
);

/** What every document about one district starts with: the district and its status. */
export const districtHeadline = {
  pcode: z.string(),
  name: z.string(),
  province: placeRef,
  status: districtStatus,
  controller: z.string().nullable(),
  verification,
};

export const districtAnswer = named(
  'District',
  z.strictObject({
    ...districtHeadline,
    positions: z.array(positionAnswer),
    ...readAt,
  }),
);

export const districtSummaryAnswer = named(
  'DistrictSummary',
  z.strictObject({
    pcode: z.string(),
    name: z.string(),
    province: z.string().meta({ description: 'p-code of the province' }),
    status: districtStatus,
    controller: z.string().nullable(),
    verification,
  }),
);

export const districtListAnswer = named(
  'DistrictList',
  z.strictObject({ items: z.array(districtSummaryAnswer), nextCursor, ...readAt }),
);

export const provinceAnswer = named(
  'Province',
  z.strictObject({
    pcode: z.string(),
    name: z.string(),
    districts: z.number().int(),
    byStatus: z.strictObject({
      claimed: z.number().int(),
      contested: z.number().int(),
      unclaimed: z.number().int(),
    }),
    byController: z
      .record(z.string(), z.number().int())
      .meta({ description: 'districts per claimed controller' }),
    items: z.array(districtSummaryAnswer),
    ...readAt,
  }),
);

export const districtHistoryAnswer = named(
  'DistrictHistory',
  z.strictObject({
    pcode: z.string(),
    name: z.string(),
    changes: z.array(
      z.strictObject({
        at: isoInstant,
        status: districtStatus,
        controller: z.string().nullable(),
        verification,
        causedBy: z.strictObject({
          claimId: z.string(),
          reportId: z.string().nullable(),
          type: z.string().nullable(),
          claimant: z.string().nullable(),
        }),
      }),
    ),
    order: z.enum(['oldest', 'newest']),
    nextCursor,
    ...readAt,
  }),
);

export const actorAnswer = named(
  'Actor',
  z.strictObject({
    actor: z.string(),
    positions: z.array(
      z.strictObject({
        district: z.string(),
        name: z.string(),
        kind: assertionKind,
        actor: z.string().nullable(),
        observedAt: isoInstant,
        claimIds: z.array(z.uuid()),
        disputedBy: z.array(z.string()),
        corroboratedBy,
      }),
    ),
    controls: z.array(
      z.strictObject({ pcode: z.string(), name: z.string(), status: districtStatus, verification }),
    ),
    ...readAt,
  }),
);

const evidence = z.strictObject({
  claimId: z.uuid(),
  kind: z.string(),
  claimant: z.string(),
  observedAt: isoInstant,
  recordedAt: isoInstant,
  reportId: z.string(),
  submittedBy: submitter,
  degree: z.enum(['full', 'partial']).optional(),
  reason: z.string().optional(),
  blanket: z.boolean().meta({ description: 'a dispute of everything a claimant said of a place' }),
});

export const claimAnswer = named(
  'Claim',
  z.strictObject({
    claimId: z.uuid(),
    type: z.string().meta({ example: 'claim.asserted' }),
    schema: z.number().int(),
    kind: z.string().meta({ example: 'control' }),
    reportId: z.string(),
    index: z.number().int(),
    claimant: z.string(),
    place: z
      .looseObject({ pcode: z.string(), name: z.string(), level: z.string() })
      .meta({ description: 'the place the claim was resolved to, with what the report said' }),
    observedAt: isoInstant,
    recordedAt: isoInstant,
    data: z.looseObject({}).meta({ description: 'the claim itself, as its event type has it' }),
    source,
    submittedBy: submitter,
    retracted: z.boolean(),
    evidence: z.strictObject({
      disputes: z.array(evidence),
      corroborations: z.array(evidence),
      retractions: z.array(evidence),
    }),
    logPosition,
    asOf: isoInstant.nullable(),
    axis,
  }),
);

const candidate = z.strictObject({
  pcode: z.string(),
  level: z.enum(['province', 'district']),
  name: z.string(),
  province: z.string(),
  matched: z.string(),
  resolution: z.enum(['pcode', 'name', 'alias', 'near']),
  distance: z.number(),
});

export const placeResolutionAnswer = named(
  'PlaceResolution',
  z.strictObject({
    query: z.string(),
    province: z.string().nullable(),
    decision: z.union([
      z.strictObject({
        kind: z.literal('resolved'),
        pcode: z.string(),
        resolution: z.enum(['pcode', 'name', 'alias', 'near']),
        matched: z.string(),
      }),
      z.strictObject({ kind: z.enum(['ambiguous', 'unknown']) }),
    ]),
    candidates: z
      .array(candidate)
      .meta({ description: 'the best matches, best first (at most 10)' }),
  }),
);

const span = z.strictObject({ from: isoInstant, to: isoInstant }).nullable();

export const timespanAnswer = named(
  'Timespan',
  z.strictObject({ recorded: span, observed: span, now: isoInstant }),
);
