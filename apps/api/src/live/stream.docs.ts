/** The OpenAPI operation of `GET /v1/stream` (see http/openapi/api-doc.decorator.ts). */
import { z } from 'zod';
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import { districtExample } from '../http/openapi/examples';
import { named } from '../http/openapi/schema-registry';
import { districtAnswer } from '../queries/read.answers';

export const streamQuery = z.strictObject({
  province: z
    .string()
    .regex(/^AF\d{2}$/, 'province is a province p-code such as AF08')
    .optional()
    .meta({ description: 'only the districts of this province (p-code)' }),
  lastEventId: z
    .string()
    .max(40)
    .optional()
    .meta({ description: 'resume after this event id (as the Last-Event-ID header, which wins)' }),
});

const position = z.string().meta({
  description: 'opaque stream position (`<version>:<n>`), the event id',
  example: '3:1042',
});

export const streamEventData = named(
  'StreamEventData',
  z.union([
    z
      .strictObject({
        position,
        district: z.string(),
        province: z.string(),
        document: districtAnswer,
      })
      .meta({ description: 'data of an event `district`: the district document as it is now' }),
    z
      .strictObject({
        position,
        reason: z.enum(['read-model-switched', 'unknown-position', 'position-pruned']),
        detail: z.string(),
      })
      .meta({ description: 'data of an event `reset`: reload what you show, then follow on' }),
  ]),
);

export const streamDoc: OperationDoc = {
  operationId: 'streamDistrictChanges',
  summary: 'Live updates of district documents (Server-Sent Events)',
  description: `Each change of a district's current document, as the projector commits it, comes as an event \`district\` whose \`id\` is the stream position and whose data is \`{ "position", "district", "province", "document" }\` (\`document\`: the same JSON as \`GET /v1/districts/{pcode}\`). Several changes of one district read together come as one event. Resume after a disconnection with the header \`Last-Event-ID\` (or \`?lastEventId=\` for fetch-based clients): every change after that position follows. When a position cannot be resumed (a rebuilt read model went live, or the changes after it were pruned: they are kept STREAM_RETENTION_MS, a day by default) an event \`reset\` with \`{ "position", "reason", "detail" }\` comes instead: reload what you show, then follow on. Without a position the stream starts now. Comments (\`: heartbeat\`) come every STREAM_HEARTBEAT_MS (15 s). At most STREAM_MAX_PER_KEY streams per key (429) and STREAM_MAX_STREAMS per API process (503).`,
  query: streamQuery,
  responses: {
    200: {
      description:
        "The event stream, open until the client leaves (the schema is that of one event's data)",
      mediaType: 'text/event-stream',
      schema: streamEventData,
      example: {
        position: '3:1042',
        district: districtExample.pcode,
        province: 'AF08',
        document: districtExample,
      },
    },
  },
};
