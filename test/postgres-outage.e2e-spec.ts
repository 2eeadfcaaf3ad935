/**
 * Postgres goes away and comes back (issue 8, finding 1). The API and the projector reach
 * Postgres through a TCP proxy the test cuts, as a restart or a network fault would: open
 * connections are reset, new ones refused. Meanwhile the API answers 503 with Retry-After (never
 * 500), the projector retries; afterwards both recover by themselves, nothing lost or doubled.
 * Both run in this process: an unhandled 'error' event would end the test run.
 */
import { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@sitrep/platform';
import { MetricsServer } from '../apps/projector/src/metrics.server';
import { startProjector } from '../apps/projector/src/projector.factory';
import { metric } from './support/prometheus';
import { ExtraApi, HttpResponse, startStack, Stack } from './support/stack';
import { startTcpProxy, TcpProxy } from './support/tcp-proxy';

let stack: Stack;
let proxy: TcpProxy;
let api: ExtraApi;
let projector: INestApplicationContext;

const report = (reportId: string, place: string) => ({
  reportId,
  source: { outlet: 'Wire' },
  claims: [
    { claimant: 'nrf', kind: 'control', actor: 'nrf', place, observedAt: '2021-09-05T16:00:00Z' },
  ],
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  stack = await startStack({ projector: false });
  const direct = new URL(stack.config.databaseUrl);
  proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432));
  const proxied = new URL(direct);
  proxied.host = proxy.address;
  const env = { DATABASE_URL: proxied.toString() };
  api = await stack.startApi(env);
  projector = await startProjector(loadConfig({ ...stack.env, ...env }));
});

afterAll(async () => {
  await projector?.close();
  await api?.close();
  await proxy?.close();
  await stack?.stop();
});

function expect503(response: HttpResponse): void {
  expect(response.status).toBe(503);
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
}

it('given Postgres unreachable for a while, then 503 with Retry-After meanwhile and full recovery after', async () => {
  expect((await api.http.post('/v1/reports', report('before-1', 'AF0802'))).status).toBe(201);
  await stack.waitForProjection();

  proxy.cut();
  expect503(await api.http.get('/v1/districts/AF0802'));
  expect503(await api.http.get('/v1/districts', { query: { province: 'AF08' } }));
  expect503(await api.http.post('/v1/reports', report('during-1', 'AF0805')));
  expect((await api.http.get('/health/ready')).status).toBe(503);
  // Reports keep arriving through another API; the projector cannot apply them yet.
  const during = [];
  for (let i = 0; i < 5; i++) {
    const accepted = await stack.post('/v1/reports', report(`during-${i + 2}`, `AF080${i + 1}`));
    expect(accepted.status).toBe(201);
    during.push(accepted.body.claims[0].claimId);
  }
  await sleep(4000);
  expect503(await api.http.get('/v1/districts/AF0802'));

  proxy.restore();
  const restored = Date.now();
  let answer = await api.http.get('/v1/districts/AF0802');
  while (answer.status !== 200 && Date.now() - restored < 15_000) {
    await sleep(250);
    answer = await api.http.get('/v1/districts/AF0802');
  }
  expect(answer.status).toBe(200);
  expect((await api.http.post('/v1/reports', report('after-1', 'AF0806'))).status).toBe(201);
  await stack.waitForProjection(30_000);

  const { rows } = await stack.pool.query<{ id: string; n: number }>(
    `SELECT claim_id::text AS id, count(*)::int AS n FROM ${await stack.readModelSchema()}.events
      WHERE claim_id = ANY($1::uuid[]) GROUP BY claim_id`,
    [during],
  );
  expect(rows.map((r) => r.n)).toEqual(during.map(() => 1));
  const port = projector.get(MetricsServer).port;
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(
    metric(metrics, 'sitrep_projector_batch_retries_total', { cause: 'unavailable' }),
  ).toBeGreaterThan(0);
});
