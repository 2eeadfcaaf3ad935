/**
 * What the answer says around the Kafka commit, through HTTP on a real stack: work after the
 * commit cannot turn a committed report into an error, and a broker that does not answer gets
 * every report a 503 within KAFKA_TIMEOUT_MS of its arrival, however many wait.
 */
import { Json, startStack, Stack } from './support/stack';
import { silentBroker } from './support/silent-broker';
import { talibanControlReport } from './support/reports';

let stack: Stack;

const report = (reportId: string) => talibanControlReport(reportId);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // No projector: it records `report_claims` from the log too, and must not help here.
  stack = await startStack({ projector: false });
});

afterAll(async () => {
  await stack?.stop();
});

describe('given Postgres refuses the claims of reports just committed to Kafka', () => {
  afterEach(async () => {
    await stack.pool.query('ALTER TABLE report_claims DROP CONSTRAINT IF EXISTS refuse_poison');
  });

  it('then every report of the transaction is answered 201 with its ids, and recorded later', async () => {
    await stack.pool.query(
      "ALTER TABLE report_claims ADD CONSTRAINT refuse_poison CHECK (report_id NOT LIKE 'poison-%')",
    );
    const ids = ['poison-1', 'fine-1', 'fine-2', 'poison-2', 'fine-3'];
    const answers = await Promise.all(ids.map((id) => stack.post('/v1/reports', report(id))));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    answers.forEach((a, i) => expect(a.body).toMatchObject({ reportId: ids[i] }));

    // The log has them, once each.
    const logged = await stack.consume(stack.topics.claims, (m) => m.length >= ids.length);
    expect(logged.map((m) => JSON.parse(m.value!.toString()).reportId).sort()).toEqual(
      [...ids].sort(),
    );
    // While Postgres still refuses, this instance still knows them: the same report is a 200.
    const again = await stack.post('/v1/reports', report('poison-1'));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answers[0]!.body);

    // Once Postgres takes them again, the retry records them: any instance answers 200.
    await stack.pool.query('ALTER TABLE report_claims DROP CONSTRAINT refuse_poison');
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { rows } = await stack.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM report_claims WHERE report_id LIKE 'poison-%'",
      );
      if (rows[0]!.n === 2) break;
      if (Date.now() > deadline) throw new Error('the claims of poison-1/2 were never recorded');
      await sleep(200);
    }
    const other = await stack.startApi();
    try {
      const answer = await other.http.post('/v1/reports', report('poison-2'));
      expect(answer.status).toBe(200);
      // Another process knows where the events are only once the projector applied them (none
      // runs here): its 200 has no consistency token.
      const { consistencyToken, ...receipt } = answers[3]!.body;
      expect(consistencyToken).toEqual(expect.any(String));
      expect(answer.body).toEqual(receipt);
    } finally {
      await other.close();
    }
  });
});

describe('given a broker that accepts connections and never answers', () => {
  const silent = silentBroker();

  it('then each report gets 503 with Retry-After within KAFKA_TIMEOUT_MS of its arrival', async () => {
    const timeout = 1500;
    const down = await stack.startApi({
      KAFKA_BROKERS: silent.address,
      KAFKA_TIMEOUT_MS: String(timeout),
    });
    try {
      // Staggered: the later ones arrive while the earlier ones still wait for the broker.
      const answers = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          await sleep(i * 300);
          const started = Date.now();
          const response = await down.http.post('/v1/reports', report(`silent-${i}`));
          return { response, elapsed: Date.now() - started };
        }),
      );
      for (const { response, elapsed } of answers) {
        expect(response.status).toBe(503);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect((response.body as Json).detail).toMatch(
          /Nothing was recorded|may or may not have been recorded/,
        );
        expect(elapsed).toBeGreaterThanOrEqual(timeout - 50);
        expect(elapsed).toBeLessThan(timeout + 500);
      }
    } finally {
      await down.close();
    }
  });
});
