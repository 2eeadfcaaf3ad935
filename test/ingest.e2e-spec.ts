/**
 * Ingest → Kafka → projector → Postgres → query API, through HTTP on a real stack.
 * The worked example of DESIGN.md ("Status of a district"), Baghlan's Andarab valley, step by step,
 * then as of past moments on both axes, then the other read endpoints on the resulting state.
 */
import { Json, startStack, Stack } from './support/stack';
import {
  ANDARAB,
  BAGHLAN,
  DEH_SALAH,
  DISTRICTS,
  PUL_E_HISAR,
  workedExample,
} from './support/worked-example';

type Summary = { status: string; controller: string | null; verification: string };
const unclaimed: Summary = { status: 'unclaimed', controller: null, verification: 'none' };
const claimed = (actor: string): Summary => ({
  status: 'claimed',
  controller: actor,
  verification: 'none',
});
const contested = (actor: string, verification = 'none'): Summary => ({
  status: 'contested',
  controller: actor,
  verification,
});

/** DESIGN.md's expected statuses: before any report, then after r1, r2, r3, r4. */
const EXPECTED: readonly Record<string, Summary>[] = [
  { [ANDARAB]: unclaimed, [DEH_SALAH]: unclaimed, [PUL_E_HISAR]: unclaimed },
  { [ANDARAB]: unclaimed, [DEH_SALAH]: claimed('nrf'), [PUL_E_HISAR]: claimed('nrf') },
  {
    [ANDARAB]: claimed('taliban'),
    [DEH_SALAH]: contested('taliban'),
    [PUL_E_HISAR]: contested('taliban'),
  },
  {
    [ANDARAB]: contested('taliban'),
    [DEH_SALAH]: contested('nrf'),
    [PUL_E_HISAR]: contested('nrf'),
  },
  {
    [ANDARAB]: contested('taliban'),
    [DEH_SALAH]: contested('nrf'),
    [PUL_E_HISAR]: contested('nrf', 'corroborated'),
  },
];

/** Observed-axis moments: before r1, then after each report's `observedAt` (and before the next). */
const OBSERVED_AS_OF = [
  '2021-08-19T00:00:00Z',
  '2021-08-21T00:00:00Z', // r1 observed 20 Aug
  '2021-08-22T12:00:00Z', // r2 observed 22 Aug 08:00
  '2021-08-22T20:00:00Z', // r3 observed 22 Aug 18:00
  '2021-08-24T00:00:00Z', // r4 observed 23 Aug
];

const { r1, r2, r3, r4 } = workedExample('andarab');

const summary = (d: Json): Summary => ({
  status: d.status,
  controller: d.controller,
  verification: d.verification,
});

let stack: Stack;
const receipts: Json[] = [];

async function district(pcode: string, query?: Record<string, string>): Promise<Json> {
  const response = await stack.get(`/v1/districts/${pcode}`, { query });
  expect(response.status).toBe(200);
  return response.body;
}

async function expectStep(step: number, query?: Record<string, string>): Promise<void> {
  const actual: Record<string, Summary> = {};
  for (const pcode of DISTRICTS) actual[pcode] = summary(await district(pcode, query));
  expect(actual).toEqual(EXPECTED[step]);
}

async function submit(report: unknown, expectedStatus = 201): Promise<Json> {
  const response = await stack.post('/v1/reports', report);
  expect(response.status).toBe(expectedStatus);
  return response.body;
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('the worked example of DESIGN.md, submitted step by step through HTTP', () => {
  it('given no report, then the three districts are unclaimed', async () => {
    await expectStep(0);
  });

  it('step 1: r1 (nrf controls AF0908 and AF0912) → both claimed by nrf', async () => {
    const receipt = await submit(r1);
    expect(receipt).toMatchObject({
      reportId: 'andarab-r1',
      claims: [
        {
          index: 0,
          kind: 'control',
          place: {
            pcode: DEH_SALAH,
            name: 'Deh Salah',
            level: 'district',
            input: 'Deh Salah',
            resolution: 'name',
          },
        },
        {
          index: 1,
          kind: 'control',
          place: {
            pcode: PUL_E_HISAR,
            level: 'district',
            input: 'Puli Hisar',
            resolution: 'alias',
          },
        },
      ],
    });
    expect(Date.parse(receipt.recordedAt)).not.toBeNaN();
    receipts.push(receipt);
    await stack.waitForProjection();
    await expectStep(1);
  });

  it('step 2: r2 (taliban controls the province AF09) → AF0907 claimed by taliban, the others contested', async () => {
    const receipt = await submit(r2);
    expect(receipt.claims).toEqual([
      expect.objectContaining({
        index: 0,
        place: expect.objectContaining({ pcode: BAGHLAN, level: 'province', resolution: 'pcode' }),
      }),
    ]);
    receipts.push(receipt);
    await stack.waitForProjection();
    await expectStep(2);
  });

  it('step 3: r3 (nrf disputes taliban on AF09, blanket) → all contested; AF0907 by taliban, the others by nrf', async () => {
    receipts.push(await submit(r3));
    await stack.waitForProjection();
    await expectStep(3);
    const andarab = await district(ANDARAB);
    expect(andarab.positions).toEqual([
      expect.objectContaining({
        claimant: 'taliban',
        kind: 'control',
        actor: 'taliban',
        claimIds: [receipts[1].claims[0].claimId],
        disputedBy: ['nrf'],
      }),
    ]);
  });

  it('step 4: r4 (local-elders fully corroborate r1 on AF0912) → AF0912 corroborated', async () => {
    receipts.push(await submit(r4(receipts[0].claims[1].claimId)));
    await stack.waitForProjection();
    await expectStep(4);
    const pulEHisar = await district(PUL_E_HISAR);
    expect(pulEHisar).toMatchObject({
      pcode: PUL_E_HISAR,
      name: 'Pul-e-Hisar',
      province: { pcode: BAGHLAN, name: 'Baghlan' },
      axis: 'recorded',
    });
    const nrf = pulEHisar.positions.find((p: Json) => p.claimant === 'nrf');
    expect(nrf).toMatchObject({
      kind: 'control',
      actor: 'nrf',
      claimIds: [receipts[0].claims[1].claimId],
      disputedBy: [],
      corroboratedBy: [{ claimant: 'local-elders', degree: 'full' }],
    });
    expect(nrf.provenance).toEqual([
      expect.objectContaining({
        claimId: receipts[0].claims[1].claimId,
        reportId: 'andarab-r1',
        place: PUL_E_HISAR,
        source: expect.objectContaining({ outlet: 'NRF statement', reliability: 'C' }),
      }),
    ]);
  });

  it('step 5: r2 again unchanged → 200, the same ids, nothing new on the topic; changed → 409', async () => {
    const before = await stack.highWatermarks();
    const eventsBefore = await stack.eventCount();
    const again = await stack.post('/v1/reports', r2);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(receipts[1]);

    const changed = structuredClone(r2);
    changed.claims[0]!.observedAt = '2021-08-22T09:00:00Z';
    const conflict = await stack.post('/v1/reports', changed);
    expect(conflict.status).toBe(409);
    expect(conflict.contentType).toMatch(/^application\/problem\+json/);
    expect(conflict.body).toMatchObject({
      status: 409,
      title: 'Conflict',
      claimIds: [receipts[1].claims[0].claimId],
    });
    expect(conflict.body.detail).toContain('andarab-r2');

    expect(await stack.highWatermarks()).toEqual(before);
    await stack.waitForProjection();
    expect(await stack.eventCount()).toBe(eventsBefore);
    await expectStep(4);
  });
});

describe('the worked example as of past moments', () => {
  it.each(OBSERVED_AS_OF.map((asOf, step) => ({ asOf, step })))(
    'on the observed axis, as of $asOf, is step $step',
    async ({ asOf, step }) => {
      await expectStep(step, { asOf, axis: 'observed' });
      const one = await district(ANDARAB, { asOf, axis: 'observed' });
      expect(one).toMatchObject({ asOf, axis: 'observed' });
    },
  );

  it('on the recorded axis, as of each report’s recordedAt, is the step that report completed', async () => {
    const first = Date.parse(receipts[0].recordedAt);
    await expectStep(0, { asOf: new Date(first - 1).toISOString(), axis: 'recorded' });
    for (let step = 1; step <= 4; step++) {
      const asOf = receipts[step - 1].recordedAt;
      await expectStep(step, { asOf, axis: 'recorded' });
      // recorded is the default axis
      await expectStep(step, { asOf });
    }
  });

  it('the two axes differ: r3 recorded after r2 but observed the same day', async () => {
    // As recorded when r2 was accepted, nobody had disputed taliban yet…
    const recorded = await district(ANDARAB, { asOf: receipts[1].recordedAt, axis: 'recorded' });
    expect(summary(recorded)).toEqual(claimed('taliban'));
    // …while by all that is known now, taliban's claim was already disputed by the evening of 22 Aug.
    const observed = await district(ANDARAB, { asOf: OBSERVED_AS_OF[3]!, axis: 'observed' });
    expect(summary(observed)).toEqual(contested('taliban'));
  });
});

describe('the other reads, on the worked example', () => {
  it('GET /v1/provinces/AF09 counts districts by status and claimed ones by controller', async () => {
    const now = await stack.get(`/v1/provinces/${BAGHLAN}`);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({
      pcode: BAGHLAN,
      name: 'Baghlan',
      districts: 15,
      byStatus: { claimed: 0, contested: 15, unclaimed: 0 },
      byController: {},
    });

    // As recorded after r2: taliban claimed 13 districts, two were contested with nrf.
    const afterR2 = await stack.get(`/v1/provinces/${BAGHLAN}`, {
      query: { asOf: receipts[1].recordedAt },
    });
    expect(afterR2.body).toMatchObject({
      districts: 15,
      byStatus: { claimed: 13, contested: 2, unclaimed: 0 },
      byController: { taliban: 13 },
    });
    // As recorded after r1: nrf claimed two, the rest were unclaimed.
    const afterR1 = await stack.get(`/v1/provinces/${BAGHLAN}`, {
      query: { asOf: receipts[0].recordedAt },
    });
    expect(afterR1.body).toMatchObject({
      byStatus: { claimed: 2, contested: 0, unclaimed: 13 },
      byController: { nrf: 2 },
    });
  });

  /** Every page of GET /v1/districts, following nextCursor. */
  async function allPages(query: Record<string, string>): Promise<Json[][]> {
    const pages: Json[][] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const response = await stack.get('/v1/districts', { query: { ...query, cursor } });
      expect(response.status).toBe(200);
      pages.push(response.body.items);
      cursor = response.body.nextCursor ?? undefined;
      if (!cursor) return pages;
    }
    throw new Error('pagination does not end');
  }

  it('GET /v1/districts pages by two through a province with no duplicates or gaps', async () => {
    const pages = await allPages({ province: BAGHLAN, limit: '2' });
    expect(pages).toHaveLength(8);
    expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
    const pcodes = pages.flat().map((d) => d.pcode);
    const all = Array.from({ length: 15 }, (_, i) => `AF09${String(i + 1).padStart(2, '0')}`);
    expect(pcodes).toEqual(all);
    expect(pages.flat().find((d) => d.pcode === PUL_E_HISAR)).toEqual({
      pcode: PUL_E_HISAR,
      name: 'Pul-e-Hisar',
      province: BAGHLAN,
      status: 'contested',
      controller: 'nrf',
      verification: 'corroborated',
    });
  });

  it('GET /v1/districts filters by status and controller', async () => {
    const byNrf = (await allPages({ controller: 'nrf', limit: '2' })).flat();
    expect(byNrf.map((d) => d.pcode)).toEqual([DEH_SALAH, PUL_E_HISAR]);

    const byTaliban = (await allPages({ controller: 'taliban', status: 'contested' })).flat();
    expect(byTaliban).toHaveLength(13);
    expect(byTaliban.map((d) => d.pcode)).not.toContain(DEH_SALAH);

    const claimedAnywhere = await allPages({ status: 'claimed' });
    expect(claimedAnywhere.flat()).toEqual([]);

    const unclaimedPanjshir = (await allPages({ province: 'AF08', status: 'unclaimed' })).flat();
    expect(unclaimedPanjshir.map((d) => d.pcode)).toEqual([
      'AF0801',
      'AF0802',
      'AF0803',
      'AF0804',
      'AF0805',
      'AF0806',
      'AF0807',
    ]);
  });

  it('GET /v1/districts pages as of a past moment too (recorded after r2: 13 claimed by taliban)', async () => {
    const pages = await allPages({
      asOf: receipts[1].recordedAt,
      status: 'claimed',
      controller: 'taliban',
      limit: '5',
    });
    expect(pages.map((p) => p.length)).toEqual([5, 5, 3]);
    const pcodes = pages.flat().map((d) => d.pcode);
    expect(new Set(pcodes).size).toBe(13);
    expect(pcodes).toEqual([...pcodes].sort());
    expect(pcodes).not.toContain(DEH_SALAH);
  });

  it('GET /v1/actors/taliban lists its positions and where it is the controller', async () => {
    const response = await stack.get('/v1/actors/taliban');
    expect(response.status).toBe(200);
    const { positions, controls } = response.body;
    expect(positions).toHaveLength(15);
    for (const p of positions) {
      expect(p).toMatchObject({
        kind: 'control',
        actor: 'taliban',
        claimIds: [receipts[1].claims[0].claimId],
        disputedBy: ['nrf'],
      });
    }
    expect(controls).toHaveLength(13);
    expect(controls.every((c: Json) => c.status === 'contested')).toBe(true);
    expect(controls.map((c: Json) => c.pcode)).toContain(ANDARAB);
    expect(controls.map((c: Json) => c.pcode)).not.toContain(DEH_SALAH);

    const nrf = await stack.get('/v1/actors/nrf');
    expect(nrf.body.controls.map((c: Json) => c.pcode)).toEqual([DEH_SALAH, PUL_E_HISAR]);

    // As recorded after r2, taliban's claims were not yet disputed: it controlled 13 districts.
    const then = await stack.get('/v1/actors/taliban', {
      query: { asOf: receipts[1].recordedAt },
    });
    expect(then.status).toBe(200);
    expect(then.body.controls).toHaveLength(15);
    expect(then.body.controls.filter((c: Json) => c.status === 'claimed')).toHaveLength(13);
    expect(then.body.positions.every((p: Json) => p.disputedBy.length === 0)).toBe(true);

    expect((await stack.get('/v1/actors/nobody-at-all')).status).toBe(404);
  });

  it('GET /v1/claims/{id} shows the claim, its evidence and its log position', async () => {
    const claimId = receipts[0].claims[1].claimId;
    const response = await stack.get(`/v1/claims/${claimId}`);
    expect(response.status).toBe(200);
    const claim = response.body;
    expect(claim).toMatchObject({
      claimId,
      type: 'claim.asserted',
      kind: 'control',
      reportId: 'andarab-r1',
      index: 1,
      claimant: 'nrf',
      place: { pcode: PUL_E_HISAR, province: BAGHLAN, input: 'Puli Hisar', resolution: 'alias' },
      observedAt: '2021-08-20T06:00:00.000Z',
      recordedAt: receipts[0].recordedAt,
      data: { kind: 'control', actor: 'nrf', credibility: 3 },
      source: { outlet: 'NRF statement', reliability: 'C' },
      retracted: false,
      evidence: {
        disputes: [],
        corroborations: [
          expect.objectContaining({
            claimId: receipts[3].claims[0].claimId,
            claimant: 'local-elders',
            degree: 'full',
            reportId: 'andarab-r4',
          }),
        ],
        retractions: [],
      },
      logPosition: { topic: stack.topics.claims },
    });

    const talibanClaim = await stack.get(`/v1/claims/${receipts[1].claims[0].claimId}`);
    expect(talibanClaim.body.evidence.disputes).toEqual([
      expect.objectContaining({
        claimId: receipts[2].claims[0].claimId,
        claimant: 'nrf',
        blanket: true,
      }),
    ]);

    // Every event about Baghlan is in one partition (key = province), in submission order.
    const positions: Json[] = [];
    for (const receipt of receipts)
      for (const c of receipt.claims)
        positions.push((await stack.get(`/v1/claims/${c.claimId}`)).body.logPosition);
    expect(new Set(positions.map((p) => p.partition)).size).toBe(1);
    const offsets = positions.map((p) => p.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(offsets.length);
    const high = await stack.highWatermarks();
    expect(offsets[offsets.length - 1]).toBeLessThan(high.get(positions[0].partition)!);

    // Not yet recorded before r1: 404 as of then.
    const before = await stack.get(`/v1/claims/${claimId}`, {
      query: { asOf: '2000-01-01T00:00:00Z' },
    });
    expect(before.status).toBe(404);
  });

  it('GET /v1/districts/{pcode}/history pages newest or oldest first, with a cursor', async () => {
    const all = (await stack.get(`/v1/districts/${PUL_E_HISAR}/history`)).body.changes;
    expect(all).toHaveLength(4);
    const newest: Json[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const { status, body } = await stack.get(`/v1/districts/${PUL_E_HISAR}/history`, {
        query: { order: 'newest', limit: 3, cursor },
      });
      expect(status).toBe(200);
      expect(body.order).toBe('newest');
      newest.push(...body.changes);
      cursor = body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(newest).toEqual([...all].reverse());
    const asOf = await stack.get(`/v1/districts/${PUL_E_HISAR}/history`, {
      query: { asOf: receipts[1].recordedAt },
    });
    expect(asOf.body.changes).toEqual(all.slice(0, 2));
    const bad = await stack.get(`/v1/districts/${PUL_E_HISAR}/history`, {
      query: { cursor: 'not-one-we-gave' },
    });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
  });

  it('GET /v1/districts/{pcode}/history lists each status change with its cause', async () => {
    const response = await stack.get(`/v1/districts/${PUL_E_HISAR}/history`);
    expect(response.status).toBe(200);
    const changes = response.body.changes.map((c: Json) => ({
      at: c.at,
      status: c.status,
      controller: c.controller,
      verification: c.verification,
      causedBy: c.causedBy.claimId,
    }));
    expect(changes).toEqual([
      { ...claimed('nrf'), at: receipts[0].recordedAt, causedBy: receipts[0].claims[1].claimId },
      {
        ...contested('taliban'),
        at: receipts[1].recordedAt,
        causedBy: receipts[1].claims[0].claimId,
      },
      { ...contested('nrf'), at: receipts[2].recordedAt, causedBy: receipts[2].claims[0].claimId },
      {
        ...contested('nrf', 'corroborated'),
        at: receipts[3].recordedAt,
        causedBy: receipts[3].claims[0].claimId,
      },
    ]);

    const observed = await stack.get(`/v1/districts/${ANDARAB}/history`, {
      query: { axis: 'observed' },
    });
    expect(
      observed.body.changes.map((c: Json) => [c.at, c.status, c.controller, c.causedBy.reportId]),
    ).toEqual([
      ['2021-08-22T08:00:00.000Z', 'claimed', 'taliban', 'andarab-r2'],
      ['2021-08-22T18:00:00.000Z', 'contested', 'taliban', 'andarab-r3'],
    ]);
  });

  it('GET /docs/openapi.json serves the OpenAPI document, with the report schema', async () => {
    const response = await stack.get('/docs/openapi.json', { key: null });
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/v1/reports', '/v1/districts/{pcode}']),
    );
    expect(response.body.components.schemas.Report).toBeDefined();
  });

  it('GET /v1/places/resolve?q=Anabah&province=AF08 resolves to Anawa (AF0805) by near match', async () => {
    const response = await stack.get('/v1/places/resolve', {
      query: { q: 'Anabah', province: 'AF08' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      query: 'Anabah',
      province: 'AF08',
      decision: { kind: 'resolved', pcode: 'AF0805', resolution: 'near' },
    });
    expect(response.body.candidates[0]).toMatchObject({ pcode: 'AF0805', name: 'Anawa' });

    const anywhere = await stack.get('/v1/places/resolve', { query: { q: 'Anabah' } });
    expect(anywhere.body.decision.kind).not.toBe('resolved');
  });
});
