/**
 * Live updates (GET /v1/stream) and read-your-own-writes (`consistencyToken`, `?after=`), through
 * HTTP on a real stack (Kafka, Postgres, projector), with a second API instance as a replica.
 */
import { districtEvents, openStream, SseStream } from './support/sse';
import { ExtraApi, Json, startStack, Stack } from './support/stack';

let stack: Stack;
let replica: ExtraApi;
const streams: SseStream[] = [];
let counter = 0;

const control = (place: string, actor = 'taliban', day = 10) => ({
  reportId: `live-${++counter}-${Date.now()}`,
  source: { outlet: 'Wire', reliability: 'C' },
  claims: [
    {
      claimant: actor,
      kind: 'control',
      actor,
      place,
      observedAt: `2021-08-${String(day).padStart(2, '0')}T12:00:00Z`,
      credibility: 3,
    },
  ],
});

async function open(
  baseUrl = stack.baseUrl,
  options: Parameters<typeof openStream>[2] = {},
  key: string | null = stack.adminKey,
): Promise<SseStream> {
  const stream = await openStream(baseUrl, key, options);
  streams.push(stream);
  if (stream.status === 200) await stream.waitForComment('open at');
  return stream;
}

async function post(body: Json): Promise<Json> {
  const answer = await stack.post('/v1/reports', body);
  expect(answer.status).toBe(201);
  return answer.body;
}

/** The change rows of the live read model, in position order. */
async function changeRows(): Promise<{ position: number; district: string }[]> {
  const schema = await stack.readModelSchema();
  const { rows } = await stack.pool.query<{ position: string; district: string }>(
    `SELECT position, district FROM ${schema}.district_changes ORDER BY position`,
  );
  return rows.map((r) => ({ position: Number(r.position), district: r.district }));
}

beforeAll(async () => {
  stack = await startStack({
    env: {
      STREAM_HEARTBEAT_MS: '300',
      STREAM_MAX_PER_KEY: '6',
      CONSISTENCY_WAIT_MS: '2000',
    },
  });
  replica = await stack.startApi();
});

afterEach(() => {
  for (const stream of streams.splice(0)) stream.close();
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /v1/stream', () => {
  it('needs a key with the read scope, and refuses unknown parameters and positions', async () => {
    const anonymous = await open(stack.baseUrl, {}, null);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body!).status).toBe(401);
    const ingestOnly = await stack.post('/v1/keys', { name: 'ingest', scopes: ['ingest'] });
    expect((await open(stack.baseUrl, {}, ingestOnly.body.key)).status).toBe(403);
    expect((await open(stack.baseUrl, { query: { since: '1' } })).status).toBe(400);
    expect((await open(stack.baseUrl, { query: { province: 'Panjshir' } })).status).toBe(400);
    const badId = await open(stack.baseUrl, { headers: { 'last-event-id': 'yesterday' } });
    expect(badId.status).toBe(400);
    expect(JSON.parse(badId.body!).detail).toMatch(/Last-Event-ID/);
    // HEAD gets the headers, never an open stream.
    const head = await stack.request('HEAD', '/v1/stream');
    expect(head.status).toBe(200);
    expect(head.contentType).toMatch(/^text\/event-stream/);
  });

  it('is described in the OpenAPI document, as is `after` on reads', async () => {
    const { body } = await stack.get('/docs/openapi.json');
    const stream = body.paths['/v1/stream'].get;
    expect(stream.summary).toMatch(/Server-Sent Events/);
    expect(stream.parameters.map((p: Json) => p.name)).toEqual(
      expect.arrayContaining(['province', 'lastEventId', 'Last-Event-ID']),
    );
    const district = body.paths['/v1/districts/{pcode}'].get;
    expect(district.parameters.map((p: Json) => p.name)).toContain('after');
  });

  it('sends the district document after a report is accepted, and heartbeats', async () => {
    const stream = await open();
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const receipt = await post(control('AF0802'));
    await stream.waitFor((events) => districtEvents(events).some((e) => e.district === 'AF0802'));
    const event = districtEvents(stream.events).find((e) => e.district === 'AF0802')!;
    expect(event.id).toMatch(/^\d+:\d+$/);
    expect(event.position).toBe(event.id);
    expect(event.province).toBe('AF08');
    expect(event.document).toMatchObject({
      pcode: 'AF0802',
      status: 'claimed',
      controller: 'taliban',
      province: { pcode: 'AF08' },
    });
    expect(event.document.positions[0].claimIds).toContain(receipt.claims[0].claimId);
    // The same document as a read of the district.
    const read = await stack.get('/v1/districts/AF0802');
    expect({ ...event.document, asOf: undefined }).toEqual({ ...read.body, asOf: undefined });
    await stream.waitFor(() => stream.comments.filter((c) => c === 'heartbeat').length >= 2);
  });

  it('sends a claim about a whole province as a change of each of its districts', async () => {
    const stream = await open(stack.baseUrl, { query: { province: 'AF09' } });
    await post(control('AF09', 'nrf', 12));
    const districts = (
      await stack.get('/v1/districts', { query: { province: 'AF09', limit: 200 } })
    ).body.items.map((d: Json) => d.pcode) as string[];
    expect(districts.length).toBeGreaterThan(3);
    await stream.waitFor((events) => districtEvents(events).length >= districts.length);
    const received = districtEvents(stream.events);
    expect(received.map((e) => e.district).sort()).toEqual([...districts].sort());
    for (const e of received)
      expect(e.document).toMatchObject({ status: 'claimed', controller: 'nrf' });
  });

  it('filters by province', async () => {
    const all = await open();
    const kabul = await open(stack.baseUrl, { query: { province: 'AF01' } });
    await post(control('AF0802', 'nrf', 13));
    await all.waitFor((events) => districtEvents(events).some((e) => e.district === 'AF0802'));
    await post(control('AF0101', 'nrf', 13));
    await kabul.waitFor((events) => districtEvents(events).some((e) => e.district === 'AF0101'));
    await all.waitFor((events) => districtEvents(events).some((e) => e.district === 'AF0101'));
    expect(districtEvents(kabul.events).map((e) => e.province)).toEqual(['AF01']);
  });

  it('resumes after Last-Event-ID (or lastEventId) with every later change and none before', async () => {
    const first = await open();
    await post(control('AF0802', 'taliban', 14));
    await first.waitFor((events) => districtEvents(events).some((e) => e.district === 'AF0802'));
    const resumeFrom = districtEvents(first.events).at(-1)!.id;
    first.close();
    // Changes while the client is away, in several provinces and partitions.
    const places = ['AF0101', 'AF0907', 'AF0802', 'AF0908'];
    for (const [i, place] of places.entries()) await post(control(place, 'nrf', 15 + i));
    await stack.waitForProjection();
    const [version, after] = resumeFrom.split(':').map(Number) as [number, number];
    const expected = new Map<string, number>();
    for (const row of await changeRows())
      if (row.position > after) expected.set(row.district, row.position);
    expect([...expected.keys()].sort()).toEqual([...places].sort());
    const newest = Math.max(...expected.values());

    for (const options of [
      { headers: { 'last-event-id': resumeFrom } },
      { query: { lastEventId: resumeFrom } },
    ]) {
      const resumed = await open(replica.http.baseUrl, options);
      await resumed.waitFor((events) =>
        districtEvents(events).some((e) => e.id === `${version}:${newest}`),
      );
      const got = districtEvents(resumed.events);
      expect(new Map(got.map((e) => [e.district, Number(e.id.split(':')[1])]))).toEqual(expected);
      expect(got.every((e) => Number(e.id.split(':')[1]) > after)).toBe(true);
      expect(resumed.events.filter((e) => e.event === 'reset')).toEqual([]);
    }
  });

  it('delivers every change on each of two API replicas', async () => {
    const one = await open(stack.baseUrl);
    const two = await open(replica.http.baseUrl);
    const places = ['AF0101', 'AF0802', 'AF0907'];
    for (const [i, place] of places.entries()) {
      const api = i % 2 === 0 ? stack : replica.http;
      expect((await api.post('/v1/reports', control(place, 'taliban', 20 + i))).status).toBe(201);
    }
    for (const stream of [one, two])
      await stream.waitFor((events) =>
        places.every((p) =>
          districtEvents(events).some(
            (e) => e.district === p && e.document.controller === 'taliban',
          ),
        ),
      );
    expect(districtEvents(one.events).map((e) => e.id)).toEqual(
      districtEvents(two.events).map((e) => e.id),
    );
  });

  it('misses no change while two projectors apply partitions concurrently', async () => {
    const child = await stack.spawnProjector();
    try {
      const stream = await open();
      const opening = stream.comments.find((c) => c.startsWith('open at '))!;
      const [version, start] = opening.slice('open at '.length).split(':').map(Number) as [
        number,
        number,
      ];
      const places = ['AF0101', 'AF0102', 'AF0802', 'AF0805', 'AF0907', 'AF0908'];
      await Promise.all(
        Array.from({ length: 36 }, (_, i) =>
          post(control(places[i % places.length]!, i % 4 < 2 ? 'nrf' : 'taliban', 1 + (i % 28))),
        ),
      );
      await stack.waitForProjection();
      const rows = (await changeRows()).filter((r) => r.position > start);
      const lastOf = new Map(rows.map((r) => [r.district, r.position]));
      expect([...lastOf.keys()].sort()).toEqual([...places].sort());
      const newest = rows.at(-1)!.position;
      await stream.waitFor((events) =>
        districtEvents(events).some((e) => e.id === `${version}:${newest}`),
      );
      const got = districtEvents(stream.events);
      expect(new Map(got.map((e) => [e.district, Number(e.id.split(':')[1])]))).toEqual(lastOf);
      for (const place of places) {
        const last = got.filter((e) => e.district === place).at(-1)!;
        const { asOf: _read, ...now } = (await stack.get(`/v1/districts/${place}`)).body;
        const { asOf: _sent, ...sent } = last.document;
        expect(sent).toEqual(now);
      }
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it('keeps delivering when the LISTEN connections are cut, and listens again', async () => {
    const stream = await open();
    const cut = await stack.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'",
    );
    expect(cut.rowCount).toBeGreaterThanOrEqual(2); // this API and the replica
    await post(control('AF0805', 'nrf', 30));
    await stream.waitFor((events) => districtEvents(events).some((e) => e.district === 'AF0805'));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const listening = await stack.pool.query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'",
    );
    expect(listening.rowCount).toBeGreaterThanOrEqual(2);
    await post(control('AF0805', 'taliban', 31));
    await stream.waitFor((events) =>
      districtEvents(events).some(
        (e) =>
          e.district === 'AF0805' &&
          e.document.positions.some((p: Json) => p.claimant === 'taliban'),
      ),
    );
  });

  it('tells a client resuming from a position it cannot resume to reload', async () => {
    const future = await open(stack.baseUrl, { headers: { 'last-event-id': '1:999999999' } });
    const other = await open(stack.baseUrl, { headers: { 'last-event-id': '999:1' } });
    for (const [stream, reason] of [
      [future, 'unknown-position'],
      [other, 'read-model-switched'],
    ] as const) {
      await stream.waitFor((events) => events.some((e) => e.event === 'reset'));
      const reset = stream.events.find((e) => e.event === 'reset')!;
      expect(JSON.parse(reset.data)).toMatchObject({ reason, position: reset.id });
    }
  });

  it('limits the streams a key holds open on a process', async () => {
    const key = (await stack.post('/v1/keys', { name: 'reader', scopes: ['read'] })).body.key;
    for (let i = 0; i < 6; i++) expect((await open(stack.baseUrl, {}, key)).status).toBe(200);
    const refused = await open(stack.baseUrl, {}, key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await open(replica.http.baseUrl, {}, key)).status).toBe(200);
  });
});

describe('read your own writes (consistencyToken, ?after=)', () => {
  it('a read given the token of a 201 shows the report at once, even while the projector lags', async () => {
    await stack.stopProjector();
    try {
      const receipt = await post(control('AF0908', 'taliban', 25));
      expect(receipt.consistencyToken).toMatch(/^[A-Za-z0-9_-]+$/);
      const claimId = receipt.claims[0].claimId;
      const started = Date.now();
      const waiting = stack.get('/v1/districts/AF0908', {
        query: { after: receipt.consistencyToken },
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await stack.startProjector();
      const read = await waiting;
      expect(read.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      expect(read.body.positions.flatMap((p: Json) => p.claimIds)).toContain(claimId);
      // Right after a 201, with the projector running: already there.
      const next = await post(control('AF0908', 'nrf', 26));
      const now = await replica.http.get('/v1/districts/AF0908', {
        query: { after: next.consistencyToken },
      });
      expect(now.body.positions.flatMap((p: Json) => p.claimIds)).toContain(next.claims[0].claimId);
      for (const path of [
        '/v1/districts',
        '/v1/provinces/AF09',
        '/v1/actors/nrf',
        '/v1/districts/AF0908/history',
        '/v1/audit/districts/AF0908/explain',
      ])
        expect((await stack.get(path, { query: { after: next.consistencyToken } })).status).toBe(
          200,
        );
    } finally {
      if (!stack.projector) await stack.startProjector();
    }
  });

  it('an identical resubmission carries the same token once the report is projected', async () => {
    const body = control('AF0907', 'nrf', 27);
    const first = await post(body);
    await stack.waitForProjection();
    const again = await stack.post('/v1/reports', body);
    expect(again.status).toBe(200);
    expect(again.body.consistencyToken).toBe(first.consistencyToken);
  });

  it('a read waits at most CONSISTENCY_WAIT_MS, then answers 503 with Retry-After', async () => {
    await stack.stopProjector();
    try {
      const receipt = await post(control('AF0101', 'taliban', 28));
      const started = Date.now();
      const read = await stack.get('/v1/districts/AF0101', {
        query: { after: receipt.consistencyToken },
      });
      expect(read.status).toBe(503);
      expect(read.contentType).toMatch(/problem\+json/);
      expect(read.headers.get('retry-after')).toBe('1');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await stack.startProjector();
    }
  });

  it('a malformed token is a 400', async () => {
    for (const after of ['nonsense!', Buffer.from('0:x').toString('base64url'), ''])
      expect((await stack.get('/v1/districts/AF0802', { query: { after } })).status).toBe(400);
    const twice = await stack.get('/v1/districts/AF0802?after=MDox&after=MDox');
    expect(twice.status).toBe(400);
  });
});

describe('replays and the stream', () => {
  async function replay(body: Json): Promise<Json> {
    const started = await stack.post('/v1/replays', body);
    expect(started.status).toBe(202);
    for (let i = 0; i < 600; i++) {
      const { body: run } = await stack.get(`/v1/replays/${started.body.id}`);
      if (run.state !== 'running') return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('replay still running');
  }

  it('a scoped replay sends each district of its province', async () => {
    const stream = await open(stack.baseUrl, { query: { province: 'AF09' } });
    expect(await replay({ province: 'AF09' })).toMatchObject({ state: 'done' });
    const districts = (
      await stack.get('/v1/districts', { query: { province: 'AF09', limit: 200 } })
    ).body.items.map((d: Json) => d.pcode) as string[];
    await stream.waitFor((events) => districtEvents(events).length >= districts.length);
    expect(
      districtEvents(stream.events)
        .map((e) => e.district)
        .sort(),
    ).toEqual(districts.sort());
  });

  it('after a full replay goes live, an open stream says reset, then follows the new version', async () => {
    const stream = await open();
    const before = (await stack.get('/v1/districts/AF0802')).body;
    expect(await replay({})).toMatchObject({ state: 'done', checksum: { match: true } });
    await stream.waitFor((events) => events.some((e) => e.event === 'reset'));
    const reset = stream.events.find((e) => e.event === 'reset')!;
    expect(JSON.parse(reset.data)).toMatchObject({ reason: 'read-model-switched' });
    const [version] = reset.id!.split(':').map(Number);
    expect(`rm_${version}`).toBe(await stack.readModelSchema());
    expect((await stack.get('/v1/districts/AF0802')).body.status).toBe(before.status);
    await post(control('AF0802', 'nrf', 29));
    await stream.waitFor((events) =>
      districtEvents(events).some((e) => e.district === 'AF0802' && e.id.startsWith(`${version}:`)),
    );
    // A client resuming from a position of the retired version is told to reload too.
    const resumed = await open(replica.http.baseUrl, {
      headers: { 'last-event-id': `${version! - 1}:1` },
    });
    await resumed.waitFor((events) => events.some((e) => e.event === 'reset'));
    expect(JSON.parse(resumed.events.find((e) => e.event === 'reset')!.data).reason).toBe(
      'read-model-switched',
    );
  });
});
