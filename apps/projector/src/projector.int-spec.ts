/**
 * The projector against a real Kafka broker and a real Postgres: the happy path, duplicates in the
 * log, poison events, a crash inside the batch transaction and a hard kill (SIGKILL) while events
 * flow. Effects must be exactly once: every accepted claim in the read model once, checkpoints at
 * the topic's high watermarks, statuses as the pure status function says.
 */
import { claimAsserted } from '@sitrep/domain';
import { loadGazetteer } from '@sitrep/platform';
import { CheckpointsRepository } from '@sitrep/projection';
import { randomUUID } from 'node:crypto';
import { PoolClient } from 'pg';
import { Json, startStack, Stack } from '../../../test/support/stack';

const gazetteer = loadGazetteer();
let stack: Stack;

const controlReport = (
  reportId: string,
  claims: readonly { place: string; actor: string; claimant?: string; observedAt?: string }[],
) => ({
  reportId,
  source: { outlet: 'Integration test', reliability: 'C' },
  claims: claims.map((c) => ({
    claimant: c.claimant ?? c.actor,
    kind: 'control',
    actor: c.actor,
    place: c.place,
    observedAt: c.observedAt ?? '2021-09-01T12:00:00Z',
  })),
});

async function submit(report: unknown): Promise<Json> {
  const response = await stack.post('/v1/reports', report);
  if (response.status !== 201) throw new Error(`${response.status}: ${response.text}`);
  return response.body;
}

/** A claim event as the API writes it, for tests that produce to the topic directly. */
function assertedEvent(pcode: string, actor: string, id: string = randomUUID()) {
  const place = gazetteer.place(pcode)!;
  return claimAsserted(
    {
      id,
      reportId: `direct-${id}`,
      index: 0,
      reportDigest: 'direct',
      claimant: actor,
      observedAt: '2021-09-02T12:00:00.000Z',
      recordedAt: new Date().toISOString(),
      place: { ...place, input: pcode, resolution: 'pcode' },
      source: { outlet: 'Integration test' },
      submittedBy: { keyId: 'test-key', name: 'integration test' },
    },
    { kind: 'control', actor, precision: 'exact' },
  );
}

async function produce(
  messages: readonly {
    key: string;
    value: string | Buffer | null;
    headers?: Record<string, string>;
  }[],
): Promise<{ partition: number; baseOffset: string }[]> {
  const producer = stack.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const sent = await producer.send({
      topic: stack.topics.claims,
      acks: -1,
      messages: [...messages],
    });
    return sent.map((m) => ({ partition: m.partition, baseOffset: m.baseOffset ?? '-1' }));
  } finally {
    await producer.disconnect();
  }
}

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const schema = await stack.readModelSchema();
  return (await stack.pool.query(sql.replace(/\$schema/g, schema), params)).rows as T[];
}

async function statusesOf(pcodes: readonly string[]): Promise<Record<string, string>> {
  const found = await rows<{ pcode: string; status: string; controller: string | null }>(
    'SELECT pcode, status, controller FROM $schema.district_status WHERE pcode = ANY($1::text[])',
    [pcodes],
  );
  return Object.fromEntries(found.map((r) => [r.pcode, `${r.status}:${r.controller}`]));
}

/** Checkpoint == high watermark on every partition, and no claim id twice in the events. */
async function expectExactlyOnce(claimIds: readonly string[]): Promise<void> {
  await stack.waitForProjection(60_000);
  const high = await stack.highWatermarks();
  const checkpoints = await stack.checkpoints();
  for (const [partition, next] of high) expect(checkpoints.get(partition) ?? 0).toBe(next);
  const found = await rows<{ claim_id: string }>(
    'SELECT claim_id FROM $schema.events WHERE claim_id = ANY($1::uuid[])',
    [claimIds],
  );
  expect(found.map((r) => r.claim_id).sort()).toEqual([...claimIds].sort());
  const total = await rows<{ n: number; distinct: number }>(
    'SELECT count(*)::int AS n, count(DISTINCT claim_id)::int AS distinct FROM $schema.events',
  );
  expect(total[0]!.n).toBe(total[0]!.distinct);
  const reports = await stack.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM report_claims WHERE claim_id = ANY($1::uuid[])',
    [claimIds],
  );
  expect(reports.rows[0]!.n).toBe(claimIds.length);
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  jest.restoreAllMocks();
  await stack?.stop();
});

describe('given a report through the API', () => {
  it('then the projector writes events, statuses, positions and the checkpoint, and the API reads them', async () => {
    const receipt = await submit(
      controlReport('happy-1', [
        { place: 'Rukha', actor: 'taliban' },
        { place: 'Anawa', actor: 'nrf', observedAt: '2021-09-01T10:00:00Z' },
        { place: 'Anawa', actor: 'taliban', observedAt: '2021-09-01T11:00:00Z' },
      ]),
    );
    const ids: string[] = receipt.claims.map((c: Json) => c.claimId);
    await expectExactlyOnce(ids);

    const events = await rows<{ claim_id: string; partition: number; log_offset: string }>(
      'SELECT claim_id, partition, log_offset FROM $schema.events WHERE claim_id = ANY($1::uuid[]) ORDER BY log_offset',
      [ids],
    );
    expect(events.map((e) => e.claim_id)).toEqual(ids);
    expect(new Set(events.map((e) => e.partition)).size).toBe(1);

    expect(await statusesOf(['AF0802', 'AF0805'])).toEqual({
      AF0802: 'claimed:taliban',
      AF0805: 'contested:taliban',
    });
    const positions = await rows<{ district: string; claimant: string; actor: string }>(
      'SELECT district, claimant, actor FROM $schema.positions WHERE district = ANY($1::text[]) ORDER BY district, claimant',
      [['AF0802', 'AF0805']],
    );
    expect(positions).toEqual([
      { district: 'AF0802', claimant: 'taliban', actor: 'taliban' },
      { district: 'AF0805', claimant: 'nrf', actor: 'nrf' },
      { district: 'AF0805', claimant: 'taliban', actor: 'taliban' },
    ]);

    const read = await stack.get('/v1/districts/AF0805');
    expect(read.body).toMatchObject({ status: 'contested', controller: 'taliban' });
    const health = await stack.get('/health/ready');
    expect(health.body).toMatchObject({ status: 'ready', projector: { lag: 0 } });
  });
});

describe('given the same claim id twice in the log', () => {
  it('then it is applied once, at its first position', async () => {
    const before = await stack.eventCount();
    const event = assertedEvent('AF1401', 'taliban');
    const value = JSON.stringify(event);
    const [sent] = await produce([
      { key: 'AF14', value, headers: { type: event.type, schema: String(event.schema) } },
      { key: 'AF14', value, headers: { type: event.type, schema: String(event.schema) } },
    ]);
    await stack.waitForProjection();
    // …and once more, in a later batch.
    await produce([{ key: 'AF14', value }]);
    await stack.waitForProjection();

    expect(await stack.eventCount()).toBe(before + 1);
    const stored = await rows<{ partition: number; log_offset: string }>(
      'SELECT partition, log_offset FROM $schema.events WHERE claim_id = $1',
      [event.id],
    );
    expect(stored).toEqual([{ partition: sent!.partition, log_offset: sent!.baseOffset }]);
    expect(await statusesOf(['AF1401'])).toEqual({ AF1401: 'claimed:taliban' });

    // A copy of an event the API wrote (a producer retry, a replayed import) changes nothing either.
    const [copied] = await rows<{ body: Json; claim_id: string }>(
      "SELECT claim_id, body FROM $schema.events WHERE report_id = 'happy-1' ORDER BY log_offset LIMIT 1",
    );
    await produce([{ key: copied!.body.place.province, value: JSON.stringify(copied!.body) }]);
    await stack.waitForProjection();
    expect(await stack.eventCount()).toBe(before + 1);
    expect(await statusesOf(['AF0802'])).toEqual({ AF0802: 'claimed:taliban' });
    const dead = await rows('SELECT 1 FROM $schema.dead_letters');
    expect(dead).toEqual([]);
  });
});

describe('given events as producers wrote them', () => {
  it('then each body is the message as it came, escaped for Postgres where it must be', async () => {
    const compact = assertedEvent('AF1402', 'taliban');
    // Another producer's style: indented, with a tab, and characters JSON escapes.
    const spaced = assertedEvent('AF1403', 'nrf');
    const quoted = { ...spaced, source: { outlet: 'The \\ "Wire"\t\u00e9' } };
    const values = [JSON.stringify(compact), JSON.stringify(quoted, null, '\t')];
    // And one whose bytes are not UTF-8 inside a string: decoded with a replacement character.
    const garbled = assertedEvent('AF1404', 'isk');
    const bytes = Buffer.from(JSON.stringify({ ...garbled, source: { outlet: 'WIRE' } }));
    bytes[bytes.indexOf('WIRE') + 1] = 0xff;
    await produce([...values, bytes].map((value) => ({ key: 'AF14', value })));
    await stack.waitForProjection();

    const stored = await rows<{ claim_id: string; body: string }>(
      'SELECT claim_id, body::text AS body FROM $schema.events WHERE claim_id = ANY($1::uuid[])',
      [[compact.id, spaced.id, garbled.id]],
    );
    const bodyOf = new Map(stored.map((r) => [r.claim_id, r.body]));
    expect(bodyOf.get(compact.id)).toBe(values[0]);
    expect(bodyOf.get(spaced.id)).toBe(values[1]);
    expect(JSON.parse(bodyOf.get(spaced.id)!)).toEqual(quoted);
    const read = await stack.get(`/v1/claims/${spaced.id}`);
    expect(read.body.source).toEqual({ outlet: 'The \\ "Wire"\t\u00e9' });
    expect(JSON.parse(bodyOf.get(garbled.id)!).source).toEqual({ outlet: 'W\ufffdRE' });
    expect(await rows('SELECT 1 FROM $schema.dead_letters')).toEqual([]);
  });
});

describe('given poison events on the claim topic', () => {
  it('then they go to the dead-letter topic with a reason, and the partition goes on', async () => {
    const binary = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x7b]);
    const text = '{"id": "half a message';
    const future = { ...assertedEvent('AF0801', 'taliban'), schema: 99 };
    const valid = assertedEvent('AF0801', 'taliban');
    const nowhere = { ...valid, place: { ...valid.place, pcode: 'AF0899' } };
    const poison = [
      { value: binary, reason: /NUL/ },
      { value: text, reason: /not JSON/ },
      { value: JSON.stringify(future), reason: /unknown schema 99/ },
      { value: JSON.stringify(nowhere), reason: /AF0899/ },
    ];
    const sent = await produce(poison.map(({ value }) => ({ key: 'AF08', value })));
    const partition = sent[0]!.partition;
    const first = Number(sent[0]!.baseOffset);
    const offsets = poison.map((_, i) => first + i);
    // A valid report about the same province, hence the same partition, after the poison.
    const receipt = await submit(
      controlReport('after-poison', [{ place: 'Bazarak', actor: 'nrf' }]),
    );
    await expectExactlyOnce([receipt.claims[0].claimId]);
    expect(await statusesOf(['AF0801'])).toEqual({ AF0801: 'claimed:nrf' });

    const letters = await rows<{ partition: number; log_offset: string; reason: string }>(
      'SELECT partition, log_offset, reason FROM $schema.dead_letters WHERE topic = $1 ORDER BY log_offset',
      [stack.topics.claims],
    );
    expect(letters.map((l) => [l.partition, Number(l.log_offset)])).toEqual(
      offsets.map((o) => [partition, o]),
    );
    poison.forEach(({ reason }, i) => expect(letters[i]!.reason).toMatch(reason));

    const dlq = await stack.consume(stack.topics.deadLetters, (m) => m.length >= poison.length);
    const bySource = new Map(
      dlq.map((m) => [Number(String(m.headers?.['source-offset'])), m] as const),
    );
    expect([...bySource.keys()].sort((a, b) => a - b)).toEqual(offsets);
    for (const [offset, message] of bySource) {
      const letter = letters.find((l) => Number(l.log_offset) === offset)!;
      expect(String(message.headers?.['reason'])).toBe(letter.reason);
      expect(String(message.headers?.['source-topic'])).toBe(stack.topics.claims);
      expect(String(message.headers?.['source-partition'])).toBe(String(partition));
      expect(message.key?.toString()).toBe('AF08');
    }
    // The dead letter keeps the original bytes.
    expect(bySource.get(first)!.value).toEqual(binary);
    expect(JSON.parse(bySource.get(first + 2)!.value!.toString())).toEqual(future);
  });

  it('then events that decode but Postgres refuses (id not a UUID, time "1", index 1.5) do not block the partition', async () => {
    const badId = { ...assertedEvent('AF0803', 'taliban'), id: 'not-a-uuid' };
    const badTime = { ...assertedEvent('AF0803', 'taliban'), observedAt: '1' }; // Date.parse: 2001
    const badIndex = { ...assertedEvent('AF0803', 'taliban'), index: 1.5 };
    const sent = await produce(
      [badId, badTime, badIndex].map((e) => ({ key: 'AF08', value: JSON.stringify(e) })),
    );
    const first = Number(sent[0]!.baseOffset);
    const receipt = await submit(controlReport('after-bad-id', [{ place: 'Dara', actor: 'nrf' }]));
    await expectExactlyOnce([receipt.claims[0].claimId]);
    expect(await statusesOf(['AF0803'])).toEqual({ AF0803: 'claimed:nrf' });
    const letters = await rows<{ log_offset: string }>(
      'SELECT log_offset FROM $schema.dead_letters WHERE partition = $1 AND log_offset >= $2 ORDER BY log_offset',
      [sent[0]!.partition, first],
    );
    expect(letters.map((l) => Number(l.log_offset))).toEqual([first, first + 1, first + 2]);
    expect(
      await rows('SELECT 1 FROM $schema.events WHERE claim_id = ANY($1::uuid[])', [
        [badTime.id, badIndex.id],
      ]),
    ).toEqual([]);
  });
});

describe('given a crash inside the batch transaction', () => {
  it('then nothing of the batch is kept, and after a restart every event is applied exactly once', async () => {
    const schema = await stack.readModelSchema();
    const original = CheckpointsRepository.prototype.save;
    let failing = true;
    let rowsWrittenBeforeCrash = 0;
    // Fail every batch holding report crash-1, after its rows were written, until told otherwise.
    const spy = jest
      .spyOn(CheckpointsRepository.prototype, 'save')
      .mockImplementation(async function (this: CheckpointsRepository, topic, checkpoints) {
        if (failing) {
          const client = (this as unknown as { client: PoolClient }).client;
          const { rows: inside } = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${schema}.events WHERE report_id = 'crash-1'`,
          );
          if (inside[0]!.n > 0) {
            rowsWrittenBeforeCrash = inside[0]!.n;
            throw new Error('injected crash: after the rows, before the checkpoint');
          }
        }
        return original.call(this, topic, checkpoints);
      });
    try {
      const crash = await submit(
        controlReport('crash-1', [
          { place: 'AF1001', actor: 'taliban' },
          { place: 'AF1002', actor: 'nrf' },
          { place: 'AF1003', actor: 'taliban' },
        ]),
      );
      const ids: string[] = crash.claims.map((c: Json) => c.claimId);
      const deadline = Date.now() + 20_000;
      while (rowsWrittenBeforeCrash === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(rowsWrittenBeforeCrash).toBeGreaterThan(0);

      // The rows were written inside the transaction, yet none is visible outside it…
      expect(await rows("SELECT 1 FROM $schema.events WHERE report_id = 'crash-1'")).toHaveLength(
        0,
      );
      expect(await statusesOf(['AF1001', 'AF1002', 'AF1003'])).toEqual({});
      // …and the checkpoint of their partition did not move past them.
      const high = await stack.highWatermarks();
      const checkpoints = await stack.checkpoints();
      const behind = [...high].filter(([p, next]) => (checkpoints.get(p) ?? 0) < next);
      expect(behind).toHaveLength(1);

      // Restart the projector, working again.
      await stack.stopProjector();
      failing = false;
      spy.mockRestore();
      const afterRestart = await submit(
        controlReport('crash-2', [
          { place: 'AF1002', actor: 'taliban', observedAt: '2021-09-03T00:00:00Z' },
        ]),
      );
      await stack.startProjector();
      await expectExactlyOnce([...ids, afterRestart.claims[0].claimId]);
      expect(await statusesOf(['AF1001', 'AF1002', 'AF1003'])).toEqual({
        AF1001: 'claimed:taliban',
        AF1002: 'contested:taliban',
        AF1003: 'claimed:taliban',
      });
    } finally {
      failing = false;
      spy.mockRestore();
    }
  });
});

describe('given the projector is killed hard (SIGKILL) while events flow', () => {
  it('then a new projector loses no event and applies none twice', async () => {
    // Districts nobody has claimed yet in this file, across many provinces (so all partitions).
    const districts = gazetteer.districts
      .map((d) => d.pcode)
      .filter((p) => /^AF(1[5-9]|2\d|3[0-4])/.test(p))
      .filter((_, i) => i % 3 === 0)
      .slice(0, 48);
    expect(districts).toHaveLength(48);
    const actorOf = (i: number) => (i % 2 === 0 ? 'taliban' : 'nrf');

    await stack.stopProjector();
    const child = await stack.spawnProjector();
    const claimIds: string[] = [];
    const baseline = await stack.eventCount();
    const lettersBefore = (await rows('SELECT 1 FROM $schema.dead_letters')).length;
    let countAtKill = -1;
    for (let i = 0; i < districts.length; i++) {
      const receipt = await submit(
        controlReport(`flow-${i}`, [{ place: districts[i]!, actor: actorOf(i) }]),
      );
      claimIds.push(receipt.claims[0].claimId);
      if (i === 15) {
        // Let the child get going, then kill it with batches in flight.
        const deadline = Date.now() + 20_000;
        while ((await stack.eventCount()) < baseline + 8 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        countAtKill = await stack.eventCount();
      }
    }
    expect(countAtKill).toBeGreaterThan(baseline);

    await stack.startProjector();
    await expectExactlyOnce(claimIds);
    const expected = Object.fromEntries(districts.map((p, i) => [p, `claimed:${actorOf(i)}`]));
    expect(await statusesOf(districts)).toEqual(expected);
    expect(await rows('SELECT 1 FROM $schema.dead_letters')).toHaveLength(lettersBefore);
  }, 150_000);
});
