import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
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
  async submit(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = parseOrThrow(reportSchema, body, 'report');
    const result = await this.commands.execute<SubmitReportCommand, ReportReceipt>(
      new SubmitReportCommand(report),
    );
    void reply.status(result.created ? 201 : 200);
    return result.body;
  }
}
