/** The OpenAPI operation of `POST /v1/reports:batch` (see http/openapi/api-doc.decorator.ts). */
import { z } from 'zod';
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import { receiptExample, reportExample } from '../http/openapi/examples';
import { problemSchema } from '../http/openapi/problem-responses';
import { named } from '../http/openapi/schema-registry';
import { NDJSON } from '../http/ndjson-body';
import { reportSchema } from './report.schema';
import { reportReceiptAnswer } from './reports.docs';

/** A batch holds at most this many reports (non-blank lines) and bytes; beyond, `413`. */
export const MAX_BATCH_LINES = 1000;
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;

const line = z.number().int().meta({ description: 'the line of the batch, from 1' });

export const batchLineResult = named(
  'ReportBatchLineResult',
  z.union([
    z.strictObject({
      line,
      status: z.union([z.literal(201), z.literal(200)]),
      reportId: z.string(),
      claimIds: z.array(z.uuid()),
      report: reportReceiptAnswer,
    }),
    z.strictObject({
      line,
      status: z.number().int().min(400).meta({ description: 'what POST /v1/reports would answer' }),
      reportId: z.string().optional().meta({ description: 'when the line could be read' }),
      problem: problemSchema,
    }),
  ]),
);

export const submitReportBatchDoc: OperationDoc = {
  operationId: 'submitReportBatch',
  summary: 'Submit many reports at once (NDJSON)',
  description:
    `One report per line, each exactly as \`POST /v1/reports\` takes it; at most ${MAX_BATCH_LINES} ` +
    `reports and ${MAX_BATCH_BYTES / 1024 / 1024} MiB per batch (else 413, nothing recorded). Every line ` +
    'is validated, decided and written like a single report (same resubmission rules, same ids), ' +
    'and answered only after its Kafka commit. The answer is NDJSON, one line per report in the ' +
    'order sent: `report` and `claimIds` for 201 (created) and 200 (identical resubmission), ' +
    '`problem` otherwise (400 invalid or not JSON, 409 same reportId with other content, 422 place ' +
    'or target not resolvable, 503 claim log unreachable: send that line again later). A line waits ' +
    'for earlier lines with the same reportId and for those whose claims it targets by claimId. ' +
    'When every line is 503 the whole answer is a 503 problem with Retry-After.',
  body: {
    description: 'One Report per line (unknown fields are refused)',
    mediaType: NDJSON,
    schema: named('Report', reportSchema),
    example: reportExample,
  },
  responses: {
    200: {
      description: 'One result per report, in the order sent',
      mediaType: NDJSON,
      schema: batchLineResult,
      example: {
        line: 1,
        status: 201,
        reportId: receiptExample.reportId,
        claimIds: receiptExample.claims.map((c) => c.claimId),
        report: receiptExample,
      },
    },
  },
};
