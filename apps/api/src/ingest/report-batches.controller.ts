import { Body, Controller, Headers, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { NDJSON, readNdjsonLines } from '../http/ndjson-body';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { Problem } from '../http/problem';
import { MAX_BATCH_BYTES, MAX_BATCH_LINES, submitReportBatchDoc } from './report-batches.docs';
import { BatchLineResult, SubmitReportBatchCommand } from './submit-batch.handler';

@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportBatchesController {
  constructor(private readonly commands: CommandBus) {}

  /** Many reports in one request, one NDJSON line each; one result line per report, in order. */
  // `::` is a literal colon in a Fastify route (a single `:` starts a parameter).
  @Post('v1/reports::batch')
  @RequireScope('ingest')
  @ApiDoc(submitReportBatchDoc)
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
