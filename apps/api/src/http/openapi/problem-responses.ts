/**
 * The problem answers of the document (RFC 9457, `application/problem+json`): one shared `Problem`
 * schema and one named response per status (`#/components/responses/<name>`), as problem.ts and
 * problem.filter.ts make them.
 */
import { z } from 'zod';
import { named } from './schema-registry';

export const PROBLEM_JSON = 'application/problem+json';

const fieldError = named(
  'FieldError',
  z.strictObject({
    path: z.string().meta({ description: 'the field at fault, dotted', example: 'claims.0.kind' }),
    message: z.string(),
  }),
);

const candidate = z.strictObject({
  pcode: z.string(),
  name: z.string(),
  level: z.enum(['province', 'district']),
  province: z.string(),
  matched: z.string(),
  distance: z.number(),
});

/** A claim field of a report that the domain could not resolve (422). */
const claimProblem = named(
  'ClaimProblem',
  z.strictObject({
    index: z.number().int().min(0).meta({ description: "the claim's index in the report" }),
    field: z.string().meta({ example: 'place' }),
    input: z.unknown().optional(),
    reason: z.string().meta({ example: 'ambiguous' }),
    problem: z.string().meta({ description: 'the problem in words, and what would do instead' }),
    candidates: z.array(candidate).optional(),
  }),
);

export const problemSchema = named(
  'Problem',
  z
    .looseObject({
      type: z.string().meta({
        description: 'URI naming the kind of problem',
        example: 'https://sitrep.dev/problems/not-found',
      }),
      title: z.string().meta({ example: 'Not found' }),
      status: z.number().int().min(400).max(599),
      detail: z.string().meta({ description: 'what went wrong, and what to do next' }),
      instance: z
        .string()
        .meta({ description: 'the path of the request', example: '/v1/districts/AF0899' }),
      errors: z
        .union([z.array(fieldError), z.array(claimProblem)])
        .optional()
        .meta({
          description: '400: the fields at fault; 422: the claims that could not be resolved',
        }),
      retryAfter: z
        .number()
        .int()
        .min(1)
        .optional()
        .meta({ description: '429 and 503: seconds to wait, as in the Retry-After header' }),
      claimIds: z
        .array(z.uuid())
        .optional()
        .meta({ description: '409 on a report: the ids of the claims accepted first' }),
    })
    .meta({
      description:
        'An RFC 9457 problem document; extension members may be added, clients ignore those they do not know.',
    }),
);

const retryAfter = {
  'Retry-After': {
    description: 'seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
};

const problem = (status: number, title: string, detail: string, extra: object = {}) => ({
  type: `https://sitrep.dev/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
  title,
  status,
  detail,
  instance: '/v1/districts/AF0802',
  ...extra,
});

interface ProblemResponse {
  readonly name: string;
  readonly description: string;
  readonly example: object;
  readonly headers?: object;
}

/** Every problem status the API documents, with its component name and an example. */
export const PROBLEM_RESPONSES: Readonly<Record<number, ProblemResponse>> = {
  400: {
    name: 'InvalidRequest',
    description:
      'The request does not match the schema (or is not valid JSON); `errors` lists every field at fault.',
    example: problem(400, 'Invalid request', 'the query does not match the schema', {
      errors: [{ path: 'axis', message: 'Invalid option: expected one of "recorded"|"observed"' }],
    }),
  },
  401: {
    name: 'Unauthenticated',
    description: 'No API key, or an unknown or revoked one.',
    example: problem(401, 'Unauthenticated', 'send an API key as "Authorization: Bearer <key>"'),
    headers: {
      'WWW-Authenticate': { description: 'Bearer realm="sitrep"', schema: { type: 'string' } },
    },
  },
  403: {
    name: 'Forbidden',
    description: 'The API key lacks the scope the operation needs.',
    example: problem(
      403,
      'Forbidden',
      'this key lacks the "read" scope; ask an admin for a key that has it',
    ),
  },
  404: {
    name: 'NotFound',
    description: 'Nothing has this identifier (or the identifier is not of the expected form).',
    example: problem(404, 'Not found', 'district AF0899 does not exist', {
      instance: '/v1/districts/AF0899',
    }),
  },
  409: {
    name: 'Conflict',
    description: 'The request conflicts with what is already recorded or running.',
    example: problem(
      409,
      'Conflict',
      'report demo-2021-09-05-taliban-rukha was already accepted with other content; a report is immutable: submit the change under a new reportId (and retract claims if needed)',
      { instance: '/v1/reports', claimIds: ['7d9f3a52-4c1e-5b8a-9f60-2e4b1c8d7a31'] },
    ),
  },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is larger than 1 MiB.',
    example: problem(
      413,
      'Payload too large',
      'the request body is larger than 1 MiB; split the report into several',
      { instance: '/v1/reports' },
    ),
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not sent as application/json.',
    example: problem(415, 'Unsupported media type', 'send the body as application/json', {
      instance: '/v1/reports',
    }),
  },
  422: {
    name: 'UnprocessableClaims',
    description:
      'The report is valid JSON of the schema, but some claims cannot be resolved (an unknown or ambiguous place, a target that does not exist); nothing was recorded.',
    example: problem(
      422,
      'Unprocessable claims',
      '1 claim field(s) could not be resolved; nothing was recorded. Fix them (use a p-code or one of the candidates) and submit again',
      {
        instance: '/v1/reports',
        errors: [
          {
            index: 0,
            field: 'place',
            input: 'Khinj valley',
            reason: 'unknown',
            problem: 'no place of the gazetteer is called "Khinj valley"; use a p-code',
            candidates: [
              {
                pcode: 'AF0804',
                name: 'Hissa-e-Awal (Khinj)',
                level: 'district',
                province: 'AF08',
                matched: 'Khinj',
                distance: 0.3,
              },
            ],
          },
        ],
      },
    ),
  },
  429: {
    name: 'TooManyRequests',
    description:
      'This key (or, without a key, this address) sent too many requests; wait Retry-After seconds.',
    example: problem(
      429,
      'Too many requests',
      'this key sent more than 1000 requests in 1 s; wait 1 s (Retry-After), then send fewer requests per second or ask for a higher limit',
      { retryAfter: 1 },
    ),
    headers: retryAfter,
  },
  503: {
    name: 'ServiceUnavailable',
    description:
      'A dependency (PostgreSQL or Kafka) does not answer; nothing was changed: retry after Retry-After seconds.',
    example: problem(
      503,
      'Service unavailable',
      'the database is not reachable right now (restarting or unreachable); nothing was changed by this request: retry it later',
      { retryAfter: 5 },
    ),
    headers: retryAfter,
  },
};
