/**
 * The OpenAPI document of the API (served at /docs/openapi.json, linted in CI with
 * `npm run lint:openapi`). Nest's scanner gives the paths, methods and tags; each operation is then
 * written from its `@ApiDoc` (api-doc.decorator.ts) and its `@RequireScope`, with the zod schemas
 * the code validates and answers with.
 */
import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { Scope, SCOPE_KEY } from '../../auth/scopes';
import { OPERATION_DOC, OperationDoc, ResponseDoc } from './api-doc.decorator';
import { PROBLEM_JSON, PROBLEM_RESPONSES, problemSchema } from './problem-responses';
import { SchemaConverter } from './schema-registry';

/** Only these routes are the API; anything else (the static map, redirects, /docs) is left out. */
const API_PATH = /^\/(v1|health|metrics)(\/|$)/;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export const SECURITY_SCHEME = 'apiKey';

/** Every tag a controller uses (`@ApiTags`), with its description. */
const TAGS: Readonly<Record<string, string>> = {
  reports: 'Submit reports: claims about who controls, is present at or contests a place.',
  read: 'Read models: the claimed status of districts, provinces, actors and claims, now or as of a moment.',
  audit: 'How a status was derived, and the raw events of the log.',
  curation: "Curators' decisions about claims (always new events, never edits).",
  keys: 'API keys and their scopes.',
  replays: 'Rebuild the read model from the log.',
  health: 'Liveness and readiness.',
  metrics: 'Prometheus metrics.',
};

const DESCRIPTION = `Claims about contested places, as immutable events; read models of their claimed status.

Every answer that is not a success is an RFC 9457 problem (\`application/problem+json\`) that says what to do next. Reads take \`asOf\` (an ISO time) and \`axis\` (\`recorded\`: when Sitrep learned of a claim; \`observed\`: when the claim says it happened). Lists page with \`limit\` and \`cursor\` (\`nextCursor\` of the previous page).

The examples follow the fall of the Panjshir valley, 5–6 September 2021: the Taliban claim Rukha, Khinj and Anaba, the NRF denies it.`;

export interface Documented {
  readonly doc: OperationDoc;
  readonly scope: Scope | undefined;
}

/** The `@ApiDoc` and the scope of every handler of the app, by operationId. */
export function documentedHandlers(app: INestApplication): Map<string, Documented> {
  const found = new Map<string, Documented>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const doc = Reflect.getMetadata(OPERATION_DOC, handler) as OperationDoc | undefined;
        if (!doc) continue;
        if (found.has(doc.operationId))
          throw new Error(`operationId ${doc.operationId} is used twice`);
        const scope = (Reflect.getMetadata(SCOPE_KEY, handler) ??
          Reflect.getMetadata(SCOPE_KEY, metatype)) as Scope | undefined;
        found.set(doc.operationId, { doc, scope });
      }
    }
  }
  return found;
}

/** The parameters of a strict zod object (path or query), as the code validates them. */
function parameters(
  schemas: SchemaConverter,
  shape: z.ZodObject | undefined,
  where: 'path' | 'query',
) {
  return Object.entries(shape?.shape ?? {}).map(([name, schema]) => {
    const { description, example, ...json } = schemas.convert(schema as z.ZodType, 'input');
    return {
      name,
      in: where,
      required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
      ...(description !== undefined && { description }),
      schema: json,
      ...(example !== undefined && { example }),
    };
  });
}

function media(
  schemas: SchemaConverter,
  schema: z.ZodType,
  example: unknown,
  io: 'input' | 'output',
) {
  return { schema: schemas.convert(schema, io), ...(example !== undefined && { example }) };
}

function success(schemas: SchemaConverter, r: ResponseDoc) {
  const content: Record<string, unknown> = {};
  if (r.schema)
    content[r.mediaType ?? 'application/json'] = media(schemas, r.schema, r.example, 'output');
  for (const [type, alternative] of Object.entries(r.alternatives ?? {}))
    content[type] = media(schemas, alternative.schema, alternative.example, 'output');
  const headers = Object.entries(r.headers ?? {}).map(([name, h]) => [
    name,
    { description: h.description, schema: schemas.convert(h.schema, 'output') },
  ]);
  return {
    description: r.description,
    ...(headers.length > 0 && { headers: Object.fromEntries(headers) }),
    ...(Object.keys(content).length > 0 && { content }),
  };
}

/** The problems an operation can answer with: its own, and those of auth, bodies, limits. */
function problemStatuses({ doc, scope }: Documented): number[] {
  const statuses = new Set<number>(doc.problems ?? []);
  if (scope) [401, 403, 503].forEach((s) => statuses.add(s));
  if (doc.body) [400, 413, 415].forEach((s) => statuses.add(s));
  if (doc.query) statuses.add(400);
  statuses.add(429);
  return [...statuses].filter((s) => !(s in doc.responses)).sort();
}

/**
 * Parameters handled before the handler's own validation and declared with Nest's decorators
 * (`?after=` of ConsistencyInterceptor via @ApiAfterToken, a request header such as
 * `Last-Event-ID` via @ApiHeader): kept as declared, unless the zod schemas name them too.
 */
function handledOutside(generated: Record<string, unknown>, doc: OperationDoc): unknown[] {
  const own = new Set([
    ...Object.keys(doc.params?.shape ?? {}),
    ...Object.keys(doc.query?.shape ?? {}),
  ]);
  const declared = (generated['parameters'] ?? []) as { name: string; in: string }[];
  return declared.filter((p) => (p.in === 'header' || p.in === 'query') && !own.has(p.name));
}

function operation(
  schemas: SchemaConverter,
  generated: Record<string, unknown>,
  documented: Documented,
  used: Set<number>,
) {
  const { doc, scope } = documented;
  const problems = problemStatuses(documented);
  problems.forEach((s) => used.add(s));
  const access = scope
    ? `Needs an API key with the \`${scope}\` scope (or \`admin\`).`
    : 'Public: no API key needed.';
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    description: `${doc.description}\n\n${access}`,
    tags: generated['tags'],
    parameters: [
      ...parameters(schemas, doc.params, 'path'),
      ...parameters(schemas, doc.query, 'query'),
      ...handledOutside(generated, doc),
    ],
    ...(doc.body && {
      requestBody: {
        description: doc.body.description,
        required: doc.body.required ?? true,
        content: {
          [doc.body.mediaType ?? 'application/json']: media(
            schemas,
            doc.body.schema,
            doc.body.example,
            'input',
          ),
        },
      },
    }),
    responses: Object.fromEntries([
      ...Object.entries(doc.responses).map(([status, r]) => [status, success(schemas, r)]),
      ...problems.map((s) => [
        String(s),
        { $ref: `#/components/responses/${PROBLEM_RESPONSES[s]!.name}` },
      ]),
    ]),
    security: scope ? [{ [SECURITY_SCHEME]: [] }] : [],
  };
}

export interface BuiltDocument {
  readonly document: OpenAPIObject;
  /** Operations without `@ApiDoc`, or whose path parameters differ from it (should be none). */
  readonly faults: readonly string[];
}

export function buildOpenApiDocument(app: INestApplication): BuiltDocument {
  const builder = new DocumentBuilder()
    .setTitle('Sitrep API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('http://127.0.0.1:3000', 'A local API, as `npm run demo` starts it')
    .addSecurity(SECURITY_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'opaque API key',
      description:
        'An opaque API key (not a JWT), sent as `Authorization: Bearer <key>`. Keys are made with `POST /v1/keys` (shown once) and carry scopes: `ingest`, `read`, `audit`, `admin` (every scope). The demo admin key is `sitrep-demo-admin-key`.',
    });
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const generated = SwaggerModule.createDocument(app, builder.build());

  const documented = documentedHandlers(app);
  const schemas = new SchemaConverter();
  const used = new Set<number>();
  const faults: string[] = [];
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(generated.paths)) {
    if (!API_PATH.test(path)) continue;
    const out: Record<string, unknown> = {};
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const found = documented.get(String(op['operationId']));
      if (!found) {
        faults.push(`${method.toUpperCase()} ${path} has no @ApiDoc`);
        out[method] = op;
        continue;
      }
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = Object.keys(found.doc.params?.shape ?? {}).sort();
      if (inPath.join() !== declared.join())
        faults.push(
          `${method.toUpperCase()} ${path}: params ${declared.join() || 'none'} in @ApiDoc`,
        );
      out[method] = operation(schemas, op, found, used);
    }
    paths[path] = out;
  }
  schemas.convert(problemSchema, 'output');

  const usedTags = new Set(
    Object.values(paths).flatMap((item) =>
      Object.values(item as Record<string, { tags?: string[] }>).flatMap((op) => op.tags ?? []),
    ),
  );
  const document: OpenAPIObject = {
    ...generated,
    tags: generated.tags?.filter((t) => usedTags.has(t.name)),
    paths,
    components: {
      securitySchemes: generated.components?.securitySchemes,
      schemas: schemas.components as never,
      responses: Object.fromEntries(
        [...used].sort().map((status) => {
          const p = PROBLEM_RESPONSES[status]!;
          return [
            p.name,
            {
              description: p.description,
              ...(p.headers && { headers: p.headers }),
              content: {
                [PROBLEM_JSON]: {
                  schema: { $ref: '#/components/schemas/Problem' },
                  example: p.example,
                },
              },
            },
          ];
        }),
      ) as never,
    },
  };
  return { document, faults };
}
