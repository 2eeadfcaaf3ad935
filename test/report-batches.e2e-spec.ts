/**
 * `POST /v1/reports:batch` through HTTP on a real stack: NDJSON in, one result line per report in
 * order, every line through the single-report path (schema, places, resubmission rules, the
 * grouped Kafka writer), limits answered 413, a broker that never answers 503 for the batch.
 */
import { claimIdFor } from '@sitrep/platform';
import { Json, RequestOptions, startStack, Stack } from './support/stack';
import { talibanControlReport } from './support/reports';
import { silentBroker } from './support/silent-broker';

let stack: Stack;

const NDJSON = 'application/x-ndjson';
const control = (reportId: string, place = 'AF0802', extra: object = {}) =>
  talibanControlReport(reportId, { place, province: 'Panjshir', ...extra });
const ndjson = (lines: readonly (object | string)[]) =>
  lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

const batch = (body: string, options: RequestOptions = {}) =>
  stack.post('/v1/reports:batch', undefined, {
    rawBody: body,
    ...options,
    headers: { 'content-type': NDJSON, ...options.headers },
  });
const results = (text: string): Json[] =>
  text
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l));

beforeAll(async () => {
  stack = await startStack({ projector: false });
});
afterAll(async () => {
  await stack?.stop();
});

describe('given a batch of valid and invalid lines', () => {
  const first = control('batch-r1', 'Rukhah');
  let firstIds: string[];

  it('then one result per report, in order, each as POST /v1/reports would answer it', async () => {
    const response = await batch(
      ndjson([
        first, // 1: created
        '', // 2: blank, skipped
        '{"reportId": "batch-broken", ', // 3: not JSON
        { reportId: 'batch-r3', claims: [] }, // 4: schema
        control('batch-r4', 'Nowhereistan'), // 5: place not resolvable
        first, // 6: the same report again
        control('batch-r1', 'AF0802', { credibility: 2 }), // 7: same id, other content
      ]),
    );
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(NDJSON);
    const lines = results(response.text);
    expect(lines.map((l) => [l.line, l.status])).toEqual([
      [1, 201],
      [3, 400],
      [4, 400],
      [5, 422],
      [6, 200],
      [7, 409],
    ]);
    const [created, broken, invalid, unresolved, again, conflict] = lines;
    expect(created.reportId).toBe('batch-r1');
    expect(created.report.claims[0].place).toMatchObject({ pcode: 'AF0802', input: 'Rukhah' });
    firstIds = created.claimIds;
    expect(firstIds).toEqual(created.report.claims.map((c: Json) => c.claimId));
    expect(again.claimIds).toEqual(firstIds);
    expect(broken.problem).toMatchObject({ status: 400, detail: expect.stringMatching(/JSON/) });
    expect(broken.reportId).toBeUndefined();
    expect(invalid.reportId).toBe('batch-r3');
    expect(invalid.problem.errors.map((e: Json) => e.path)).toEqual(
      expect.arrayContaining(['source', 'claims']),
    );
    expect(unresolved.problem).toMatchObject({ status: 422, title: 'Unprocessable claims' });
    expect(conflict.problem).toMatchObject({ status: 409, claimIds: firstIds });
    expect(conflict.claimIds).toEqual(firstIds);
  });

  it('then a report submitted alone and in a batch is the same report (200, same ids)', async () => {
    const alone = await stack.post('/v1/reports', first);
    expect(alone.status).toBe(200);
    expect(alone.body.claims.map((c: Json) => c.claimId)).toEqual(firstIds);
  });

  it('then a line that targets a claim of an earlier line waits for it, and the whole batch again is unchanged', async () => {
    const dispute = {
      reportId: 'batch-r5',
      source: { outlet: 'NRF' },
      claims: [
        {
          claimant: 'nrf',
          kind: 'dispute',
          observedAt: '2021-09-05T18:00:00Z',
          target: { claimId: '' }, // set below: the claim of line 1
        },
      ],
    };
    const head = await batch(ndjson([control('batch-r6', 'AF0805')]));
    const targetId = results(head.text)[0].claimIds[0];
    const lines = ndjson([
      control('batch-r7', 'AF0804'),
      { ...dispute, claims: [{ ...dispute.claims[0], target: { claimId: targetId } }] },
    ]);
    const firstRun = results((await batch(lines)).text);
    expect(firstRun.map((l) => l.status)).toEqual([201, 201]);
    const secondRun = results((await batch(lines)).text);
    expect(secondRun.map((l) => l.status)).toEqual([200, 200]);
    expect(secondRun.map((l) => l.claimIds)).toEqual(firstRun.map((l) => l.claimIds));
  });

  it('then a line that targets a claim made earlier in the same batch is accepted', async () => {
    // Line 2 targets line 1's claim by id: it must not be decided before line 1 is committed.
    const response = await batch(
      ndjson(
        Array.from({ length: 40 }, (_, i) => [
          control(`batch-chain-${i}`, 'AF0806'),
          {
            reportId: `batch-chain-${i}-dispute`,
            source: { outlet: 'NRF' },
            claims: [
              {
                claimant: 'nrf',
                kind: 'dispute',
                observedAt: '2021-09-05T18:00:00Z',
                target: { claimId: claimIdFor(`batch-chain-${i}`, 0) },
              },
            ],
          },
        ]).flat(),
      ),
    );
    const lines = results(response.text);
    expect(lines).toHaveLength(80);
    expect(lines.filter((l) => l.status !== 201)).toEqual([]);
    expect(lines.map((l) => l.line)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
  });
});

describe('given requests the endpoint refuses as a whole', () => {
  it('then more than 1000 reports is a 413 problem, and nothing was recorded', async () => {
    const lines = Array.from({ length: 1001 }, (_, i) => control(`batch-over-${i}`));
    const response = await batch(ndjson(lines));
    expect(response.status).toBe(413);
    expect(response.contentType).toMatch('application/problem+json');
    expect(response.body.detail).toMatch(/1000/);
    const one = await stack.post('/v1/reports', lines[0]);
    expect(one.status).toBe(201);
  });

  it('then a body over 8 MiB is a 413 problem', async () => {
    const huge = `${JSON.stringify(control('batch-huge', 'AF0802', { quote: 'x'.repeat(900) }))}\n`;
    const response = await batch(huge.repeat(Math.ceil((9 * 1024 * 1024) / huge.length)));
    expect(response.status).toBe(413);
    expect(response.body.detail).toMatch(/8 MiB/);
  });

  it('then JSON instead of NDJSON is a 415, no key a 401, a read-only key a 403', async () => {
    const json = await stack.post('/v1/reports:batch', control('batch-json'));
    expect(json.status).toBe(415);
    expect(json.body.detail).toMatch(NDJSON);
    expect((await batch(ndjson([control('batch-anon')]), { key: null })).status).toBe(401);
    const reader = await stack.post('/v1/keys', { name: 'reader', scopes: ['read'] });
    const forbidden = await batch(ndjson([control('batch-reader')]), { key: reader.body.key });
    expect(forbidden.status).toBe(403);
  });

  it('then the OpenAPI document describes it', async () => {
    const doc = await stack.get('/docs/openapi.json');
    const operation = doc.body.paths['/v1/reports:batch']?.post;
    expect(operation.summary).toMatch(/many reports/);
    expect(Object.keys(operation.requestBody.content)).toEqual([NDJSON]);
    expect(Object.keys(operation.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '413', '415', '503']),
    );
  });
});

describe('given a broker that accepts connections and never answers', () => {
  const silent = silentBroker();

  it('then the batch is a 503 with Retry-After, nothing recorded; a line refused anyway keeps its own status', async () => {
    const down = await stack.startApi({
      KAFKA_BROKERS: silent.address,
      KAFKA_TIMEOUT_MS: '1500',
    });
    try {
      const send = (body: string) =>
        down.http.post('/v1/reports:batch', undefined, {
          rawBody: body,
          headers: { 'content-type': NDJSON },
        });
      const all = await send(ndjson([control('batch-down-1'), control('batch-down-2')]));
      expect(all.status).toBe(503);
      expect(Number(all.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(all.body.detail).toMatch(/send the batch again/);

      const mixed = await send(ndjson([control('batch-down-3'), 'not json']));
      expect(mixed.status).toBe(200);
      expect(results(mixed.text).map((l) => l.status)).toEqual([503, 400]);
      expect(results(mixed.text)[0].problem.retryAfter).toBeGreaterThan(0);
    } finally {
      await down.close();
    }
    // Nothing of those reached the log: on the working API they are new.
    const after = await batch(ndjson([control('batch-down-1'), control('batch-down-3')]));
    expect(results(after.text).map((l) => l.status)).toEqual([201, 201]);
  });
});
