/** The OpenAPI operation of a curator's retraction (see http/openapi/api-doc.decorator.ts). */
import { z } from 'zod';
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import { isoInstant } from '../http/openapi/common-answers';
import { RUKHA_CLAIM } from '../http/openapi/examples';
import { named } from '../http/openapi/schema-registry';
import { uuidParam } from '../http/path-params';
import { retractionSchema } from './retraction.schema';

export const retractionAnswer = named(
  'Retraction',
  z.strictObject({
    claimId: z.uuid().meta({ description: 'the id of the retraction (an event of its own)' }),
    reportId: z.string(),
    target: z.strictObject({
      claimId: z.uuid(),
      reportId: z.string(),
      claimant: z.string(),
      kind: z.string(),
      place: z.string().meta({ description: 'p-code' }),
    }),
    reason: z.string(),
    curator: z.string().meta({ description: 'the name of the curator’s API key' }),
    recordedAt: isoInstant,
  }),
);

export const retractionParams = z.strictObject({
  claimId: uuidParam('claim', RUKHA_CLAIM),
});

const REASON = 'The source is a screenshot of a post that cannot be found.';
const retraction = (description: string) => ({
  description,
  schema: retractionAnswer,
  example: {
    claimId: '9a4e1c7b-2d5f-5e8a-b3c6-1f0d7e2a4b98',
    reportId: `curator-retraction:${RUKHA_CLAIM}`,
    target: {
      claimId: RUKHA_CLAIM,
      reportId: 'demo-2021-09-05-taliban-rukha',
      claimant: 'taliban',
      kind: 'control',
      place: 'AF0802',
    },
    reason: REASON,
    curator: 'verification desk',
    recordedAt: '2021-09-07T09:15:00.000Z',
  },
});

export const retractClaimDoc: OperationDoc = {
  operationId: 'retractClaim',
  summary: 'Withdraw a claim (curator)',
  description:
    'A curator withdraws any claim, with a reason: a new `claim.curator-retracted` event, never an edit. The claim no longer counts in any status; its history and the audit trail keep it. The same retraction again is answered `200`; another reason for a claim a curator already retracted is a `409`.',
  params: retractionParams,
  body: {
    description: 'The reason',
    schema: named('RetractionRequest', retractionSchema),
    example: { reason: REASON },
  },
  responses: {
    201: retraction('Retracted'),
    200: retraction('The same retraction was recorded before'),
  },
  problems: [404, 409, 422],
};
