/** The OpenAPI operation of `POST /v1/reports` (see http/openapi/api-doc.decorator.ts). */
import { z } from 'zod';
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import { isoInstant } from '../http/openapi/common-answers';
import { reportExample, receiptExample } from '../http/openapi/examples';
import { named } from '../http/openapi/schema-registry';
import { reportSchema } from './report.schema';

export const reportReceiptAnswer = named(
  'ReportReceipt',
  z.strictObject({
    reportId: z.string(),
    recordedAt: isoInstant,
    consistencyToken: z.string().optional().meta({
      description:
        "where the report's events sit in the log (opaque): pass it as `?after=` to any read to see the report there. A 200 carries it when this API process knows the positions (it wrote the events, or the projector has applied them)",
      example: 'MDoxMjQsMzo4OQ',
    }),
    claims: z.array(
      z.strictObject({
        index: z.number().int(),
        claimId: z.uuid(),
        kind: z.string().meta({ example: 'control' }),
        place: z.strictObject({
          pcode: z.string(),
          name: z.string(),
          level: z.enum(['province', 'district']),
          input: z.string().meta({ description: 'the place as the report spelled it' }),
          resolution: z.enum(['pcode', 'name', 'alias', 'near']),
        }),
      }),
    ),
  }),
);

const receipt = (description: string) => ({
  description,
  schema: reportReceiptAnswer,
  example: receiptExample,
});

export const submitReportDoc: OperationDoc = {
  operationId: 'submitReport',
  summary: 'Submit a report of claims',
  description:
    'A report from one source: claims of control, presence or contest of places, and disputes, corroborations and retractions of other claims. Places are resolved against the gazetteer (p-codes, names, aliases, near spellings); every claim becomes an immutable event on the log. A report is immutable: the same report again is answered `200` with the same ids; other content under the same `reportId` is a `409`.',
  body: {
    description: 'The report (unknown fields are refused)',
    schema: named('Report', reportSchema),
    example: reportExample,
  },
  responses: {
    201: receipt('Recorded: the claim ids and the places they were resolved to'),
    200: receipt('The same report was recorded before: the same ids, nothing new recorded'),
  },
  problems: [409, 422],
};
