import { Body, Controller, Headers, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { NDJSON, readNdjsonLines } from '../http/ndjson-body';
import { Problem } from '../http/problem';
import { BatchLineResult, SubmitReportBatchCommand } from './submit-batch.handler';

/** A batch holds at most this many reports (non-blank lines) and bytes; beyond, `413`. */
export const MAX_BATCH_LINES = 1000;
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;

const problem = (status: number, description: string) => ({
  status,
  description,
  content: { 'application/problem+json': { schema: { type: 'object' } } },
});

@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportBatchesController {
  constructor(private readonly commands: CommandBus) {}

  /** Many reports in one request, one NDJSON line each; one result line per report, in order. */
  // `::` is a literal colon in a Fastify route (a single `:` starts a parameter).
  @Post('v1/reports::batch')
  @RequireScope('ingest')
  @ApiOperation({
    summary: 'Submit many reports at once (NDJSON)',
    description:
      `One report per line, each exactly as \`POST /v1/reports\` takes it; at most ${MAX_BATCH_LINES} ` +
      `reports and ${MAX_BATCH_BYTES / 1024 / 1024} MiB per batch (else 413, nothing recorded). Every line ` +
      'is validated, decided and written like a single report (same resubmission rules, same ids), ' +
      'and answered only after its Kafka commit. The answer is NDJSON, one line per report in the ' +
      'order sent: `{"line", "status", "reportId", "claimIds", "report"}` for 201 (created) and 200 ' +
      '(identical resubmission), `{"line", "status", "reportId", "problem"}` otherwise (400 invalid ' +
      'or not JSON, 409 same reportId with other content, 422 place or target not resolvable, 503 ' +
      'claim log unreachable: send that line again later). A line waits for earlier lines with the ' +
      'same reportId and for those whose claims it targets by claimId. When every line is 503 the ' +
      'whole answer is a 503 problem with Retry-After.',
  })
  @ApiConsumes(NDJSON)
  @ApiProduces(NDJSON)
  @ApiBody({
    description: 'one Report (see the Report schema) per line',
    schema: { type: 'string', example: '{"reportId":"r-1","source":{…},"claims":[…]}\n' },
  })
  @ApiResponse({
    status: 200,
    description: 'one result per report, in order',
    content: { [NDJSON]: { schema: { type: 'string' } } },
  })
  @ApiResponse(problem(401, 'no valid API key'))
  @ApiResponse(problem(403, 'the key lacks the ingest scope'))
  @ApiResponse(problem(413, `more than ${MAX_BATCH_LINES} reports or bytes over the limit`))
  @ApiResponse(problem(415, `the body is not ${NDJSON}`))
  @ApiResponse(problem(503, 'the claim log is unreachable for every line; Retry-After'))
  async submitBatch(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (contentType?.split(';')[0]?.trim().toLowerCase() !== NDJSON)
      throw new Problem(415, 'Unsupported media type', `send the batch as ${NDJSON}`);
    const lines = await readNdjsonLines(body, {
      lines: MAX_BATCH_LINES,
      bytes: MAX_BATCH_BYTES,
    });
    const { keyId, name } = request.caller!;
    const results = await this.commands.execute<SubmitReportBatchCommand, BatchLineResult[]>(
      new SubmitReportBatchCommand(lines, { keyId, name }),
    );
    const unavailable = results.find((r) => r.status === 503);
    if (unavailable && results.every((r) => r.status === 503)) throw unavailableBatch(unavailable);
    void reply.status(200).header('content-type', NDJSON);
    return results.map((r) => `${JSON.stringify(r)}\n`).join('');
  }
}

function unavailableBatch(result: BatchLineResult): Problem {
  const { detail, retryAfter } = result.problem as { detail: string; retryAfter?: number };
  const seconds = typeof retryAfter === 'number' ? retryAfter : 5;
  return new Problem(
    503,
    'Service unavailable',
    `${detail} (every line of the batch: send the batch again; a report that was accepted after all comes back 200 unchanged)`,
    { retryAfter: seconds },
    { 'Retry-After': String(seconds) },
  );
}
