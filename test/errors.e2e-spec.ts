/**
 * Bad input of every kind, through HTTP on a real stack: the right status, an RFC 9457
 * `application/problem+json` body, and no trace (no new event on the claim topic, nothing in
 * `report_claims`). Also what the API answers when Kafka is down.
 */
import { Json, RequestOptions, startStack, Stack } from './support/stack';

let stack: Stack;

const validClaim = {
  claimant: 'taliban',
  kind: 'control',
  actor: 'taliban',
  place: 'Rukha',
  province: 'Panjshir',
  observedAt: '2021-09-05T16:00:00Z',
  credibility: 4,
};
const report = (reportId: string, claims: unknown[] = [validClaim], extra: object = {}) => ({
  reportId,
  source: { outlet: 'Twitter', reliability: 'F' },
  claims,
  ...extra,
});

/** The setup report: accepted, so that targets and retractions have something to point at. */
let taliban: Json;

async function reportClaimsCount(): Promise<number> {
  const { rows } = await stack.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM report_claims',
  );
  return rows[0]!.n;
}

function expectProblem(response: Json, status: number): void {
  expect({ status: response.status, contentType: response.contentType }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(response.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
}

/** POST a report that must be refused with `status`, and check it left nothing behind. */
async function refused(
  body: unknown,
  status: number,
  options?: RequestOptions,
  path = '/v1/reports',
): Promise<Json> {
  const high = await stack.highWatermarks();
  const claims = await reportClaimsCount();
  const response = await stack.post(path, body, options);
  expectProblem(response, status);
  expect(await stack.highWatermarks()).toEqual(high);
  expect(await reportClaimsCount()).toBe(claims);
  return response.body;
}

beforeAll(async () => {
  stack = await startStack({ projector: false });
  const accepted = await stack.post('/v1/reports', report('setup-1'));
  expect(accepted.status).toBe(201);
  taliban = accepted.body;
});

afterAll(async () => {
  await stack?.stop();
});

describe('given an invalid report, then 400 and nothing recorded', () => {
  it.each([
    ['an unknown top-level field', report('bad-1', undefined, { priority: 'high' }), '(root)'],
    ['an unknown claim field', report('bad-2', [{ ...validClaim, confidence: 0.9 }]), 'claims.0'],
    [
      'a time that is not ISO 8601',
      report('bad-3', [{ ...validClaim, observedAt: '5 Sept 2021' }]),
      'claims.0.observedAt',
    ],
    [
      'a time without offset',
      report('bad-4', [{ ...validClaim, observedAt: '2021-09-05T16:00:00' }]),
      'claims.0.observedAt',
    ],
    ['credibility 0', report('bad-5', [{ ...validClaim, credibility: 0 }]), 'claims.0.credibility'],
    ['credibility 7', report('bad-6', [{ ...validClaim, credibility: 7 }]), 'claims.0.credibility'],
    [
      "reliability 'G'",
      { ...report('bad-7'), source: { outlet: 'Twitter', reliability: 'G' } },
      'source.reliability',
    ],
    ['an unknown kind', report('bad-8', [{ ...validClaim, kind: 'liberate' }]), 'claims.0.kind'],
    ['no claims', report('bad-9', []), 'claims'],
    [
      // Postgres cannot store it: accepted, it would reach the log and then fail (500, stuck projector).
      'a NUL character in a quote',
      report('bad-11', [{ ...validClaim, quote: 'nul \u0000 byte' }]),
      'claims.0.quote',
    ],
    ['a bad reportId', report('has spaces in it'), 'reportId'],
  ])('%s', async (_name, body, path) => {
    const problem = await refused(body, 400);
    expect(problem.title).toBe('Invalid request');
    expect(problem.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining(path) })]),
    );
  });

  it('the unknown field is named in the error', async () => {
    const problem = await refused(report('bad-10', undefined, { priority: 'high' }), 400);
    expect(problem.errors).toEqual([
      { path: '(root)', message: expect.stringContaining('priority') },
    ]);
  });

  it('invalid JSON', async () => {
    await refused(undefined, 400, { rawBody: '{"reportId": "bad-json", "claims": [' });
  });

  it('a body larger than 1 MiB → 413', async () => {
    const huge = JSON.stringify(
      report('too-big', [{ ...validClaim, quote: 'x'.repeat(1000) }], {
        padding: 'y'.repeat(1024 * 1024 + 10),
      }),
    );
    await refused(undefined, 413, { rawBody: huge });
  });
});

describe('given text Postgres cannot store, then 400 naming the field and nothing recorded', () => {
  const lone = 'a\ud800b'; // half of a surrogate pair: no UTF-8 text holds it
  const blanket = { claimant: 'nrf', kind: 'dispute', observedAt: '2021-09-05T17:00:00Z' };
  it.each([
    [
      'a lone surrogate in a quote',
      report('pg-1', [{ ...validClaim, quote: lone }]),
      'claims.0.quote',
    ],
    [
      'a lone low surrogate in a speaker',
      report('pg-2', [{ ...validClaim, speaker: 'x\udc00' }]),
      'claims.0.speaker',
    ],
    [
      'a lone surrogate in a place',
      report('pg-3', [{ ...validClaim, place: lone }]),
      'claims.0.place',
    ],
    [
      'a lone surrogate in a province',
      report('pg-4', [{ ...validClaim, province: lone }]),
      'claims.0.province',
    ],
    [
      'a lone surrogate in a blanket dispute’s place',
      report('pg-5', [{ ...blanket, target: { claimant: 'taliban', place: lone } }]),
      'claims.0.target',
    ],
    [
      'a lone surrogate in the outlet',
      { ...report('pg-6'), source: { outlet: lone } },
      'source.outlet',
    ],
    [
      'a lone surrogate in the url',
      { ...report('pg-7'), source: { outlet: 'Wire', url: `https://example.org/${lone}` } },
      'source.url',
    ],
    [
      'a NUL in the url',
      { ...report('pg-8'), source: { outlet: 'Wire', url: 'https://example.org/a\u0000b' } },
      'source.url',
    ],
    ['a lone surrogate in the report id', report(`pg-9${lone}`), 'reportId'],
  ])('%s', async (_name, body, path) => {
    const problem = await refused(body, 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining(path) })]),
    );
  });

  it('a well-formed pair (an emoji) is stored as it is', async () => {
    const response = await stack.post(
      '/v1/reports',
      report('pg-ok', [{ ...validClaim, quote: 'ok 🙂' }]),
    );
    expect(response.status).toBe(201);
  });

  it('a lone surrogate in a curator’s reason', async () => {
    const problem = await refused(
      { reason: lone },
      400,
      undefined,
      `/v1/claims/${taliban.claims[0].claimId}/retractions`,
    );
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'reason' })]);
  });
});

describe('given places or targets that cannot be resolved, then 422 and nothing recorded', () => {
  it('"Abshar" in Panjshir is unknown: 422 with the closest places as candidates', async () => {
    const problem = await refused(
      report('unresolvable', [{ ...validClaim, place: 'Abshar', province: 'Panjshir' }]),
      422,
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ index: 0, field: 'place', input: 'Abshar' }),
    ]);
    const candidates = problem.errors[0].candidates;
    expect(candidates.length).toBeGreaterThan(0);
    expect(candidates.every((c: Json) => c.province === 'AF08')).toBe(true);
  });

  it('"Kabul" is ambiguous (province and district): 422 with both as candidates', async () => {
    const { province: _hint, ...noHint } = validClaim;
    const problem = await refused(report('ambiguous', [{ ...noHint, place: 'Kabul' }]), 422);
    expect(problem.errors[0]).toMatchObject({ index: 0, field: 'place', input: 'Kabul' });
    expect(problem.errors[0].problem).toMatch(/ambiguous/);
    expect(problem.errors[0].candidates.map((c: Json) => c.pcode)).toEqual(
      expect.arrayContaining(['AF01', 'AF0101']),
    );
  });

  it('a target index out of range', async () => {
    const problem = await refused(
      report('bad-index', [
        validClaim,
        {
          claimant: 'nrf',
          kind: 'dispute',
          observedAt: '2021-09-05T17:00:00Z',
          target: { index: 5 },
        },
      ]),
      422,
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ index: 1, field: 'target.index', input: 5 }),
    ]);
  });

  it('a target claimId nobody accepted', async () => {
    const unknown = '6b3c6a3e-0a8e-5d7c-9b2f-0123456789ab';
    const problem = await refused(
      report('bad-target', [
        {
          claimant: 'nrf',
          kind: 'dispute',
          observedAt: '2021-09-05T17:00:00Z',
          target: { claimId: unknown },
        },
      ]),
      422,
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ index: 0, field: 'target.claimId', input: unknown }),
    ]);
  });

  it('retracting another claimant’s claim (by id, and by index)', async () => {
    const byId = await refused(
      report('bad-retract-1', [
        {
          claimant: 'nrf',
          kind: 'retract',
          observedAt: '2021-09-06T08:00:00Z',
          target: { claimId: taliban.claims[0].claimId },
        },
      ]),
      422,
    );
    expect(byId.errors[0]).toMatchObject({ index: 0, field: 'target' });
    expect(byId.errors[0].problem).toMatch(/own claims/);

    const byIndex = await refused(
      report('bad-retract-2', [
        validClaim,
        {
          claimant: 'nrf',
          kind: 'retract',
          observedAt: '2021-09-06T08:00:00Z',
          target: { index: 0 },
        },
      ]),
      422,
    );
    expect(byIndex.errors[0]).toMatchObject({ index: 1, field: 'target' });
  });
});

describe('given a missing, unknown or insufficient key', () => {
  it('no Authorization header → 401 with WWW-Authenticate', async () => {
    const response = await stack.get('/v1/districts/AF0802', { key: null });
    expectProblem(response, 401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await refused(report('no-key'), 401, { key: null });
  });

  it('an unknown key → 401', async () => {
    await refused(report('bad-key'), 401, { key: 'sk_not-a-key-we-ever-issued' });
    expectProblem(await stack.get('/v1/districts/AF0802', { key: 'sk_nope' }), 401);
    expectProblem(
      await stack.get('/v1/districts/AF0802', { key: null, headers: { authorization: 'Basic x' } }),
      401,
    );
  });

  it('a key without the scope → 403; with it → allowed', async () => {
    const created = await stack.post('/v1/keys', { name: 'reader', scopes: ['read'] });
    expect(created.status).toBe(201);
    const reader: string = created.body.key;
    expect(created.body).toMatchObject({ name: 'reader', scopes: ['read'] });

    const problem = await refused(report('read-only'), 403, { key: reader });
    expect(problem.detail).toContain('ingest');
    expect((await stack.get('/v1/districts/AF0802', { key: reader })).status).toBe(200);
    // A read key cannot create keys either.
    expectProblem(
      await stack.post('/v1/keys', { name: 'sneaky', scopes: ['admin'] }, { key: reader }),
      403,
    );

    const ingest = await stack.post('/v1/keys', { name: 'ingester', scopes: ['ingest'] });
    expectProblem(await stack.get('/v1/districts/AF0802', { key: ingest.body.key }), 403);
  });
});

describe('given bad queries', () => {
  it.each([
    ['limit=500 on /v1/districts', '/v1/districts?limit=500', 400],
    ['limit=0 on /v1/districts', '/v1/districts?limit=0', 400],
    ['an unknown query parameter', '/v1/districts?colour=red', 400],
    ['an unknown query parameter on a district', '/v1/districts/AF0802?verbose=1', 400],
    ['a bad status filter', '/v1/districts?status=occupied', 400],
    ['a cursor the API never gave out', '/v1/districts?cursor=bm9wZQ', 400],
    ['a bad asOf', '/v1/districts/AF0802?asOf=yesterday', 400],
    ['a bad axis', '/v1/districts/AF0802?axis=sideways', 400],
    ['an unknown district', '/v1/districts/AF0999', 404],
    ['a district that is not a p-code', '/v1/districts/Rukha', 404],
    ['a province p-code as district', '/v1/districts/AF08', 404],
    ['an unknown province', '/v1/provinces/AF99', 404],
    ['history of an unknown district', '/v1/districts/AF0999/history', 404],
    ['a claim id that is not a UUID', '/v1/claims/not-a-uuid', 404],
    ['an unknown claim', '/v1/claims/6b3c6a3e-0a8e-5d7c-9b2f-0123456789ab', 404],
    ['an unknown route', '/v1/nothing-here', 404],
  ])('%s (%s) → %d', async (_name, path, status) => {
    expectProblem(await stack.get(path), status);
  });
});

describe('given Kafka is down', () => {
  it('a valid report gets 503 with Retry-After within a bounded time, and nothing is recorded', async () => {
    const down = await stack.startApi({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_TIMEOUT_MS: '1500' });
    try {
      const high = await stack.highWatermarks();
      const claims = await reportClaimsCount();
      const started = Date.now();
      const response = await down.http.post('/v1/reports', report('while-kafka-is-down'));
      const elapsed = Date.now() - started;
      expectProblem(response, 503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(elapsed).toBeLessThan(10_000);
      expect(await stack.highWatermarks()).toEqual(high);
      expect(await reportClaimsCount()).toBe(claims);

      // The same report is accepted once Kafka answers (here: through the healthy API).
      const later = await stack.post('/v1/reports', report('while-kafka-is-down'));
      expect(later.status).toBe(201);
    } finally {
      await down.close();
    }
  });
});
