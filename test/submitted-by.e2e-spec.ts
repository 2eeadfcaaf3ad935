/**
 * Who submitted each claim, through HTTP on a real stack: every new event names the calling key
 * (its id and name), events written before keys were recorded read `submittedBy: null`, and the
 * claim view, explain and the events export show it. A log mixing the old schemas and the new
 * replays to the same read model.
 */
import {
  claimAsserted,
  claimCorroborated,
  claimDisputed,
  ClaimEvent,
  EventEnvelope,
  SUBMITTED_BY_SINCE,
} from '@sitrep/domain';
import { legacyEncoding } from '@sitrep/domain/testing/legacy';
import { claimIdFor, loadGazetteer } from '@sitrep/platform';
import { Json, startStack, Stack } from './support/stack';

let stack: Stack;
let desk: { id: string; key: string };
const gazetteer = loadGazetteer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Events as builds before `submittedBy` wrote them (the assertion of AF0806 in schema 1). */
function legacyLog(): { event: ClaimEvent; schema: number }[] {
  const envelope = (reportId: string, claimant: string, pcode: string): EventEnvelope => ({
    id: claimIdFor(reportId, 0),
    reportId,
    index: 0,
    reportDigest: `legacy-${reportId}`,
    claimant,
    observedAt: '2021-09-03T10:00:00.000Z',
    recordedAt: '2021-09-03T12:00:00.000Z',
    place: { ...gazetteer.place(pcode)!, input: pcode, resolution: 'pcode' },
    source: { outlet: 'Archive' },
    submittedBy: { keyId: 'never-written', name: 'never written' },
  });
  const shutul = claimAsserted(envelope('legacy-1', 'taliban', 'AF0806'), {
    kind: 'control',
    actor: 'taliban',
    precision: 'exact',
  });
  const anawa = claimAsserted(envelope('legacy-2', 'taliban', 'AF0805'), {
    kind: 'control',
    actor: 'taliban',
    precision: 'day',
  });
  const denial = claimDisputed(envelope('legacy-3', 'nrf', 'AF0805'), {
    target: { claimId: anawa.id },
  });
  const confirmation = claimCorroborated(envelope('legacy-4', 'elders', 'AF0806'), {
    target: { claimId: shutul.id },
    degree: 'full',
  });
  const before = (e: ClaimEvent) => SUBMITTED_BY_SINCE[e.type] - 1;
  return [
    { event: shutul, schema: 1 },
    { event: anawa, schema: before(anawa) },
    { event: denial, schema: before(denial) },
    { event: confirmation, schema: before(confirmation) },
  ];
}

async function waitForReplay(id: string): Promise<Json> {
  for (let i = 0; i < 600; i++) {
    const { body } = await stack.get(`/v1/replays/${id}`);
    if (body.state !== 'running') return body;
    await sleep(100);
  }
  throw new Error(`replay ${id} still running`);
}

const timeless = ({ asOf: _asOf, ...rest }: Json) => rest;

beforeAll(async () => {
  stack = await startStack();
  const created = await stack.post('/v1/keys', { name: 'kabul desk', scopes: ['ingest', 'read'] });
  expect(created.status).toBe(201);
  desk = { id: created.body.id, key: created.body.key };

  const producer = stack.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic: stack.topics.claims,
    messages: legacyLog().map(({ event, schema }) => ({
      key: event.place.province,
      value: JSON.stringify(legacyEncoding(event, schema)),
      headers: { type: event.type, schema: String(schema) },
    })),
  });
  await producer.disconnect();
});

afterAll(async () => {
  await stack?.stop();
});

describe('given reports submitted by two keys and events older than submittedBy', () => {
  const receipts: Json[] = [];
  let retraction: Json;

  beforeAll(async () => {
    const report = await stack.post(
      '/v1/reports',
      {
        reportId: 'desk-1',
        source: { outlet: 'Wire' },
        claims: [
          {
            claimant: 'nrf',
            kind: 'control',
            actor: 'nrf',
            place: 'Anawa',
            observedAt: '2021-09-04T10:00:00Z',
          },
          {
            claimant: 'taliban',
            kind: 'dispute',
            observedAt: '2021-09-04T11:00:00Z',
            target: { index: 0 },
          },
        ],
      },
      { key: desk.key },
    );
    expect(report.status).toBe(201);
    receipts.push(report.body);
    // The old events are known once projected (the projector records them in report_claims).
    await stack.waitForProjection();
    // The admin (bootstrap) key, as curator, withdraws the old Shutul claim.
    const curated = await stack.post(`/v1/claims/${claimIdFor('legacy-1', 0)}/retractions`, {
      reason: 'misattributed',
    });
    expect(curated.status).toBe(201);
    retraction = curated.body;
    await stack.waitForProjection();
  });

  it('then the claim view names the key of a new claim, and null for an old one', async () => {
    const mine = await stack.get(`/v1/claims/${receipts[0].claims[0].claimId}`);
    expect(mine.body).toMatchObject({ submittedBy: { keyId: desk.id, name: 'kabul desk' } });
    expect(mine.body.evidence.disputes).toEqual([
      expect.objectContaining({ submittedBy: { keyId: desk.id, name: 'kabul desk' } }),
    ]);
    const old = await stack.get(`/v1/claims/${claimIdFor('legacy-2', 0)}`);
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ submittedBy: null, data: { precision: 'day' } });
    const curated = await stack.get(`/v1/claims/${retraction.claimId}`);
    expect(curated.body).toMatchObject({
      type: 'claim.curator-retracted',
      submittedBy: { keyId: expect.any(String), name: 'bootstrap' },
      data: { curator: 'bootstrap' },
    });
  });

  it('then explain shows who entered each claim of a run and each dispute', async () => {
    const { body } = await stack.get('/v1/audit/districts/AF0805/explain');
    const nrf = body.positions.find((p: Json) => p.claimant === 'nrf');
    expect(nrf.run[0].submittedBy).toEqual({ keyId: desk.id, name: 'kabul desk' });
    expect(nrf.disputes[0].submittedBy).toEqual({ keyId: desk.id, name: 'kabul desk' });
    const taliban = body.positions.find((p: Json) => p.claimant === 'taliban');
    expect(taliban.run[0].submittedBy).toBeNull();
    expect(taliban.disputes[0].submittedBy).toBeNull();
  });

  it('then the events export shows it for every event, as pages and as NDJSON', async () => {
    const page = await stack.get('/v1/audit/events', { query: { province: 'AF08', limit: 100 } });
    const by = Object.fromEntries(
      page.body.items.map((e: Json) => [e.event.reportId, e.submittedBy?.name ?? null]),
    );
    expect(by).toEqual({
      'legacy-1': null,
      'legacy-2': null,
      'legacy-3': null,
      'legacy-4': null,
      'desk-1': 'kabul desk',
      [`curator-retraction:${claimIdFor('legacy-1', 0)}`]: 'bootstrap',
    });
    const ndjson = await stack.get('/v1/audit/events', {
      query: { province: 'AF08' },
      headers: { accept: 'application/x-ndjson' },
    });
    const lines = ndjson.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.submittedBy?.name ?? null)).toEqual(
      page.body.items.map((e: Json) => e.submittedBy?.name ?? null),
    );
  });

  it('then a replay of the mixed log rebuilds the same read model', async () => {
    const districts = ['AF0805', 'AF0806'];
    const claims = [
      ...receipts[0].claims.map((c: Json) => c.claimId),
      ...[1, 2, 3, 4].map((n) => claimIdFor(`legacy-${n}`, 0)),
      retraction.claimId,
    ];
    const read = async () => ({
      districts: await Promise.all(
        districts.map(async (d) => timeless((await stack.get(`/v1/districts/${d}`)).body)),
      ),
      claims: await Promise.all(
        claims.map(async (c) => {
          const { logPosition: _moved, ...claim } = (await stack.get(`/v1/claims/${c}`)).body;
          return claim;
        }),
      ),
      explain: timeless((await stack.get('/v1/audit/districts/AF0805/explain')).body),
    });
    const live = await read();
    expect(live.districts[1]).toMatchObject({ status: 'unclaimed' }); // Shutul's claim withdrawn
    const started = await stack.post('/v1/replays', {});
    expect(started.status).toBe(202);
    const result = await waitForReplay(started.body.id);
    expect(result).toMatchObject({ state: 'done', checksum: { match: true } });
    expect(await read()).toEqual(live);
  });
});
