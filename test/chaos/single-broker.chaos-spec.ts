/**
 * Faults on one broker and one Postgres cluster of the suite's own, with ingest running through
 * the API: the projector killed and restarted, the broker killed and stopped, Postgres restarted
 * fast and immediately and away for 15 s, input Postgres cannot store, slow clients.
 * Each scenario prints its figures and fails on any loss, doubling, crash or 5xx other than 503.
 */
import { parseRaw, rawExchange } from '../support/raw-http';
import { metric } from '../support/prometheus';
import { Scenario, ADMIN_KEY } from './support/scenario';
import { stackOfItsOwn } from './support/stack-of-its-own';
import { judge, sleep } from './support/suite';
import { directEvent } from './support/events';

const KILLS = Number(process.env['CHAOS_PROJECTOR_KILLS'] || 3);
const stack = stackOfItsOwn({
  brokers: 1,
  port: Number(process.env['CHAOS_KAFKA_PORT'] || 19092),
  folder: 'kafka-single',
  title: 'single broker',
});
const { pg, kafka } = stack;

it(`projector SIGKILLed ${KILLS} times during ingest, then stopped with SIGTERM`, async () => {
  const s = await Scenario.start('projector-kills', stack.infra);
  s.load.start();
  await sleep(4000);
  for (let k = 1; k <= KILLS; k++) {
    const killed = Date.now();
    await s.projector.kill('SIGKILL');
    await sleep(1000);
    await s.restartProjector();
    await s.recovered(`projector SIGKILL #${k}, restarted 1 s later`, killed, false);
    await sleep(2000);
  }
  const stopped = Date.now();
  await s.projector.kill('SIGTERM');
  await s.restartProjector();
  await s.recovered('projector SIGTERM, restarted at once', stopped, false);
  await sleep(2000);
  judge(await s.finish());
});

it('broker SIGKILLed, then stopped cleanly, during ingest', async () => {
  const s = await Scenario.start('broker-kill-and-stop', stack.infra);
  s.load.start();
  await sleep(4000);
  await kafka.kill(1);
  await sleep(8000);
  await kafka.startNode(1);
  await s.recovered('broker SIGKILL, 8 s down', Date.now());
  await sleep(3000);
  await kafka.stopNode(1);
  await sleep(8000);
  await kafka.startNode(1);
  await s.recovered('broker clean stop, 8 s down', Date.now());
  await sleep(3000);
  const verdict = await s.finish();
  judge(verdict);
  expect(verdict.load.statuses['503'] ?? 0).toBeGreaterThan(0); // the outage was seen, and answered 503
});

it('Postgres restarted fast, restarted immediately, and away for 15 s, during ingest', async () => {
  const s = await Scenario.start('postgres-restarts', stack.infra);
  s.load.start();
  await sleep(4000);
  await pg.restart('fast');
  await s.recovered('Postgres restart -m fast', Date.now());
  await sleep(3000);
  await pg.restart('immediate');
  await s.recovered('Postgres restart -m immediate', Date.now());
  await sleep(3000);
  pg.stop('fast');
  await sleep(15_000);
  await pg.up();
  await s.recovered('Postgres stopped for 15 s', Date.now());
  await sleep(3000);
  const verdict = await s.finish();
  judge(verdict);
  expect(verdict.load.statuses['503'] ?? 0).toBeGreaterThan(0);
});

it('input Postgres cannot store: 400 at the API; dead letters, not a stuck projector, from the log', async () => {
  const s = await Scenario.start('unstorable-input', stack.infra);
  s.load.start();
  const offset = '2021-09-05T16:00:00+16:00';
  const claim = { claimant: 'taliban', kind: 'control', actor: 'taliban', place: 'AF0802' };
  const report = (reportId: string, extra: object, claimExtra: object = {}) => ({
    reportId,
    source: { outlet: 'Wire', ...extra },
    claims: [{ ...claim, observedAt: '2021-09-05T16:00:00Z', ...claimExtra }],
  });
  const inputs: [string, string, unknown?][] = [
    ['POST', '/v1/reports', report('bad-offset', {}, { observedAt: offset })],
    ['POST', '/v1/reports', report('bad-year', { publishedAt: '0001-01-01T00:00:00Z' })],
    ['POST', '/v1/reports', report('bad-nul', {}, { quote: 'a\u0000b' })],
    ['GET', `/v1/districts/AF0802?asOf=${encodeURIComponent(offset)}`],
    ['GET', `/v1/districts?asOf=${encodeURIComponent('2021-09-05T16:00:00-16:30')}`],
    ['GET', '/v1/provinces/AF08?asOf=9999-12-31T00:00:00Z'],
    ['GET', `/v1/audit/events?from=${encodeURIComponent(offset)}`],
    ['GET', `/v1/audit/districts/AF0802/explain?asOf=${encodeURIComponent(offset)}`],
    ['GET', '/v1/districts/%C0%AF'],
  ];
  const answers: number[] = [];
  for (const [method, path, body] of inputs) {
    const response = await fetch(`${s.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    answers.push(response.status);
  }
  expect(answers).toEqual(inputs.map(() => 400));
  s.notes.push(`${inputs.length} un-storable inputs through HTTP: ${answers.join(', ')}`);

  // Events the API would never write, put on the log directly: the projector sets them aside.
  const producer = s.kafka.producer();
  await producer.connect();
  const poison = [
    { key: 'AF08', value: directEvent('AF0802', { quote: 'lone \ud800 surrogate' }) },
    { key: 'AF08', value: directEvent('AF0805', {}, { url: 'https://example.org/\u0000' }) },
    { key: 'AF08', value: '{"not": "an event"' },
  ];
  const sent = await producer.send({ topic: s.claimsTopic, messages: poison });
  await producer.disconnect();
  // Until the checkpoint is past them (one key, one partition): the topic's last stable offset
  // may still lie before them while the markers of the API's last transaction are being written.
  const high = await s.highWatermarks();
  for (const { partition, baseOffset } of sent)
    if (baseOffset !== undefined)
      high.set(partition, Math.max(high.get(partition) ?? 0, Number(baseOffset) + poison.length));
  await s.waitForCheckpoints(high);
  const metrics = await (await fetch(s.projectorMetricsUrl)).text();
  const letters = metric(metrics, 'sitrep_projector_dead_letters_total');
  s.notes.push(
    `dead letters from the log: ${letters} of ${poison.length} (a lone surrogate, a NUL, not JSON)`,
  );
  judge(await s.finish());
  expect(letters).toBe(3);
});

it('slow clients: slow bodies and slow headers get 408 and are closed; 3 MB bodies a readable 413', async () => {
  const s = await Scenario.start('slow-clients', stack.infra, {
    apiEnv: { HTTP_REQUEST_TIMEOUT_MS: '5000' },
  });
  s.load.start();
  const port = Number(new URL(s.apiUrl).port);
  const started = Date.now();
  const slow = await Promise.all([
    ...Array.from({ length: 100 }, () =>
      rawExchange(
        port,
        'POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{',
        { drip: ' ', intervalMs: 2000, giveUpMs: 30_000 },
      ),
    ),
    ...Array.from({ length: 50 }, () =>
      rawExchange(port, 'GET /health HTTP/1.1\r\n', {
        drip: 'X-Slow: 1\r\n',
        intervalMs: 2000,
        giveUpMs: 30_000,
      }),
    ),
  ]);
  const timedOut = slow.filter((x) => x.closedByServer && parseRaw(x.response).status === 408);
  const closedAfter = slow.map((x) => x.closedAfterMs).sort((a, b) => a - b);
  s.notes.push(
    `150 slow connections (1 byte or 1 header line every 2 s): ${timedOut.length} answered 408 problem+json and closed after ${(closedAfter[0]! / 1000).toFixed(1)}–${(closedAfter[closedAfter.length - 1]! / 1000).toFixed(1)} s (limit 5 s); all done ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  expect(timedOut).toHaveLength(150);
  expect(closedAfter[closedAfter.length - 1]).toBeLessThan(10_000);

  const big: number[] = [];
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${s.apiUrl}/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: Buffer.alloc(3 * 1024 * 1024, 'a'),
    });
    await response.text();
    big.push(response.status);
  }
  expect(big).toEqual([413, 413, 413, 413, 413]);
  s.notes.push(`3 MB bodies through fetch: ${big.join(', ')}`);
  await sleep(2000);
  judge(await s.finish());
});
