/**
 * What the API answers before or beside its routes (issue 8, findings 3, 6, 7 and 8): times
 * Postgres cannot take, the framework's own errors, slow senders and oversized bodies. Every
 * answer is `application/problem+json`, never a 500.
 */
import { Http, HttpResponse, Json, startStack, Stack } from './support/stack';
import { parseRaw, rawExchange } from './support/raw-http';
import { talibanControlReport } from './support/reports';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ projector: false });
  // The claim topic exists once a report was accepted.
  const setup = await stack.post('/v1/reports', talibanControlReport('setup'));
  expect(setup.status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

function expectProblem(response: HttpResponse, status: number): Json {
  expect({ status: response.status, contentType: response.contentType }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(response.body).toMatchObject({
    type: expect.any(String),
    status,
    detail: expect.any(String),
  });
  return response.body;
}

const portOf = (http: Http) => Number(new URL(http.baseUrl).port);

describe('given a time Postgres cannot take (finding 3), then 400 naming the field', () => {
  const beyond = '2021-09-05T16:00:00+16:00';
  const badTimes = [
    beyond,
    '2021-09-05T16:00:00-16:30',
    '0001-01-01T00:00:00Z',
    '9999-12-31T00:00:00Z',
  ];

  it.each([
    ['a district', '/v1/districts/AF0802', 'asOf'],
    ['the district list', '/v1/districts', 'asOf'],
    ['a history', '/v1/districts/AF0802/history', 'asOf'],
    ['a province', '/v1/provinces/AF08', 'asOf'],
    ['an actor', '/v1/actors/taliban', 'asOf'],
    ['an explanation', '/v1/audit/districts/AF0802/explain', 'asOf'],
    ['the audit events, from', '/v1/audit/events', 'from'],
    ['the audit events, to', '/v1/audit/events', 'to'],
  ])('%s (%s?%s=…)', async (_name, path, parameter) => {
    for (const time of badTimes) {
      const problem = expectProblem(await stack.get(path, { query: { [parameter]: time } }), 400);
      expect(problem.errors).toEqual([expect.objectContaining({ path: parameter })]);
    }
    // The largest offset Postgres takes is fine (404: no projector here, so no actor yet).
    const fine = await stack.get(path, { query: { [parameter]: '2021-09-05T16:00:00+15:59' } });
    expect([200, 404]).toContain(fine.status);
  });

  it('in a report (observedAt, publishedAt): 400 and nothing written', async () => {
    const high = await stack.highWatermarks();
    const response = await stack.post('/v1/reports', {
      reportId: 'offset-16',
      source: { outlet: 'Wire', publishedAt: beyond },
      claims: [
        {
          claimant: 'taliban',
          kind: 'control',
          actor: 'taliban',
          place: 'AF0802',
          observedAt: beyond,
        },
      ],
    });
    const problem = expectProblem(response, 400);
    expect(problem.errors.map((e: Json) => e.path).sort()).toEqual([
      'claims.0.observedAt',
      'source.publishedAt',
    ]);
    expect(await stack.highWatermarks()).toEqual(high);
  });
});

describe('given requests the framework refuses before routing (finding 6), then problem+json', () => {
  it('a path that is not valid percent-encoding → 400', async () => {
    const problem = expectProblem(await stack.get('/v1/districts/%C0%AF'), 400);
    expect(problem.detail).toMatch(/URL/);
  });

  it('a path segment over 100 characters → 414', async () => {
    expectProblem(await stack.get(`/v1/districts/${'A'.repeat(200)}`), 414);
  });

  it('a body that is not JSON → 415', async () => {
    const response = await stack.post('/v1/reports', undefined, {
      rawBody: '<report/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(expectProblem(response, 415).detail).toMatch(/application\/json/);
  });

  it('bytes that are not HTTP → 400, and headers too large → 431, both problem+json', async () => {
    const port = portOf(stack);
    const garbage = parseRaw((await rawExchange(port, 'GARBAGE\r\n\r\n')).response);
    expect(garbage).toMatchObject({
      status: 400,
      headers: { 'content-type': 'application/problem+json' },
      body: { status: 400 },
    });
    const huge = parseRaw(
      (
        await rawExchange(
          port,
          `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
        )
      ).response,
    );
    expect(huge).toMatchObject({
      status: 431,
      headers: { 'content-type': 'application/problem+json' },
    });
  });
});

describe('given slow senders (finding 7), then 408 problem+json and the connection closed', () => {
  let slow: Awaited<ReturnType<Stack['startApi']>>;
  beforeAll(async () => {
    slow = await stack.startApi({ HTTP_REQUEST_TIMEOUT_MS: '1500' });
  });
  afterAll(async () => {
    await slow?.close();
  });

  it('a body sent one byte a second', async () => {
    const exchange = await rawExchange(
      portOf(slow.http),
      'POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      { drip: ' ', intervalMs: 1000, giveUpMs: 10_000 },
    );
    expect(exchange.closedByServer).toBe(true);
    expect(exchange.closedAfterMs).toBeLessThan(5000);
    expect(parseRaw(exchange.response)).toMatchObject({
      status: 408,
      headers: { 'content-type': 'application/problem+json', connection: 'close' },
      body: { status: 408, title: 'Request timeout' },
    });
  });

  it('headers sent one line a second', async () => {
    const exchange = await rawExchange(portOf(slow.http), 'GET /health HTTP/1.1\r\n', {
      drip: 'X-Slow: 1\r\n',
      intervalMs: 1000,
      giveUpMs: 10_000,
    });
    expect(exchange.closedByServer).toBe(true);
    expect(exchange.closedAfterMs).toBeLessThan(5000);
    expect(parseRaw(exchange.response)).toMatchObject({ status: 408 });
  });

  it('a request sent at once is not affected', async () => {
    expect((await slow.http.get('/health')).status).toBe(200);
  });
});

describe('given a body over 1 MiB (finding 8), then a 413 that fetch can read', () => {
  it('3 MB and 8 MB bodies from another process: 413 problem+json, and the connection serves on', async () => {
    const { http } = await stack.spawnApi({ PORT: '0' });
    for (const megabytes of [3, 8, 3]) {
      const response = await http.post('/v1/reports', undefined, {
        rawBody: Buffer.alloc(megabytes * 1024 * 1024, 'a'),
      });
      expect(expectProblem(response, 413).detail).toMatch(/1 MiB/);
    }
    expect((await http.get('/v1/districts/AF0802')).status).toBe(200);
  });
});
