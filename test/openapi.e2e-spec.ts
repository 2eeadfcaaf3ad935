/**
 * The OpenAPI document, fetched from a running API (real Kafka and Postgres): every operation is
 * documented (summary, operationId, typed parameters, answers, problem answers), only API routes
 * are in it, and real answers of the Panjshir demo match the zod schemas the document is written
 * from — as do the document's own examples.
 */
import { z } from 'zod';
import { DEMO_REPORTS } from '../apps/cli/src/commands/demo-scenario';
import { auditDocs } from '../apps/api/src/audit/audit.docs';
import { keysDocs } from '../apps/api/src/auth/keys.docs';
import { retractClaimDoc } from '../apps/api/src/curation/retractions.docs';
import { healthDocs } from '../apps/api/src/health/health.docs';
import { RUKHA_CLAIM } from '../apps/api/src/http/openapi/examples';
import { documentedHandlers } from '../apps/api/src/http/openapi/openapi-document';
import { PROBLEM_RESPONSES, problemSchema } from '../apps/api/src/http/openapi/problem-responses';
import { submitReportDoc } from '../apps/api/src/ingest/reports.docs';
import { readDocs } from '../apps/api/src/queries/read.docs';
import { replaysDocs } from '../apps/api/src/replays/replays.docs';
import { HttpResponse, Json, startStack, Stack } from './support/stack';

let stack: Stack;
let document: Json;

const operations = (): { id: string; method: string; path: string; op: Json }[] =>
  Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      id: `${method.toUpperCase()} ${path}`,
      method,
      path,
      op,
    })),
  );

/** The issues of `body` against `schema` ([] when it matches), to show what drifted. */
const issues = (schema: z.ZodType, body: unknown) =>
  (schema.safeParse(body).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

function expectAnswer(response: HttpResponse, status: number, schema: z.ZodType) {
  expect({ status: response.status, issues: issues(schema, response.body) }).toEqual({
    status,
    issues: [],
  });
}

beforeAll(async () => {
  stack = await startStack();
  for (const report of DEMO_REPORTS) {
    const response = await stack.post('/v1/reports', report);
    expect([response.status, response.body.detail]).toEqual([201, undefined]);
  }
  await stack.waitForProjection();
  const response = await stack.get('/docs/openapi.json', { key: null });
  expect(response.status).toBe(200);
  document = response.body;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the document served at /docs/openapi.json', () => {
  it('then it is OpenAPI 3 with an opaque-key bearer scheme', () => {
    expect(document.openapi).toMatch(/^3\.0\./);
    expect(document.components.securitySchemes.apiKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'opaque API key',
    });
  });

  it('then it holds the API routes only (no /docs, static pages or redirects)', () => {
    const paths = Object.keys(document.paths);
    expect(paths.length).toBeGreaterThanOrEqual(18);
    expect(paths.filter((p) => !/^\/(v1|health|metrics)(\/|$)/.test(p))).toEqual([]);
  });

  it('then every operation has a unique operationId, a summary, a description and a tag', () => {
    const ops = operations();
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ops.length);
    const lacking = ops
      .filter(
        (o) =>
          !/^[a-z][A-Za-z]+$/.test(o.op.operationId ?? '') ||
          !o.op.summary ||
          !o.op.description ||
          !(o.op.tags?.length > 0),
      )
      .map((o) => o.id);
    expect(lacking).toEqual([]);
  });

  it('then every parameter is typed, and every path parameter is declared', () => {
    const faults = operations().flatMap(({ id, path, op }) => [
      ...(op.parameters ?? [])
        .filter((p: Json) => !p.schema?.type && !p.schema?.$ref)
        .map((p: Json) => `${id}: ${p.name} is untyped`),
      ...[...path.matchAll(/\{([^}]+)\}/g)]
        .filter((m) => !(op.parameters ?? []).some((p: Json) => p.in === 'path' && p.name === m[1]))
        .map((m) => `${id}: {${m[1]}} is not a parameter`),
    ]);
    expect(faults).toEqual([]);
  });

  it('then every request body has a schema, POST /v1/keys and POST /v1/replays too', () => {
    const posts = operations().filter((o) => o.method === 'post');
    expect(posts.filter((o) => !o.op.requestBody?.content).map((o) => o.id)).toEqual([]);
    expect(document.paths['/v1/keys'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/KeyRequest',
    });
    expect(document.components.schemas.ReplayRequest.properties.province.pattern).toBe(
      '^AF\\d{2}$',
    );
  });

  it('then every operation documents a success and the problems that apply (401/403 with a key, 413/415 with a body, 429 always)', () => {
    const faults = operations().flatMap(({ id, op }) => {
      const statuses = Object.keys(op.responses ?? {});
      const expected = [
        '429',
        ...(op.security?.length ? ['401', '403', '503'] : []),
        ...(op.requestBody ? ['400', '413', '415'] : []),
        ...(op.parameters?.some((p: Json) => p.in === 'query') ? ['400'] : []),
      ];
      return [
        ...(statuses.some((s) => /^2\d\d$/.test(s)) ? [] : [`${id}: no 2xx`]),
        ...expected.filter((s) => !statuses.includes(s)).map((s) => `${id}: no ${s}`),
      ];
    });
    expect(faults).toEqual([]);
  });

  it('then every problem answer is application/problem+json with the shared Problem schema', () => {
    const refs = operations().flatMap(({ op }) =>
      Object.entries(op.responses as Record<string, Json>).filter(([s]) => /^[45]/.test(s)),
    );
    expect(refs.length).toBeGreaterThan(50);
    for (const [status, response] of refs) {
      if (!response.$ref) continue; // the readiness check's own 503
      const name = String(response.$ref).replace('#/components/responses/', '');
      expect(name).toBe(PROBLEM_RESPONSES[Number(status)]?.name);
      expect(document.components.responses[name].content['application/problem+json']).toMatchObject(
        {
          schema: { $ref: '#/components/schemas/Problem' },
          example: { status: Number(status) },
        },
      );
    }
  });
});

describe('real answers and the examples match the schemas the document is written from', () => {
  it('then the read answers of the Panjshir demo match', async () => {
    const get = (path: string) =>
      stack.get(path, { query: { asOf: '2021-09-06T12:00:00Z', axis: 'observed' } });
    const rukha = await get('/v1/districts/AF0802');
    expectAnswer(rukha, 200, readDocs.district.responses[200].schema);
    expect(rukha.body.positions[0].provenance.length).toBeGreaterThan(0);
    expectAnswer(
      await get('/v1/districts/AF0802/history'),
      200,
      readDocs.history.responses[200].schema,
    );
    expectAnswer(
      await stack.get('/v1/districts?province=AF08'),
      200,
      readDocs.districts.responses[200].schema,
    );
    expectAnswer(await get('/v1/provinces/AF08'), 200, readDocs.province.responses[200].schema);
    expectAnswer(await get('/v1/actors/taliban'), 200, readDocs.actor.responses[200].schema);
    expectAnswer(await stack.get('/v1/actors/nrf'), 200, readDocs.actor.responses[200].schema);
    expectAnswer(await get(`/v1/claims/${RUKHA_CLAIM}`), 200, readDocs.claim.responses[200].schema);
    expectAnswer(
      await stack.get('/v1/places/resolve?q=Anabah&province=Panjshir'),
      200,
      readDocs.resolvePlace.responses[200].schema,
    );
  });

  it('then the audit, key, health and write answers match', async () => {
    expectAnswer(
      await stack.get('/v1/audit/districts/AF0805/explain'),
      200,
      auditDocs.explain.responses[200].schema,
    );
    expectAnswer(
      await stack.get('/v1/audit/events?limit=3'),
      200,
      auditDocs.events.responses[200].schema,
    );
    const ndjson = await stack.get('/v1/audit/events', {
      headers: { accept: 'application/x-ndjson' },
    });
    const lines = ndjson.text.trim().split('\n');
    expect(lines.length).toBe(DEMO_REPORTS.reduce((n, r) => n + r.claims.length, 0));
    const line = auditDocs.events.responses[200].alternatives['application/x-ndjson'].schema;
    expect(lines.flatMap((l) => issues(line, JSON.parse(l)))).toEqual([]);
    const created = await stack.post('/v1/keys', { name: 'panjshir desk', scopes: ['read'] });
    expectAnswer(created, 201, keysDocs.create.responses[201].schema);
    expectAnswer(await stack.get('/v1/keys'), 200, keysDocs.list.responses[200].schema);
    expectAnswer(await stack.get('/health'), 200, healthDocs.live.responses[200].schema);
    expectAnswer(await stack.get('/health/ready'), 200, healthDocs.ready.responses[200].schema);
    expectAnswer(
      await stack.post(`/v1/claims/${RUKHA_CLAIM}/retractions`, { reason: 'the post was deleted' }),
      201,
      retractClaimDoc.responses[201]!.schema!,
    );
    const replay = await stack.post('/v1/replays', { province: 'AF08' });
    expectAnswer(replay, 202, replaysDocs.start.responses[202].schema);
    let progress = await stack.get(`/v1/replays/${replay.body.id}`);
    for (let i = 0; i < 300 && progress.body.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      progress = await stack.get(`/v1/replays/${replay.body.id}`);
    }
    expect(progress.body.state).toBe('done');
    expectAnswer(progress, 200, replaysDocs.find.responses[200].schema);
    const again = await stack.post('/v1/reports', DEMO_REPORTS[0]);
    expectAnswer(again, 200, submitReportDoc.responses[200]!.schema!);
  });

  it('then problem answers match the Problem schema', async () => {
    expectAnswer(await stack.get('/v1/districts/AF0899'), 404, problemSchema);
    expectAnswer(await stack.get('/v1/districts', { key: null }), 401, problemSchema);
    const invalid = await stack.get('/v1/districts?axis=sideways');
    expectAnswer(invalid, 400, problemSchema);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'axis' })]);
    const unresolved = await stack.post('/v1/reports', {
      ...DEMO_REPORTS[0],
      reportId: 'openapi-unknown-place',
      claims: [{ ...DEMO_REPORTS[0].claims[0], place: 'Atlantis', province: undefined }],
    });
    expectAnswer(unresolved, 422, problemSchema);
  });

  it('then every example of the document matches its schema', () => {
    const docs = [...documentedHandlers(stack.api).values()].map((d) => d.doc);
    expect(docs.length).toBe(operations().length);
    const faults = docs.flatMap((doc) => [
      ...(doc.body?.example === undefined
        ? []
        : issues(doc.body.schema, doc.body.example).map((i) => `${doc.operationId} body: ${i}`)),
      ...Object.entries(doc.responses).flatMap(([status, r]) =>
        r.schema && r.example !== undefined
          ? issues(r.schema, r.example).map((i) => `${doc.operationId} ${status}: ${i}`)
          : [],
      ),
      ...Object.values(doc.responses).flatMap((r) =>
        Object.entries(r.alternatives ?? {}).flatMap(([type, m]) =>
          m.example === undefined
            ? []
            : issues(m.schema, m.example).map((i) => `${doc.operationId} ${type}: ${i}`),
        ),
      ),
    ]);
    const problems = Object.entries(PROBLEM_RESPONSES).flatMap(([status, p]) =>
      issues(problemSchema, p.example).map((i) => `problem ${status}: ${i}`),
    );
    expect([...faults, ...problems]).toEqual([]);
  });
});
