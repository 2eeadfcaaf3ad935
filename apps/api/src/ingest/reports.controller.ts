import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { parseOrThrow } from '../http/validation';
import { submitReportDoc } from './reports.docs';
import { ReportReceipt, SubmitReportCommand } from './submit-report.handler';
import { reportSchema } from './report.schema';

@ApiTags('reports')
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly commands: CommandBus) {}

  /** 201 with claim ids and resolved places; 200 for an identical resubmission. */
  @Post()
  @RequireScope('ingest')
  @ApiDoc(submitReportDoc)
  async submit(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = parseOrThrow(reportSchema, body, 'report');
    const { keyId, name } = request.caller!;
    const result = await this.commands.execute<SubmitReportCommand, ReportReceipt>(
      new SubmitReportCommand(report, { keyId, name }),
    );
    void reply.status(result.created ? 201 : 200);
    return result.body;
  }
}
