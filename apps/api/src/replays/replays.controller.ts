import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { notFound } from '../http/problem';
import { parseOrThrow } from '../http/validation';
import { ReplayService } from './replay.service';

const replayRequest = z.strictObject({
  province: z
    .string()
    .regex(/^AF\d{2}$/, 'province is a province p-code such as AF08')
    .optional(),
  keepOld: z.boolean().optional(),
});

@ApiTags('replays')
@ApiBearerAuth()
@Controller('v1/replays')
export class ReplaysController {
  constructor(private readonly replays: ReplayService) {}

  /** Start a replay (202); 409 while another one runs. Watch it with GET /v1/replays/{id}. */
  @Post()
  @HttpCode(202)
  @RequireScope('admin')
  start(@Body() body: unknown) {
    const request = parseOrThrow(replayRequest, body ?? {}, 'replay request');
    return this.replays.start({ province: request.province, keepOld: request.keepOld });
  }

  @Get(':id')
  @RequireScope('audit')
  find(@Param('id') id: string) {
    if (!z.uuid().safeParse(id).success) throw notFound(`replay ${id}`);
    return this.replays.find(id);
  }
}
