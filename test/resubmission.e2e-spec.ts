/**
 * Resubmission rules under concurrency, through HTTP on a real stack with two API instances on
 * the same topic and database (each with its own transactional producers): 50 concurrent
 * submissions of one report give exactly one write, whichever instance they reach.
 */
import { KafkaMessage } from 'kafkajs';
import { ExtraApi, Http, Json, startStack, Stack } from './support/stack';
import { talibanControlReport } from './support/reports';

let stack: Stack;
let second: ExtraApi;
let apis: Http[];

const report = (reportId: string, variant = 0) =>
  talibanControlReport(
    reportId,
    { credibility: 1 + (variant % 6), ...(variant > 0 && { quote: `version ${variant}` }) },
    [
      {
        claimant: 'nrf',
        kind: 'dispute',
        observedAt: '2021-09-05T17:00:00Z',
        target: { index: 0 },
      },
    ],
  );

/** Every message on the claim topic, once nothing more arrives for `quietMs`. */
async function topicMessages(quietMs = 2000): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  let last = Date.now();
  const consumer = stack.kafka.consumer({
    groupId: `${stack.config.topicPrefix}count-${Date.now()}`,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: stack.topics.claims, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message);
        last = Date.now();
      },
    });
    while (messages.length === 0 || Date.now() - last < quietMs) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

const ofReport = (messages: readonly KafkaMessage[], reportId: string) =>
  messages
    .map((m) => JSON.parse(m.value!.toString('utf8')) as Json)
    .filter((e) => e.reportId === reportId);

const count = (statuses: readonly number[]) =>
  statuses.reduce<Record<number, number>>((c, s) => ({ ...c, [s]: (c[s] ?? 0) + 1 }), {});

beforeAll(async () => {
  stack = await startStack({ projector: false });
  second = await stack.startApi();
  apis = [stack, second.http];
});

afterAll(async () => {
  await stack?.stop();
});

describe('given 50 concurrent submissions of one report id, spread over two API instances', () => {
  it('when all are identical, then one 201 and 49 200 with the same ids, and one set of events', async () => {
    const body = report('same-1');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => apis[i % 2]!.post('/v1/reports', body)),
    );
    expect(count(answers.map((a) => a.status))).toEqual({ 201: 1, 200: 49 });
    const { consistencyToken: token, ...created } = answers.find((a) => a.status === 201)!.body;
    expect(token).toEqual(expect.any(String));
    for (const a of answers) {
      // A 200 carries the 201's token when its process knows where the report's events are
      // (the same process wrote them, or the projector has applied them); else none.
      const { consistencyToken, ...rest } = a.body;
      expect(rest).toEqual(created);
      if (consistencyToken !== undefined) expect(consistencyToken).toBe(token);
    }

    const events = ofReport(await topicMessages(), 'same-1');
    expect(events.map((e) => e.id).sort()).toEqual(
      created.claims.map((c: Json) => c.claimId).sort(),
    );
  });

  it('when all differ, then one 201 and 49 409 naming the accepted ids, and one set of events', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        apis[i % 2]!.post('/v1/reports', report('diff-1', i + 1)),
      ),
    );
    expect(count(answers.map((a) => a.status))).toEqual({ 201: 1, 409: 49 });
    const created = answers.find((a) => a.status === 201)!.body;
    const ids = created.claims.map((c: Json) => c.claimId);
    for (const a of answers.filter((a) => a.status === 409)) {
      expect(a.contentType).toMatch(/^application\/problem\+json/);
      expect(a.body.claimIds).toEqual(ids);
    }

    const events = ofReport(await topicMessages(), 'diff-1');
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.reportDigest)).size).toBe(1);
  });

  it('then both instances answer a later resubmission from Postgres alike', async () => {
    for (const api of apis) {
      expect((await api.post('/v1/reports', report('same-1'))).status).toBe(200);
      expect((await api.post('/v1/reports', report('diff-1', 99))).status).toBe(409);
    }
  });
});
