/**
 * Watching and braking (issue 8, finding 9): the documented metrics of both apps move when a
 * report is ingested and projected; a burst past the rate limit gets 429 with Retry-After;
 * readiness details are for admins only.
 */
import { INestApplicationContext } from '@nestjs/common';
import { MetricsServer } from '../apps/projector/src/metrics.server';
import { hasMetric, metric } from './support/prometheus';
import { HttpResponse, Json, startStack, Stack } from './support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const report = (reportId: string, places: readonly string[]) => ({
  reportId,
  source: { outlet: 'Wire', reliability: 'C' },
  claims: places.map((place) => ({
    claimant: 'taliban',
    kind: 'control',
    actor: 'taliban',
    place,
    observedAt: '2021-09-05T16:00:00Z',
  })),
});

async function apiMetrics(): Promise<string> {
  const response = await stack.get('/metrics');
  expect(response.status).toBe(200);
  expect(response.contentType).toMatch(/^text\/plain/);
  return response.text;
}

async function projectorMetrics(projector: INestApplicationContext): Promise<string> {
  const port = projector.get(MetricsServer).port;
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

function expectProblem(response: HttpResponse, status: number): Json {
  expect(response.status).toBe(status);
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  return response.body;
}

describe('given a report ingested and projected, then the documented series move', () => {
  it('on the API and on the projector', async () => {
    const projector = stack.projector!;
    const apiBefore = await apiMetrics();
    const projectorBefore = await projectorMetrics(projector);

    const accepted = await stack.post(
      '/v1/reports',
      report('metrics-1', ['AF0802', 'AF0805', 'AF0907']),
    );
    expect(accepted.status).toBe(201);
    expect(
      (await stack.post('/v1/reports', report('metrics-1', ['AF0802', 'AF0805', 'AF0907']))).status,
    ).toBe(200);
    await stack.waitForProjection();

    const api = await apiMetrics();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      metric(api, name, labels) - metric(apiBefore, name, labels);
    expect(moved('sitrep_reports_accepted_total', { outcome: 'created' })).toBe(1);
    expect(moved('sitrep_reports_accepted_total', { outcome: 'identical' })).toBe(1);
    expect(moved('sitrep_claims_accepted_total')).toBe(3);
    expect(moved('sitrep_kafka_commit_duration_seconds_count', { outcome: 'committed' })).toBe(1);
    expect(moved('sitrep_ingest_group_reports_count')).toBe(1);
    expect(
      moved('sitrep_http_requests_total', { method: 'POST', route: '/v1/reports', status: '201' }),
    ).toBe(1);
    expect(
      moved('sitrep_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/reports',
        status: '200',
      }),
    ).toBe(1);
    expect(metric(api, 'sitrep_pg_pool_max', { service: 'api' })).toBe(10);
    for (const name of [
      'sitrep_pg_pool_open',
      'sitrep_pg_pool_idle',
      'sitrep_pg_pool_waiting',
      'sitrep_replay_progress',
    ])
      expect(hasMetric(api, name)).toBe(true);

    const after = await projectorMetrics(projector);
    const projected = (name: string, labels: Record<string, string> = {}) =>
      metric(after, name, labels) - metric(projectorBefore, name, labels);
    expect(projected('sitrep_projector_events_total', { outcome: 'applied' })).toBe(3);
    expect(projected('sitrep_projector_batch_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'sitrep_projector_assigned_partitions')).toBe(3);
    expect(metric(after, 'sitrep_projector_lag')).toBe(0);
    expect(hasMetric(after, 'sitrep_projector_lag')).toBe(true);
    expect(metric(after, 'sitrep_pg_pool_max', { service: 'projector' })).toBe(10);
  });

  it('a poison event counts as a dead letter by reason', async () => {
    const projector = stack.projector!;
    const before = await projectorMetrics(projector);
    const producer = stack.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: stack.topics.claims,
      messages: [{ key: 'AF08', value: 'not json' }],
    });
    await producer.disconnect();
    await stack.waitForProjection();
    const after = await projectorMetrics(projector);
    const reason = { reason: 'not_json' };
    expect(
      metric(after, 'sitrep_projector_dead_letters_total', reason) -
        metric(before, 'sitrep_projector_dead_letters_total', reason),
    ).toBe(1);
  });

  it('the API metrics need a key with the audit scope', async () => {
    expectProblem(await stack.get('/metrics', { key: null }), 401);
    const reader = await stack.post('/v1/keys', { name: 'reader', scopes: ['read'] });
    expectProblem(await stack.get('/metrics', { key: reader.body.key }), 403);
  });
});

describe('given a burst past the rate limit, then 429 problem+json with Retry-After', () => {
  it('per key: another key is not held back', async () => {
    const limited = await stack.startApi({ RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' });
    try {
      const burst = await Promise.all(
        Array.from({ length: 8 }, () => limited.http.get('/v1/districts/AF0802')),
      );
      expect(burst.filter((r) => r.status === 200)).toHaveLength(5);
      const refused = burst.filter((r) => r.status === 429);
      expect(refused).toHaveLength(3);
      for (const response of refused) {
        const problem = expectProblem(response, 429);
        expect(problem.detail).toMatch(/Retry-After/);
        const retryAfter = Number(response.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
      const other = await stack.post('/v1/keys', { name: 'other', scopes: ['read'] });
      expect((await limited.http.get('/v1/districts/AF0802', { key: other.body.key })).status).toBe(
        200,
      );
    } finally {
      await limited.close();
    }
  });

  it('RATE_LIMIT_MAX=0 turns the limit off', async () => {
    const unlimited = await stack.startApi({ RATE_LIMIT_MAX: '0' });
    try {
      const burst = await Promise.all(
        Array.from({ length: 30 }, () => unlimited.http.get('/health')),
      );
      expect(burst.every((r) => r.status === 200 && !r.headers.has('x-ratelimit-limit'))).toBe(
        true,
      );
    } finally {
      await unlimited.close();
    }
  });
});

describe('given /health/ready, then details only for an admin key', () => {
  it('anyone sees the status; a read key no more; an admin key the details', async () => {
    const anonymous = await stack.get('/health/ready', { key: null });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ status: 'ready' });
    const reader = await stack.post('/v1/keys', { name: 'health reader', scopes: ['read'] });
    expect((await stack.get('/health/ready', { key: reader.body.key })).body).toEqual({
      status: 'ready',
    });
    const admin = await stack.get('/health/ready');
    expect(admin.body).toMatchObject({
      status: 'ready',
      postgres: { ok: true },
      kafka: { ok: true },
      projector: { lag: expect.any(Number) },
    });
  });
});
