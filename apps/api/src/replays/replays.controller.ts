import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { pathOr404 } from '../http/path-params';
import { parseOrThrow } from '../http/validation';
import { replayRequestSchema } from './replay-request.schema';
import { ReplayService } from './replay.service';
import { replayParams, replaysDocs } from './replays.docs';

@ApiTags('replays')
@Controller('v1/replays')
export class ReplaysController {
  constructor(private readonly replays: ReplayService) {}

  /** Start a replay (202); 409 while another one runs. Watch it with GET /v1/replays/{id}. */
  @Post()
  @HttpCode(202)
  @RequireScope('admin')
  @ApiDoc(replaysDocs.start)
  start(@Body() body: unknown) {
    const request = parseOrThrow(replayRequestSchema, body ?? {}, 'replay request');
    return this.replays.start({ province: request.province, keepOld: request.keepOld });
  }

  @Get(':id')
  @RequireScope('audit')
  @ApiDoc(replaysDocs.find)
  find(@Param('id') id: string) {
    return this.replays.find(pathOr404(replayParams.shape.id, id, 'replay'));
  }
}
