/** The OpenAPI operations of `/v1/replays` (see http/openapi/api-doc.decorator.ts). */
import { z } from 'zod';
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import { isoInstant } from '../http/openapi/common-answers';
import { named } from '../http/openapi/schema-registry';
import { uuidParam } from '../http/path-params';
import { replayRequestSchema } from './replay-request.schema';

const REPLAY_ID = '0e6c9f4b-8d2a-4c7e-b1f3-5a9d2e7c4b10';

export const replayAnswer = named(
  'Replay',
  z.strictObject({
    id: z.uuid(),
    state: z.enum(['running', 'done', 'failed']),
    province: z.string().nullable(),
    keepOld: z.boolean(),
    version: z.number().int().nullable().meta({ description: 'the read-model version it builds' }),
    processed: z.number().int(),
    total: z.number().int(),
    eventsPerSecond: z.number(),
    startedAt: isoInstant,
    finishedAt: isoInstant.nullable(),
    checksum: z
      .looseObject({ live: z.string(), rebuilt: z.string(), match: z.boolean() })
      .nullable()
      .meta({ description: 'when done: checksums of the live and the rebuilt read model' }),
    error: z.string().nullable(),
  }),
);

const running = {
  id: REPLAY_ID,
  state: 'running',
  province: 'AF08',
  keepOld: false,
  version: 2,
  processed: 0,
  total: 9,
  eventsPerSecond: 0,
  startedAt: '2021-09-06T12:00:00.000Z',
  finishedAt: null,
  checksum: null,
  error: null,
};
export const replayParams = z.strictObject({ id: uuidParam('replay', REPLAY_ID) });

export const replaysDocs = {
  start: {
    operationId: 'startReplay',
    summary: 'Rebuild the read model from the log',
    description:
      'Start a replay in the background: the whole log (or one province) is projected into a new read-model version, which replaces the live one when it is complete. Watch it with `GET /v1/replays/{id}`. One replay runs at a time.',
    body: {
      description: 'What to replay; no body (or `{}`): everything',
      schema: named('ReplayRequest', replayRequestSchema),
      required: false,
      example: { province: 'AF08' },
    },
    responses: { 202: { description: 'Started', schema: replayAnswer, example: running } },
    problems: [409],
  },
  find: {
    operationId: 'getReplay',
    summary: 'The progress of a replay',
    description:
      'Its state, the events processed so far, and when done, the checksums it compared.',
    params: replayParams,
    responses: {
      200: {
        description: 'The replay',
        schema: replayAnswer,
        example: { ...running, processed: 4, eventsPerSecond: 850.5 },
      },
    },
    problems: [404],
  },
} satisfies Record<string, OperationDoc>;
