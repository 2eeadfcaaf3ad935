/**
 * Audit reads and curator retraction, through HTTP on a real stack (API → Kafka → projector →
 * Postgres): the explanation of each step of DESIGN.md's worked example, the raw events of the
 * read model paged and exported as NDJSON, and a curator's retraction end to end.
 */
import { CURRENT_SCHEMA } from '@sitrep/domain';
import { AuditEventsReader } from '../apps/api/src/audit/audit-events.reader';
import { Json, startStack, Stack } from './support/stack';
import {
  ANDARAB,
  BAGHLAN,
  DEH_SALAH,
  DISTRICTS,
  PUL_E_HISAR,
  workedExample,
} from './support/worked-example';

const NDJSON = 'application/x-ndjson';

const { r1, r2, r3, r4 } = workedExample('audit');

/** [status rule, controller rule, verification rule, claimant of the controller's position]. */
type Rules = readonly [string, string, string, string | null];
const NONE: Rules = ['unclaimed/no-positions', 'no-control-position', 'no-controller', null];
const CLAIMED = (by: string): Rules => [
  'claimed/one-controller',
  'claimed-actor',
  'no-corroboration',
  by,
];
const TWO = (by: string, verification = 'no-corroboration'): Rules => [
  'contested/several-controllers',
  'latest-undisputed-control',
  verification,
  by,
];
const ALL_DISPUTED = (by: string): Rules => [
  'contested/every-control-disputed',
  'latest-control',
  'no-corroboration',
  by,
];

/** DESIGN.md's worked example: the deciding rules before any report, then after r1..r4. */
const STEPS: readonly Record<string, Rules>[] = [
  { [ANDARAB]: NONE, [DEH_SALAH]: NONE, [PUL_E_HISAR]: NONE },
  { [ANDARAB]: NONE, [DEH_SALAH]: CLAIMED('nrf'), [PUL_E_HISAR]: CLAIMED('nrf') },
  { [ANDARAB]: CLAIMED('taliban'), [DEH_SALAH]: TWO('taliban'), [PUL_E_HISAR]: TWO('taliban') },
  {
    [ANDARAB]: ALL_DISPUTED('taliban'),
    [DEH_SALAH]: TWO('nrf'),
    [PUL_E_HISAR]: TWO('nrf'),
  },
  {
    [ANDARAB]: ALL_DISPUTED('taliban'),
    [DEH_SALAH]: TWO('nrf'),
    [PUL_E_HISAR]: TWO('nrf', 'full-corroboration'),
  },
];

let stack: Stack;
const receipts: Json[] = [];
const keys: Record<'read' | 'audit' | 'ingest' | 'desk', string> = {
  read: '',
  audit: '',
  ingest: '',
  desk: '',
};
const claimOf = (report: number, index = 0): string => receipts[report]!.claims[index].claimId;

async function explain(pcode: string, query?: Record<string, string>): Promise<Json> {
  const response = await stack.get(`/v1/audit/districts/${pcode}/explain`, { query });
  expect(response.status).toBe(200);
  return response.body;
}

const rulesOf = (x: Json): Rules => [
  x.decidedBy.status.rule,
  x.decidedBy.controller.rule,
  x.decidedBy.verification.rule,
  x.decidedBy.controller.position?.claimant ?? null,
];

/** The explanation of each district says what DESIGN.md says, and agrees with the district read. */
async function expectStep(step: number, query?: Record<string, string>): Promise<void> {
  const actual: Record<string, Rules> = {};
  for (const pcode of DISTRICTS) {
    const x = await explain(pcode, query);
    actual[pcode] = rulesOf(x);
    const district = (await stack.get(`/v1/districts/${pcode}`, { query })).body;
    expect([x.status, x.controller, x.verification]).toEqual([
      district.status,
      district.controller,
      district.verification,
    ]);
    expect(x.positions.map((p: Json) => [p.claimant, p.run.map((c: Json) => c.claimId)])).toEqual(
      district.positions.map((p: Json) => [p.claimant, p.claimIds]),
    );
    for (const part of ['status', 'controller', 'verification'])
      expect(x.decidedBy[part].text.length).toBeGreaterThan(20);
  }
  expect(actual).toEqual(STEPS[step]);
}

async function submit(report: unknown, status = 201): Promise<Json> {
  const response = await stack.post('/v1/reports', report, { key: keys.ingest });
  expect(response.status).toBe(status);
  return response.body;
}

async function newKey(name: string, scopes: string[]): Promise<string> {
  const response = await stack.post('/v1/keys', { name, scopes });
  expect(response.status).toBe(201);
  return response.body.key;
}

/** Every page of GET /v1/audit/events, following nextCursor. */
async function allPages(query: Record<string, string>): Promise<Json[][]> {
  const pages: Json[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const response = await stack.get('/v1/audit/events', { query: { ...query, cursor } });
    expect(response.status).toBe(200);
    pages.push(response.body.items);
    cursor = response.body.nextCursor ?? undefined;
    if (!cursor) return pages;
  }
  throw new Error('pagination does not end');
}

/** An NDJSON export, read as text (the stack's client parses JSON only). */
async function exportEvents(
  query: Record<string, string> = {},
  accept = NDJSON,
): Promise<{ status: number; contentType: string; headers: Headers; text: string }> {
  const url = new URL('/v1/audit/events', stack.baseUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${stack.adminKey}`, accept },
    signal: AbortSignal.timeout(60_000),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    headers: response.headers,
    text: await response.text(),
  };
}

/** (partition, offset) of every event of the live read model, in log order, straight from SQL. */
async function logPositions(province?: string): Promise<string[]> {
  const schema = await stack.readModelSchema();
  const { rows } = await stack.pool.query<{ partition: number; log_offset: string }>(
    `SELECT partition, log_offset FROM ${schema}.events
      WHERE ($1::text IS NULL OR province = $1) ORDER BY partition, log_offset`,
    [province ?? null],
  );
  return rows.map((r) => `${r.partition}:${r.log_offset}`);
}

beforeAll(async () => {
  stack = await startStack();
  keys.read = await newKey('reader', ['read']);
  keys.audit = await newKey('auditor', ['audit']);
  keys.ingest = await newKey('desk ingest', ['ingest', 'read']);
  keys.desk = await newKey('verification desk', ['admin']);
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /v1/audit/districts/{pcode}/explain, step by step through the worked example', () => {
  it('given no report, then every district is unclaimed for want of positions', async () => {
    await expectStep(0);
    const x = await explain(ANDARAB);
    expect(x).toMatchObject({
      pcode: ANDARAB,
      name: 'Andarab',
      province: { pcode: BAGHLAN, name: 'Baghlan' },
      status: 'unclaimed',
      controller: null,
      verification: 'none',
      positions: [],
      retractions: [],
      notCounted: [],
      axis: 'recorded',
    });
  });

  it('step 1: r1 → AF0908 and AF0912 claimed by nrf, each through its own district-level claim', async () => {
    receipts.push(await submit(r1));
    await stack.waitForProjection();
    await expectStep(1);
    const x = await explain(DEH_SALAH);
    expect(x.positions).toEqual([
      {
        claimant: 'nrf',
        kind: 'control',
        actor: 'nrf',
        observedAt: '2021-08-20T06:00:00.000Z',
        disputed: false,
        run: [
          {
            claimId: claimOf(0, 0),
            type: 'claim.asserted',
            kind: 'control',
            claimant: 'nrf',
            reportId: 'audit-r1',
            index: 0,
            place: { pcode: DEH_SALAH, level: 'district', name: 'Deh Salah' },
            observedAt: '2021-08-20T06:00:00.000Z',
            recordedAt: receipts[0].recordedAt,
            submittedBy: { keyId: expect.any(String), name: 'desk ingest' },
            logPosition: {
              topic: stack.topics.claims,
              partition: expect.any(Number),
              offset: expect.any(Number),
            },
          },
        ],
        disputes: [],
        corroborations: [],
      },
    ]);
    expect(x.decidedBy).toEqual({
      status: { rule: 'claimed/one-controller', section: 4, text: expect.any(String) },
      controller: {
        rule: 'claimed-actor',
        section: 5,
        text: expect.any(String),
        position: { claimant: 'nrf', claimId: claimOf(0, 0) },
      },
      verification: {
        rule: 'no-corroboration',
        section: 6,
        text: expect.any(String),
        corroboration: null,
      },
    });
    expect(x.narrative.join('\n')).toContain('(claimed/one-controller)');
  });

  it('step 2: r2 → AF0907 claimed by taliban through its province claim; the others contested, taliban latest', async () => {
    receipts.push(await submit(r2));
    await stack.waitForProjection();
    await expectStep(2);
    const x = await explain(ANDARAB);
    expect(x.positions[0].run).toEqual([
      expect.objectContaining({
        claimId: claimOf(1),
        place: { pcode: BAGHLAN, level: 'province', name: 'Baghlan' },
      }),
    ]);
    const deh = await explain(DEH_SALAH);
    expect(deh.decidedBy.controller.position).toEqual({ claimant: 'taliban', claimId: claimOf(1) });
  });

  it('step 3: r3 → the blanket dispute reaches taliban’s claim: AF0907 every control disputed, the others nrf', async () => {
    receipts.push(await submit(r3));
    await stack.waitForProjection();
    await expectStep(3);
    for (const pcode of DISTRICTS) {
      const taliban = (await explain(pcode)).positions.find((p: Json) => p.claimant === 'taliban');
      expect(taliban.disputed).toBe(true);
      expect(taliban.disputes).toEqual([
        expect.objectContaining({
          claimId: claimOf(2),
          claimant: 'nrf',
          kind: 'dispute',
          blanket: true,
          targetClaimId: claimOf(1),
          reaches: [claimOf(1)],
          logPosition: expect.objectContaining({ topic: stack.topics.claims }),
        }),
      ]);
    }
    expect((await explain(ANDARAB)).decidedBy.controller.position).toEqual({
      claimant: 'taliban',
      claimId: claimOf(1),
    });
  });

  it('step 4: r4 → AF0912 verified by the full corroboration of nrf’s claim', async () => {
    receipts.push(await submit(r4(claimOf(0, 1))));
    await stack.waitForProjection();
    await expectStep(4);
    const x = await explain(PUL_E_HISAR);
    expect(x.decidedBy.verification).toMatchObject({
      rule: 'full-corroboration',
      corroboration: {
        claimId: claimOf(3),
        claimant: 'local-elders',
        degree: 'full',
        targetClaimId: claimOf(0, 1),
      },
    });
    const nrf = x.positions.find((p: Json) => p.claimant === 'nrf');
    expect(nrf.corroborations).toEqual([
      expect.objectContaining({ claimId: claimOf(3), degree: 'full', reaches: [claimOf(0, 1)] }),
    ]);
  });

  it('step 5: r2 again unchanged → 200 and the same explanations', async () => {
    const before = await Promise.all(DISTRICTS.map((d) => explain(d)));
    await submit(r2, 200);
    await stack.waitForProjection();
    const after = await Promise.all(DISTRICTS.map((d) => explain(d)));
    const strip = (x: Json) => ({ ...x, asOf: undefined });
    expect(after.map(strip)).toEqual(before.map(strip));
  });

  it('as of past moments, on both axes, it explains the step of then', async () => {
    for (let step = 1; step <= 4; step++)
      await expectStep(step, { asOf: receipts[step - 1].recordedAt, axis: 'recorded' });
    await expectStep(2, { asOf: '2021-08-22T12:00:00Z', axis: 'observed' });
    await expectStep(3, { asOf: '2021-08-22T20:00:00Z', axis: 'observed' });
    expect(
      await explain(ANDARAB, { asOf: '2021-08-22T12:00:00Z', axis: 'observed' }),
    ).toMatchObject({ asOf: '2021-08-22T12:00:00Z', axis: 'observed' });
  });

  it('answers 404 for an unknown district, 400 for unknown or bad parameters, 401/403 without the audit scope', async () => {
    expect((await stack.get('/v1/audit/districts/AF0999/explain')).status).toBe(404);
    expect((await stack.get('/v1/audit/districts/kabul/explain')).status).toBe(404);
    const unknown = await stack.get(`/v1/audit/districts/${ANDARAB}/explain`, {
      query: { at: 'now' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.contentType).toMatch(/^application\/problem\+json/);
    expect(unknown.body.errors).toEqual([{ path: '(root)', message: 'unknown field(s): at' }]);
    const badAxis = await stack.get(`/v1/audit/districts/${ANDARAB}/explain`, {
      query: { axis: 'sideways' },
    });
    expect(badAxis.status).toBe(400);

    const path = `/v1/audit/districts/${ANDARAB}/explain`;
    const forbidden = await stack.get(path, { key: keys.read });
    expect(forbidden.status).toBe(403);
    expect(forbidden.contentType).toMatch(/^application\/problem\+json/);
    expect((await stack.get(path, { key: null })).status).toBe(401);
    expect((await stack.get(path, { key: keys.audit })).status).toBe(200);
  });
});

describe('GET /v1/audit/events', () => {
  const BULK_REPORTS = 26;
  const CLAIMS_PER_REPORT = 200;

  beforeAll(async () => {
    // 5,200 claims over every province but Baghlan, so exports span several fetch batches of
    // 5,000 and every partition; Baghlan keeps the worked example.
    const provinces = Array.from(
      { length: 34 },
      (_, i) => `AF${String(i + 1).padStart(2, '0')}`,
    ).filter((p) => p !== BAGHLAN);
    const bulk = (r: number) => ({
      reportId: `bulk-${r}`,
      source: { outlet: 'Wire roundup', reliability: 'C' },
      claims: Array.from({ length: CLAIMS_PER_REPORT }, (_, i) => ({
        claimant: i % 2 === 0 ? 'taliban' : 'nrf',
        kind: 'presence',
        actor: i % 2 === 0 ? 'taliban' : 'nrf',
        place: provinces[(r * CLAIMS_PER_REPORT + i) % provinces.length],
        observedAt: new Date(
          Date.UTC(2021, 7, 1) + (r * CLAIMS_PER_REPORT + i) * 60_000,
        ).toISOString(),
      })),
    });
    // A few at a time: the API writes reports that arrive together in one Kafka transaction, and
    // 26 reports of 200 claims in one would exceed the broker's maximum message batch size.
    for (let r = 0; r < BULK_REPORTS; r += 4) {
      const group = Array.from({ length: Math.min(4, BULK_REPORTS - r) }, (_, i) => r + i);
      await Promise.all(group.map((i) => submit(bulk(i))));
    }
    await stack.waitForProjection(120_000);
  });

  it('pages through every event of the read model in log order, with no gaps or duplicates', async () => {
    const pages = await allPages({ limit: '1000' });
    const items = pages.flat();
    const expected = await logPositions();
    expect(expected.length).toBeGreaterThan(5000);
    expect(pages.slice(0, -1).every((p) => p.length === 1000)).toBe(true);
    expect(items.map((e: Json) => `${e.partition}:${e.offset}`)).toEqual(expected);
    expect(new Set(items.map((e: Json) => e.claimId)).size).toBe(items.length);
    expect(new Set(items.map((e: Json) => e.partition)).size).toBeGreaterThan(1);
  });

  it('pages one province by two, each item with topic, partition, offset, both clocks and the raw event', async () => {
    const pages = await allPages({ province: BAGHLAN, limit: '2' });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const items = pages.flat();
    expect(items.map((e: Json) => e.claimId)).toEqual(
      receipts.flatMap((r) => r.claims.map((c: Json) => c.claimId)),
    );
    expect(items[1]).toEqual({
      topic: stack.topics.claims,
      partition: expect.any(Number),
      offset: expect.any(Number),
      claimId: claimOf(0, 1),
      type: 'claim.asserted',
      province: BAGHLAN,
      observedAt: '2021-08-20T06:00:00.000Z',
      recordedAt: receipts[0].recordedAt,
      submittedBy: { keyId: expect.any(String), name: 'desk ingest' },
      event: expect.objectContaining({
        id: claimOf(0, 1),
        reportId: 'audit-r1',
        index: 1,
        schema: CURRENT_SCHEMA['claim.asserted'],
        data: expect.objectContaining({ kind: 'control', actor: 'nrf' }),
      }),
    });
    expect(items.map((e: Json) => `${e.partition}:${e.offset}`)).toEqual(
      await logPositions(BAGHLAN),
    );
  });

  it('filters on the axis clock: from inclusive, to exclusive', async () => {
    const recorded = (
      await allPages({
        province: BAGHLAN,
        from: receipts[1].recordedAt,
        to: receipts[3].recordedAt,
      })
    ).flat();
    expect(recorded.map((e: Json) => e.claimId)).toEqual([claimOf(1), claimOf(2)]);

    const observed = (
      await allPages({
        province: BAGHLAN,
        axis: 'observed',
        from: '2021-08-22T00:00:00Z',
        to: '2021-08-23T00:00:00Z',
      })
    ).flat();
    expect(observed.map((e: Json) => e.claimId)).toEqual([claimOf(1), claimOf(2)]);

    const page = await stack.get('/v1/audit/events', {
      query: { province: 'af09', axis: 'observed', from: '2021-08-23T12:00:00Z' },
    });
    expect(page.body).toMatchObject({
      items: [expect.objectContaining({ claimId: claimOf(3) })],
      nextCursor: null,
      filter: { province: BAGHLAN, from: '2021-08-23T12:00:00.000Z', to: null, axis: 'observed' },
    });
  });

  it('rejects bad queries with a 400 problem: limit out of 1..1000, unknown parameters, bad cursor, from after to', async () => {
    const bad = async (query: Record<string, string>, path: string) => {
      const response = await stack.get('/v1/audit/events', { query });
      expect(response.status).toBe(400);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((e: Json) => e.path)).toContain(path);
    };
    await bad({ limit: '1001' }, 'limit');
    await bad({ limit: '0' }, 'limit');
    await bad({ limit: 'ten' }, 'limit');
    await bad({ offset: '5' }, '(root)');
    await bad({ cursor: 'bm90LWEtY3Vyc29y' }, 'cursor');
    await bad({ from: 'yesterday' }, 'from');
    await bad({ from: '2021-08-23T00:00:00Z', to: '2021-08-22T00:00:00Z' }, 'to');
    await bad({ province: 'AF99' }, 'province');
    await bad({ province: 'Baghlan' }, 'province');
    const first = await stack.get('/v1/audit/events', { query: { limit: '1000' } });
    expect(first.body.items).toHaveLength(1000);
    expect(first.body.nextCursor).toEqual(expect.any(String));
  });

  it('exports every matching event as NDJSON, streamed, one JSON object per line', async () => {
    const started = Date.now();
    const all = await exportEvents();
    expect(all.status).toBe(200);
    expect(all.contentType).toBe(NDJSON);
    expect(all.headers.get('content-length')).toBeNull(); // streamed in chunks
    expect(all.text.endsWith('\n')).toBe(true);
    const lines = all.text.trimEnd().split('\n');
    const expected = await logPositions();
    expect(lines).toHaveLength(expected.length);
    const parsed = lines.map((line) => JSON.parse(line));
    for (const e of parsed) {
      expect(e).toEqual(
        expect.objectContaining({
          topic: stack.topics.claims,
          partition: expect.any(Number),
          offset: expect.any(Number),
          observedAt: expect.any(String),
          recordedAt: expect.any(String),
        }),
      );
      expect(e.event.id).toBe(e.claimId);
    }
    expect(parsed.map((e) => `${e.partition}:${e.offset}`)).toEqual(expected);
    expect(Date.now() - started).toBeLessThan(30_000);

    const baghlan = await exportEvents({
      province: BAGHLAN,
      axis: 'observed',
      to: '2021-08-23T00:00:00Z',
    });
    expect(
      baghlan.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).claimId),
    ).toEqual([claimOf(0, 0), claimOf(0, 1), claimOf(1), claimOf(2)]);

    const none = await exportEvents({
      province: BAGHLAN,
      from: '2000-01-01T00:00:00Z',
      to: '2000-01-02T00:00:00Z',
    });
    expect(none.status).toBe(200);
    expect(none.text).toBe('');
  });

  it('gives its database connection back however an export ends, even mid-way', async () => {
    const database = new URL(stack.config.databaseUrl).pathname.slice(1);
    const inTransaction = async () =>
      (
        await stack.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = $1 AND state LIKE 'idle in transaction%' AND query LIKE '%audit_export%'`,
          [database],
        )
      ).rows[0]!.n;
    const settled = async () => {
      const deadline = Date.now() + 5000;
      let open = await inTransaction();
      while (open > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        open = await inTransaction();
      }
      return open;
    };

    // An export stream left after its first batch holds its snapshot open; destroying it (as
    // Fastify does when the client goes away) ends the transaction and frees the connection.
    const stream = await stack.api.get(AuditEventsReader).export({ axis: 'recorded' });
    const first: Buffer = await new Promise((resolve) => stream.once('data', resolve));
    stream.pause();
    expect(first.toString('utf8').split('\n')).toHaveLength(5000 + 1);
    expect(await inTransaction()).toBe(1);
    stream.destroy();
    expect(await settled()).toBe(0);

    // Through HTTP: a client that aborts after the first bytes.
    const controller = new AbortController();
    const response = await fetch(new URL('/v1/audit/events', stack.baseUrl), {
      headers: { authorization: `Bearer ${stack.adminKey}`, accept: NDJSON },
      signal: controller.signal,
    });
    await response.body!.getReader().read();
    controller.abort();
    expect(await settled()).toBe(0);
    expect((await exportEvents({ province: BAGHLAN })).text.trimEnd().split('\n')).toHaveLength(5);
  });

  it('takes NDJSON only when asked (Accept), and refuses paging parameters on an export', async () => {
    const json = await exportEvents({ province: BAGHLAN }, 'application/json');
    expect(json.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(json.text).items).toHaveLength(5);
    const preferred = await exportEvents(
      { province: BAGHLAN },
      'application/json;q=0.5, application/x-ndjson',
    );
    expect(preferred.contentType).toBe(NDJSON);

    const paged = await exportEvents({ limit: '10' });
    expect(paged.status).toBe(400);
    expect(paged.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(paged.text).errors).toEqual([
      { path: 'limit', message: 'not accepted with Accept: application/x-ndjson' },
    ]);
  });

  it('answers 403 to a key with only the read scope, 200 to an audit key', async () => {
    const forbidden = await stack.get('/v1/audit/events', { key: keys.read });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toContain('"audit"');
    const audit = await stack.get('/v1/audit/events', {
      key: keys.audit,
      query: { province: BAGHLAN },
    });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(5);
  });
});

describe('POST /v1/claims/{claimId}/retractions (curator retraction)', () => {
  const REASON = 'The statement was about Baghlan-e-Jadid only; misattributed to the province.';
  let retraction: Json;

  it('refuses keys without the admin scope (403) and no key (401)', async () => {
    const path = `/v1/claims/${claimOf(1)}/retractions`;
    for (const key of [keys.audit, keys.ingest, keys.read]) {
      const response = await stack.post(path, { reason: REASON }, { key });
      expect(response.status).toBe(403);
      expect(response.body.detail).toContain('"admin"');
    }
    expect((await stack.post(path, { reason: REASON }, { key: null })).status).toBe(401);
  });

  it('validates the body strictly: 400 for a missing, empty, overlong reason or unknown fields', async () => {
    const path = `/v1/claims/${claimOf(1)}/retractions`;
    for (const body of [
      {},
      { reason: '' },
      { reason: '   ' },
      { reason: 'x'.repeat(1001) },
      { reason: 'nul \u0000 byte' },
      { reason: 'ok', by: 'me' },
    ]) {
      const response = await stack.post(path, body, { key: keys.desk });
      expect(response.status).toBe(400);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
    }
    expect((await stack.highWatermarks()).size).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown claim', async () => {
    const unknown = await stack.post(
      '/v1/claims/6f1c0c47-55a5-4e4f-8f7e-1f1f0b3c2d10/retractions',
      { reason: REASON },
      { key: keys.desk },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toMatch(/^application\/problem\+json/);
    expect((await stack.post('/v1/claims/not-a-uuid/retractions', { reason: REASON })).status).toBe(
      404,
    );
  });

  it('given taliban’s province claim r2 is retracted by a curator, then 201 with the retraction', async () => {
    const response = await stack.post(
      `/v1/claims/${claimOf(1)}/retractions`,
      { reason: `  ${REASON} ` },
      { key: keys.desk },
    );
    expect(response.status).toBe(201);
    retraction = response.body;
    expect(retraction).toEqual({
      claimId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      reportId: `curator-retraction:${claimOf(1)}`,
      target: {
        claimId: claimOf(1),
        reportId: 'audit-r2',
        claimant: 'taliban',
        kind: 'control',
        place: BAGHLAN,
      },
      reason: REASON,
      curator: 'verification desk',
      recordedAt: expect.any(String),
    });
    expect(Date.parse(retraction.recordedAt)).toBeGreaterThan(Date.parse(receipts[3].recordedAt));
  });

  it('then after projection the claim no longer counts: AF0907 unclaimed, AF0908 and AF0912 claimed by nrf', async () => {
    await stack.waitForProjection();
    const summary = async (pcode: string) => {
      const d = (await stack.get(`/v1/districts/${pcode}`)).body;
      return [d.status, d.controller, d.verification];
    };
    expect(await summary(ANDARAB)).toEqual(['unclaimed', null, 'none']);
    expect(await summary(DEH_SALAH)).toEqual(['claimed', 'nrf', 'none']);
    expect(await summary(PUL_E_HISAR)).toEqual(['claimed', 'nrf', 'corroborated']);
    const province = (await stack.get(`/v1/provinces/${BAGHLAN}`)).body;
    expect(province.byStatus).toEqual({ claimed: 2, contested: 0, unclaimed: 13 });
  });

  it('then the retraction is on the topic in the target’s partition, observed when the target was', async () => {
    const event = (await stack.get(`/v1/claims/${retraction.claimId}`)).body;
    const target = (await stack.get(`/v1/claims/${claimOf(1)}`)).body;
    expect(event).toMatchObject({
      type: 'claim.curator-retracted',
      kind: 'curator-retract',
      reportId: `curator-retraction:${claimOf(1)}`,
      index: 0,
      claimant: 'curator',
      place: { pcode: BAGHLAN },
      observedAt: target.observedAt,
      recordedAt: retraction.recordedAt,
      data: { target: { claimId: claimOf(1) }, reason: REASON, curator: 'verification desk' },
    });
    expect(event.logPosition.partition).toBe(target.logPosition.partition);
    expect(event.logPosition.offset).toBeGreaterThan(target.logPosition.offset);
  });

  it('then GET /v1/claims/{id} shows the claim retracted, with the retraction in its evidence', async () => {
    const claim = (await stack.get(`/v1/claims/${claimOf(1)}`)).body;
    expect(claim.retracted).toBe(true);
    expect(claim.evidence.retractions).toEqual([
      expect.objectContaining({
        claimId: retraction.claimId,
        kind: 'curator-retract',
        claimant: 'curator',
        reason: REASON,
      }),
    ]);
    // As recorded before the retraction, it was not retracted yet.
    const before = await stack.get(`/v1/claims/${claimOf(1)}`, {
      query: { asOf: receipts[3].recordedAt },
    });
    expect(before.body.retracted).toBe(false);
  });

  it('then the history keeps every change, the last one caused by the retraction', async () => {
    const changes = (await stack.get(`/v1/districts/${ANDARAB}/history`)).body.changes;
    expect(changes.map((c: Json) => [c.status, c.controller, c.causedBy.claimId])).toEqual([
      ['claimed', 'taliban', claimOf(1)],
      ['contested', 'taliban', claimOf(2)],
      ['unclaimed', null, retraction.claimId],
    ]);
    expect(changes[2].at).toBe(retraction.recordedAt);
    const deh = (await stack.get(`/v1/districts/${DEH_SALAH}/history`)).body.changes;
    expect(deh.map((c: Json) => [c.status, c.controller, c.causedBy.claimId])).toEqual([
      ['claimed', 'nrf', claimOf(0, 0)],
      ['contested', 'taliban', claimOf(1)],
      ['contested', 'nrf', claimOf(2)],
      ['claimed', 'nrf', retraction.claimId],
    ]);
  });

  it('then the claims that do not count are placed a page at a time, following nextCursor', async () => {
    const whole = await explain(ANDARAB);
    expect(whole.nextCursor).toBeNull();
    const placed: Json[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const { status, body } = await stack.get(`/v1/audit/districts/${ANDARAB}/explain`, {
        query: { limit: 1, cursor },
      });
      expect(status).toBe(200);
      expect(rulesOf(body)).toEqual(rulesOf(whole));
      placed.push(...body.notCounted);
      cursor = body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(placed.map((n) => n.claimId)).toEqual(whole.notCounted.map((n: Json) => n.claimId));
    const bad = await stack.get(`/v1/audit/districts/${ANDARAB}/explain`, {
      query: { cursor: 'bm90LWEtY3Vyc29y' },
    });
    expect(bad.status).toBe(400);
  });

  it('then the explanation names the retraction, its curator and reason, and why r3 reaches nothing', async () => {
    const x = await explain(ANDARAB);
    expect(rulesOf(x)).toEqual(NONE);
    expect(x.retractions).toEqual([
      expect.objectContaining({
        claimId: retraction.claimId,
        by: 'curator',
        curator: 'verification desk',
        reason: REASON,
        targetClaimId: claimOf(1),
      }),
    ]);
    expect(x.notCounted).toEqual([
      expect.objectContaining({
        claimId: claimOf(1),
        reason: 'retracted',
        retractedBy: [expect.objectContaining({ claimId: retraction.claimId, by: 'curator' })],
      }),
      expect.objectContaining({ claimId: claimOf(2), reason: 'reaches-nothing' }),
    ]);
    // As recorded before the retraction: the derivation of step 4; on the observed axis a
    // withdrawn claim never reappears in the past.
    expect(rulesOf(await explain(ANDARAB, { asOf: receipts[3].recordedAt }))).toEqual(
      STEPS[4]![ANDARAB],
    );
    expect(
      rulesOf(await explain(ANDARAB, { asOf: '2021-08-22T12:00:00Z', axis: 'observed' })),
    ).toEqual(NONE);
  });

  it('then posting the same retraction again is 200 with the same answer, and nothing is written', async () => {
    const before = await stack.highWatermarks();
    const again = await stack.post(
      `/v1/claims/${claimOf(1)}/retractions`,
      { reason: REASON },
      { key: stack.adminKey },
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual(retraction);
    expect(await stack.highWatermarks()).toEqual(before);
  });

  it('then another reason for the same claim is a 409 naming the retraction', async () => {
    const before = await stack.highWatermarks();
    const other = await stack.post(
      `/v1/claims/${claimOf(1)}/retractions`,
      { reason: 'Duplicate of another report.' },
      { key: keys.desk },
    );
    expect(other.status).toBe(409);
    expect(other.contentType).toMatch(/^application\/problem\+json/);
    expect(other.body).toMatchObject({
      status: 409,
      retraction: {
        claimId: retraction.claimId,
        recordedAt: retraction.recordedAt,
        reason: REASON,
        curator: 'verification desk',
      },
    });
    expect(await stack.highWatermarks()).toEqual(before);
  });

  it('then the curator’s retraction itself cannot be retracted (422)', async () => {
    const response = await stack.post(
      `/v1/claims/${retraction.claimId}/retractions`,
      { reason: 'undo' },
      { key: keys.desk },
    );
    expect(response.status).toBe(422);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
  });

  it('then the audit events list the retraction with both clocks', async () => {
    const items = (await allPages({ province: BAGHLAN })).flat();
    expect(items.at(-1)).toMatchObject({
      claimId: retraction.claimId,
      type: 'claim.curator-retracted',
      recordedAt: retraction.recordedAt,
      observedAt: '2021-08-22T08:00:00.000Z',
    });
  });
});
