/**
 * Replays against the real broker and database: rebuilt while reports keep arriving and queries
 * keep being served, killed midway, over a log of mixed schema versions, and scoped to a province.
 */
import { CURRENT_SCHEMA } from '@sitrep/domain';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Json, Stack, startStack } from '../../../test/support/stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PLACES = ['AF0805', 'AF0802', 'AF0907', 'AF0908', 'AF09', 'AF0101', 'AF08', 'AF1001'];
const CLAIMANTS = ['taliban', 'nrf', 'local-elders', 'aid-group'];

/** A report of two claims: an assertion and a dispute or corroboration of it. */
function report(id: string, n: number): Json {
  const claimant = CLAIMANTS[n % CLAIMANTS.length]!;
  const other = CLAIMANTS[(n + 1) % CLAIMANTS.length]!;
  const day = String(1 + (n % 27)).padStart(2, '0');
  return {
    reportId: id,
    source: { outlet: 'Test wire', reliability: 'C' },
    claims: [
      {
        claimant,
        kind: n % 5 === 0 ? 'presence' : 'control',
        actor: n % 3 === 0 ? other : claimant,
        place: PLACES[n % PLACES.length],
        observedAt: `2021-08-${day}T${String(n % 24).padStart(2, '0')}:00:00Z`,
        credibility: 1 + (n % 6),
      },
      n % 2 === 0
        ? {
            claimant: other,
            kind: 'dispute',
            observedAt: `2021-08-${day}T23:00:00Z`,
            target: { index: 0 },
          }
        : {
            claimant: other,
            kind: 'corroborate',
            degree: n % 4 === 1 ? 'full' : 'partial',
            observedAt: `2021-08-${day}T23:30:00Z`,
            target: { index: 0 },
          },
    ],
  };
}

async function submit(stack: Stack, id: string, n: number): Promise<string[]> {
  const response = await stack.post('/v1/reports', report(id, n));
  expect([200, 201]).toContain(response.status);
  return response.body.claims.map((c: Json) => c.claimId);
}

async function waitForReplay(stack: Stack, id: string, timeoutMs = 90_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await stack.get(`/v1/replays/${id}`);
    expect(status).toBe(200);
    if (body.state !== 'running') return body;
    if (Date.now() > deadline)
      throw new Error(`replay ${id} still running after ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await sleep(200);
  }
}

/** A read without the moment it was made, to compare two reads of the same state. */
const timeless = ({ asOf: _asOf, ...rest }: Json) => rest;

describe('replay', () => {
  let stack: Stack;
  const submitted: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    for (let n = 0; n < 24; n++) submitted.push(...(await submit(stack, `seed-${n}`, n)));
    await stack.waitForProjection();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('rebuilds a new version while reports keep arriving and queries keep being served, then switches with matching checksums', async () => {
    const liveBefore = await stack.readModelSchema();
    let reading = true;
    const latencies: number[] = [];
    const failures: string[] = [];

    const writer = (async () => {
      for (let n = 24; n < 64; n++) {
        submitted.push(...(await submit(stack, `during-${n}`, n)));
        await sleep(25);
      }
    })();
    const reader = (async () => {
      while (reading) {
        for (const path of [
          '/v1/districts/AF0805',
          '/v1/provinces/AF09',
          '/v1/districts?province=AF08',
        ]) {
          const started = Date.now();
          const response = await stack.get(path);
          latencies.push(Date.now() - started);
          if (response.status !== 200)
            failures.push(`${path}: ${response.status} ${response.text}`);
        }
        // A round every 10 ms at most: a busy reader, within the key's rate limit (1,000 a
        // second), which a fast machine reached without the pause.
        await sleep(10);
      }
    })();

    await sleep(100);
    const started = await stack.post('/v1/replays', {});
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'running', province: null });
    const second = await stack.post('/v1/replays', {});
    expect(second.status).toBe(409);
    expect(second.contentType).toContain('application/problem+json');

    const result = await waitForReplay(stack, started.body.id);
    await writer;
    reading = false;
    await reader;

    expect(result).toMatchObject({ state: 'done', error: null });
    expect(result.checksum.match).toBe(true);
    expect(result.checksum.live).toBe(result.checksum.rebuilt);
    expect(result.processed).toBeGreaterThan(0);
    expect(result.eventsPerSecond).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(2000);

    // Nothing submitted before, during or after the switch is lost, and nothing is doubled.
    await stack.waitForProjection();
    const liveAfter = await stack.readModelSchema();
    expect(liveAfter).not.toBe(liveBefore);
    expect(await stack.eventCount()).toBe(new Set(submitted).size);
    for (const claimId of submitted)
      expect((await stack.get(`/v1/claims/${claimId}`)).status).toBe(200);
    const old = await stack.pool.query(
      'SELECT 1 FROM information_schema.schemata WHERE schema_name = $1',
      [liveBefore],
    );
    expect(old.rowCount).toBe(0);
  });

  it('survives a replay process killed midway: the live version keeps serving and the next replay succeeds', async () => {
    const live = await stack.readModelSchema();
    const before = timeless((await stack.get('/v1/districts/AF0907')).body);

    const child = spawn(
      process.execPath,
      [join(__dirname, '../../../test/support/cli-child.js'), 'replay'],
      {
        env: { ...process.env, ...stack.env, LOG_LEVEL: 'error' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const building = await stack.pool.query(
        "SELECT 1 FROM read_model_versions WHERE state = 'building'",
      );
      if (building.rowCount) break;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error('the replay child never started building');
      await sleep(20);
    }
    child.kill('SIGKILL');
    await exited;

    expect(await stack.readModelSchema()).toBe(live);
    const during = await stack.get('/v1/districts/AF0907');
    expect(during.status).toBe(200);
    expect(timeless(during.body)).toEqual(before);
    const abandoned = await stack.pool.query<{ id: string }>(
      "SELECT id FROM replays WHERE state = 'running'",
    );
    expect(abandoned.rowCount).toBe(1);

    const again = await stack.post('/v1/replays', { keepOld: true });
    expect(again.status).toBe(202);
    const result = await waitForReplay(stack, again.body.id);
    expect(result).toMatchObject({ state: 'done' });
    expect(result.checksum.match).toBe(true);

    const { rows } = await stack.pool.query<{ state: string; error: string }>(
      'SELECT state, error FROM replays WHERE id = $1',
      [abandoned.rows[0]!.id],
    );
    expect(rows[0]).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('ended before finishing'),
    });
    const versions = await stack.pool.query<{ schema_name: string; state: string }>(
      'SELECT schema_name, state FROM read_model_versions ORDER BY version',
    );
    expect(versions.rows.filter((v) => v.state === 'building')).toEqual([]);
    expect(versions.rows.find((v) => v.schema_name === live)?.state).toBe('retired');
    // keepOld: the retired version's schema is still there.
    const kept = await stack.pool.query(
      'SELECT 1 FROM information_schema.schemata WHERE schema_name = $1',
      [live],
    );
    expect(kept.rowCount).toBe(1);
    expect(timeless((await stack.get('/v1/districts/AF0907')).body)).toEqual(before);
  });

  it('replays a log that mixes assertion schema 1 and 2 to the same read models as live', async () => {
    const producer = stack.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const v1 = (n: number) => ({
      id: `00000000-0000-5000-8000-00000000000${n}`,
      type: 'claim.asserted',
      schema: 1,
      reportId: `legacy-${n}`,
      index: 0,
      reportDigest: `legacy-digest-${n}`,
      claimant: 'legacy-desk',
      observedAt: `2021-09-0${n}T10:00:00.000Z`,
      recordedAt: `2021-09-0${n}T12:00:00.000Z`,
      place: {
        pcode: 'AF0806',
        level: 'district',
        name: 'Shutul',
        province: 'AF08',
        input: 'Shutul',
        resolution: 'name',
      },
      data: { kind: 'control', actor: 'taliban', credibility: 3 },
      source: { outlet: 'Archive' },
    });
    await producer.send({
      topic: stack.topics.claims,
      messages: [1, 2].map((n) => ({
        key: 'AF08',
        value: JSON.stringify(v1(n)),
        headers: { type: 'claim.asserted', schema: '1' },
      })),
    });
    await producer.disconnect();
    const current = await stack.post('/v1/reports', {
      reportId: 'current-shutul',
      source: { outlet: 'Wire' },
      claims: [
        {
          claimant: 'nrf',
          kind: 'control',
          actor: 'nrf',
          place: 'Shutul',
          observedAt: '2021-09-03T10:00:00Z',
          precision: 'day',
        },
      ],
    });
    expect(current.status).toBe(201);
    await stack.waitForProjection();

    const live = timeless((await stack.get('/v1/districts/AF0806')).body);
    const precisions = Object.fromEntries(
      live.positions.map((p: Json) => [p.claimant, p.precision]),
    );
    expect(precisions).toMatchObject({ 'legacy-desk': 'exact', nrf: 'day' });
    const legacyClaim = await stack.get(`/v1/claims/${v1(1).id}`);
    expect(legacyClaim.body).toMatchObject({
      schema: CURRENT_SCHEMA['claim.asserted'],
      data: { precision: 'exact' },
      submittedBy: null,
    });

    const started = await stack.post('/v1/replays', {});
    const result = await waitForReplay(stack, started.body.id);
    expect(result.checksum.match).toBe(true);
    expect(timeless((await stack.get('/v1/districts/AF0806')).body)).toEqual(live);
  });

  it('re-derives one province in place, and says so when the live rows had drifted from the log', async () => {
    await stack.waitForProjection();
    const schema = await stack.readModelSchema();
    const truth = timeless((await stack.get('/v1/districts/AF0805')).body);
    const other = timeless((await stack.get('/v1/districts/AF0907')).body);
    await stack.pool.query(
      `UPDATE ${schema}.district_status SET status = 'claimed', controller = 'nobody' WHERE pcode = 'AF0805'`,
    );
    expect((await stack.get('/v1/districts/AF0805')).body.controller).toBe('nobody');

    const repair = await stack.post('/v1/replays', { province: 'AF08' });
    expect(repair.status).toBe(202);
    const repaired = await waitForReplay(stack, repair.body.id);
    expect(repaired).toMatchObject({ state: 'done', province: 'AF08' });
    expect(repaired.checksum.match).toBe(false);
    expect(await stack.readModelSchema()).toBe(schema);
    expect(timeless((await stack.get('/v1/districts/AF0805')).body)).toEqual(truth);
    expect(timeless((await stack.get('/v1/districts/AF0907')).body)).toEqual(other);

    const again = await stack.post('/v1/replays', { province: 'AF08' });
    expect((await waitForReplay(stack, again.body.id)).checksum.match).toBe(true);
  });

  it('brings observed timelines still awaiting their rewrite up to date before comparing: they are not drift', async () => {
    await stack.waitForProjection();
    const schema = await stack.readModelSchema();
    const truth = (await stack.get('/v1/districts/AF0805/history', { query: { axis: 'observed' } }))
      .body.changes;
    // As the projector leaves a district between a late event and its rewrite: the observed
    // timeline lacks versions, and a mark says to rewrite it from an instant. (The projector is
    // stopped, so that its own settler does not rewrite it first.)
    await stack.stopProjector();
    await stack.pool.query(
      `DELETE FROM ${schema}.status_timeline WHERE district = 'AF0805' AND axis = 'o';
       INSERT INTO ${schema}.observed_pending (district, from_at) VALUES ('AF0805', '2000-01-01Z')`,
    );
    const replay = await stack.post('/v1/replays', { province: 'AF08' });
    const done = await waitForReplay(stack, replay.body.id);
    expect(done).toMatchObject({ state: 'done', checksum: { match: true } });
    const history = await stack.get('/v1/districts/AF0805/history', {
      query: { axis: 'observed' },
    });
    expect(history.body.changes).toEqual(truth);
    await stack.startProjector();
  });

  it('keeps the recorded clock of the partition, which other provinces advance too, in a scoped replay', async () => {
    // Two claims on Baghlan's partition, in this log order: one in Kabul recorded at 00:00:10,
    // then one in Baghlan recorded at 00:00:00 (API groups can commit out of recordedAt order). The live
    // projector gives the Baghlan claim's recorded version the partition's clock, 00:00:10.
    const place = (pcode: string, name: string, province: string) => ({
      pcode,
      level: 'district',
      name,
      province,
      input: name,
      resolution: 'name',
    });
    const claim = (n: number, where: ReturnType<typeof place>, recordedAt: string) => ({
      id: `00000000-0000-5000-8000-0000000001${n}0`,
      type: 'claim.asserted',
      schema: 1,
      reportId: `clock-${n}`,
      index: 0,
      reportDigest: `clock-digest-${n}`,
      claimant: 'clock-desk',
      observedAt: '2021-09-10T10:00:00.000Z',
      recordedAt,
      place: where,
      data: { kind: 'control', actor: 'taliban', credibility: 3 },
      source: { outlet: 'Archive' },
    });
    const kabul = (await stack.get('/v1/districts/AF0101')).body.name as string;
    const producer = stack.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: stack.topics.claims,
      messages: [
        claim(1, place('AF0101', kabul, 'AF01'), '2031-01-01T00:00:10.000Z'),
        claim(2, place('AF0912', 'Pul-e-Hisar', 'AF09'), '2031-01-01T00:00:00.000Z'),
      ].map((event) => ({
        // Both on Baghlan's partition, where every other claim about Baghlan is (keyed by
        // province); the Kabul claim stands for another province sharing that partition.
        key: 'AF09',
        value: JSON.stringify(event),
        headers: { type: 'claim.asserted', schema: '1' },
      })),
    });
    await producer.disconnect();
    await stack.waitForProjection();
    const history = await stack.get('/v1/districts/AF0912/history', {
      query: { axis: 'recorded', order: 'newest', limit: '1' },
    });
    expect(history.body.changes[0].at).toBe('2031-01-01T00:00:10.000Z');

    const replay = await stack.post('/v1/replays', { province: 'AF09' });
    expect(await waitForReplay(stack, replay.body.id)).toMatchObject({
      state: 'done',
      checksum: { match: true },
    });
  });

  it('refuses a bad replay request', async () => {
    expect((await stack.post('/v1/replays', { province: 'Panjshir' })).status).toBe(400);
    expect((await stack.post('/v1/replays', { everything: true })).status).toBe(400);
    expect((await stack.get('/v1/replays/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const reader = await stack.post('/v1/keys', { name: 'reader', scopes: ['read'] });
    expect((await stack.post('/v1/replays', {}, { key: reader.body.key })).status).toBe(403);
  });
});
