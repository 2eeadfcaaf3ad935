import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { parseOrThrow } from '../http/validation';
import { ReportReceipt, SubmitReportCommand } from './submit-report.handler';
import { reportSchema } from './report.schema';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly commands: CommandBus) {}

  /** 201 with claim ids and resolved places; 200 for an identical resubmission. */
  @Post()
  @RequireScope('ingest')
  @ApiBody({ schema: { $ref: '#/components/schemas/Report' } })
  @ApiOperation({
    summary: 'Submit a report',
    description:
      'Answers once the report is committed to the claim log. The answer carries `consistencyToken` ' +
      '(opaque: where its events sit in the log); pass it as `?after=` to any read to see the ' +
      "report there. A 200 resubmission carries it when this process knows the events' positions " +
      '(it wrote them, or the projector has applied them).',
  })
  @ApiResponse({
    status: 201,
    description: 'accepted: claim ids, resolved places, consistencyToken',
  })
  @ApiResponse({ status: 200, description: 'identical resubmission (same answer)' })
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
