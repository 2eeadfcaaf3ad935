/** The OpenAPI operations of `/v1/audit` (see http/openapi/api-doc.decorator.ts). */
import { z } from 'zod';
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import { axis, isoInstant, nextCursor, readAt, submitter } from '../http/openapi/common-answers';
import { RUKHA_CLAIM, rukhaHeadline } from '../http/openapi/examples';
import { districtHeadline } from '../queries/read.answers';
import { named } from '../http/openapi/schema-registry';
import { eventsQuery, explainParams, explainQuery } from './audit.requests';

const NDJSON = 'application/x-ndjson';
const rule = z
  .looseObject({})
  .meta({ description: 'the rule of DESIGN.md that decided, in words' });

export const explanationAnswer = named(
  'DistrictExplanation',
  z.strictObject({
    ...districtHeadline,
    decidedBy: z.strictObject({ status: rule, controller: rule, verification: rule }),
    positions: z.array(z.looseObject({ claimant: z.string() })).meta({
      description: "each claimant's position, its run of claims and the evidence that counts",
    }),
    retractions: z
      .array(z.looseObject({}))
      .meta({ description: 'retractions that withdraw claims' }),
    notCounted: z
      .array(z.looseObject({}))
      .meta({ description: 'claims bearing on the district that do not count, and why' }),
    narrative: z.array(z.string()).meta({ description: 'the derivation in words, rule by rule' }),
    nextCursor,
    ...readAt,
  }),
);

export const auditEventAnswer = named(
  'AuditEvent',
  z.strictObject({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.number().int(),
    claimId: z.uuid(),
    type: z.string().meta({ example: 'claim.asserted' }),
    province: z.string(),
    observedAt: isoInstant,
    recordedAt: isoInstant,
    submittedBy: submitter,
    event: z.looseObject({}).meta({ description: 'the event as the log holds it' }),
  }),
);

export const auditEventPageAnswer = named(
  'AuditEventPage',
  z.strictObject({
    items: z.array(auditEventAnswer),
    nextCursor,
    filter: z.strictObject({
      province: z.string().nullable(),
      from: isoInstant.nullable(),
      to: isoInstant.nullable(),
      axis,
    }),
  }),
);

const event = {
  topic: 'sitrep.claims',
  partition: 2,
  offset: 14,
  claimId: RUKHA_CLAIM,
  type: 'claim.asserted',
  province: 'AF08',
  observedAt: '2021-09-05T18:00:00.000Z',
  recordedAt: '2021-09-05T19:42:10.512Z',
  submittedBy: { keyId: '5b7e2c1a-3f4d-4e8b-9a6c-0d1e2f3a4b5c', name: 'kabul desk' },
  event: { id: RUKHA_CLAIM, type: 'claim.asserted', schema: 3, claimant: 'taliban' },
};

export const auditDocs = {
  explain: {
    operationId: 'explainDistrict',
    summary: "How a district's status was derived, rule by rule",
    description:
      "Each claimant's position with its run of claims, the disputes and corroborations that count (and which claim they reach), the claims that do not count and why (retracted, superseded, self-dispute, …), and the rule of DESIGN.md that decided the status, the controller and the verification, in words. The claims are placed a page at a time.",
    params: explainParams,
    query: explainQuery,
    responses: {
      200: {
        description: 'The explanation',
        schema: explanationAnswer,
        example: {
          ...rukhaHeadline,
          decidedBy: {
            status: { rule: 'contested/every-control-disputed', section: 4 },
            controller: { rule: 'latest-control', section: 5 },
            verification: { rule: 'no-corroboration', section: 6 },
          },
          positions: [{ claimant: 'taliban', kind: 'control', actor: 'taliban' }],
          retractions: [],
          notCounted: [],
          narrative: ['status contested: every control position is disputed by another claimant.'],
          nextCursor: null,
          asOf: '2021-09-06T00:00:00.000Z',
          axis: 'recorded',
        },
      },
    },
    problems: [404],
  },
  events: {
    operationId: 'listAuditEvents',
    summary: 'The raw events of the log, in log order',
    description:
      'Events of the live read model in log order (partition, offset), with where they sit in the log and both clocks, filtered by province and time on either clock. As JSON, a page at a time; with `Accept: application/x-ndjson`, every matching event streamed from one snapshot, one JSON object per line (no paging).',
    query: eventsQuery,
    responses: {
      200: {
        description: 'A page of events (JSON), or every matching event (NDJSON)',
        schema: auditEventPageAnswer,
        example: {
          items: [event],
          nextCursor: null,
          filter: { province: 'AF08', from: null, to: null, axis: 'recorded' },
        },
        alternatives: { [NDJSON]: { schema: auditEventAnswer, example: event } },
      },
    },
  },
} satisfies Record<string, OperationDoc>;
