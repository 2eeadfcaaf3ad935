import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { invalidRequest } from '../http/problem';
import { parseOrThrow } from '../http/validation';
import { LiveStreams } from './live-streams';
import { parseStreamPosition } from './stream-position';

const streamQuery = z.strictObject({
  province: z
    .string()
    .regex(/^AF\d{2}$/, 'province is a province p-code such as AF08')
    .optional(),
  lastEventId: z.string().max(40).optional(),
});

const STREAM_DESCRIPTION = `Server-Sent Events (text/event-stream). Each change of a district's current document, as the
projector commits it, comes as an event \`district\` whose \`id\` is the stream position and whose
data is \`{ "position", "district", "province", "document" }\` (\`document\`: the same JSON as
\`GET /v1/districts/{pcode}\`). Several changes of one district read together come as one event.
Resume after a disconnection with the header \`Last-Event-ID\` (or \`?lastEventId=\` for fetch-based
clients): every change after that position follows. When a position cannot be resumed (a
rebuilt read model went live, or the changes after it were pruned: they are kept
STREAM_RETENTION_MS, a day by default) an event \`reset\` with \`{ "position", "reason", "detail" }\`
comes instead: reload what you show, then follow on. Without a position the stream starts now.
Comments (\`: heartbeat\`) come every STREAM_HEARTBEAT_MS (15 s). At most STREAM_MAX_PER_KEY
streams per key (429) and STREAM_MAX_STREAMS per API process (503).`;

@ApiTags('read')
@ApiBearerAuth()
@RequireScope('read')
@Controller('v1/stream')
export class StreamController {
  constructor(private readonly streams: LiveStreams) {}

  @Get()
  @ApiOperation({
    summary: 'Live updates of district documents (SSE)',
    description: STREAM_DESCRIPTION,
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'province', required: false, description: 'only this province (p-code)' })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    description: 'resume after this position (as the Last-Event-ID header)',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this position' })
  @ApiResponse({ status: 200, description: 'the event stream, open until the client leaves' })
  @ApiResponse({ status: 400, description: 'unknown parameter or malformed position' })
  @ApiResponse({ status: 401, description: 'no valid API key' })
  @ApiResponse({ status: 429, description: 'too many streams open for this key' })
  @ApiResponse({
    status: 503,
    description: 'too many streams open on this process, or Postgres away',
  })
  async stream(
    @Query() query: unknown,
    @Headers('last-event-id') header: string | undefined,
    @Req() request: AuthenticatedRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const q = parseOrThrow(streamQuery, query, 'query');
    const id = header ?? q.lastEventId;
    const from = id === undefined || id === '' ? undefined : parseStreamPosition(id);
    if (id && !from)
      throw invalidRequest(
        'Last-Event-ID (or lastEventId) is not a position this API gave out; use an event id of the stream, or none to start from now',
      );
    // Fastify answers HEAD with the GET route: headers only, never an open stream.
    if (request.method === 'HEAD') {
      await reply.header('content-type', 'text/event-stream; charset=utf-8').send();
      return;
    }
    await this.streams.serve(request.caller!.keyId, reply, { province: q.province, from });
  }
}
