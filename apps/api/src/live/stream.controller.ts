import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { invalidRequest } from '../http/problem';
import { parseOrThrow } from '../http/validation';
import { LiveStreams } from './live-streams';
import { streamDoc, streamQuery } from './stream.docs';
import { parseStreamPosition } from './stream-position';

@ApiTags('read')
@RequireScope('read')
@Controller('v1/stream')
export class StreamController {
  constructor(private readonly streams: LiveStreams) {}

  @Get()
  @ApiDoc(streamDoc)
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'resume after this event id',
    schema: { type: 'string', maxLength: 40 },
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
