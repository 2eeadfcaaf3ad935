/** The OpenAPI operations of `/v1/keys` (see http/openapi/api-doc.decorator.ts). */
import { z } from 'zod';
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import { isoInstant } from '../http/openapi/common-answers';
import { named } from '../http/openapi/schema-registry';
import { uuidParam } from '../http/path-params';
import { keyRequestSchema } from './key-request.schema';
import { SCOPES } from './scopes';

const KEY_ID = '5b7e2c1a-3f4d-4e8b-9a6c-0d1e2f3a4b5c';
const keyFields = {
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  createdAt: isoInstant,
  revokedAt: isoInstant.nullable(),
};
export const keyAnswer = named('ApiKey', z.strictObject(keyFields));
export const createdKeyAnswer = named(
  'CreatedApiKey',
  z.strictObject({
    ...keyFields,
    key: z
      .string()
      .meta({ description: 'the key itself: shown in this answer only, store it now' }),
  }),
);
export const keyListAnswer = named('ApiKeyList', z.strictObject({ items: z.array(keyAnswer) }));

const key = {
  id: KEY_ID,
  name: 'kabul desk',
  scopes: ['ingest', 'read'],
  createdAt: '2021-09-05T08:00:00.000Z',
  revokedAt: null,
};
export const keyIdParams = z.strictObject({ id: uuidParam('key', KEY_ID) });

export const keysDocs = {
  create: {
    operationId: 'createKey',
    summary: 'Create an API key',
    description:
      'A new opaque API key with the given scopes. The key itself is in this answer only: Sitrep stores its SHA-256 hash.',
    body: {
      description: 'The holder and the scopes of the key',
      schema: named('KeyRequest', keyRequestSchema),
      example: { name: 'kabul desk', scopes: ['ingest', 'read'] },
    },
    responses: {
      201: {
        description: 'The key, shown once',
        schema: createdKeyAnswer,
        example: { ...key, key: 'sk_3q9vT0bXg2mYk8LwZr5Hn1cJpQ7dE4uA' },
      },
    },
  },
  list: {
    operationId: 'listKeys',
    summary: 'List the API keys',
    description: 'Every key, revoked ones too, oldest first; never the keys themselves.',
    responses: {
      200: { description: 'The keys', schema: keyListAnswer, example: { items: [key] } },
    },
  },
  revoke: {
    operationId: 'revokeKey',
    summary: 'Revoke an API key',
    description:
      'The key stops working at once on this API instance, and within 5 seconds on the others.',
    params: keyIdParams,
    responses: { 204: { description: 'Revoked' } },
    problems: [404],
  },
} satisfies Record<string, OperationDoc>;
