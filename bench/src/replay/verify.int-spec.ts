/**
 * The replay benchmark's independent verification, as a test: a generated log (the benchmark's
 * generator, small) is written to a real topic, replayed in full into a real database, and the
 * rebuilt read model must match what the generator wrote and the statuses the domain folds again
 * from the stored events. A read model that drifted must fail the same check.
 */
import { JsonLogger, loadGazetteer } from '@sitrep/platform';
import { Stack, startStack } from '../../../test/support/stack';
import { fullReplay } from './full-replay';
import { produceLog } from './produce-log';
import { verify } from './verify';

const PARTITIONS = 3;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ projector: false, partitions: PARTITIONS });
});
afterAll(async () => {
  await stack?.stop();
});

it('a generated log replays to a read model that matches the generator and the domain', async () => {
  const gazetteer = loadGazetteer();
  const produced = await produceLog(stack.kafka, stack.topics, gazetteer, {
    events: 4000,
    seed: 7,
    partitions: PARTITIONS,
    progress: false,
  });
  expect(produced.messages).toBe(4000);
  expect(produced.unique).toBeLessThan(produced.messages); // the generator writes duplicates
  expect(produced.counts['dispute']).toBeGreaterThan(0);
  expect(produced.counts['curator-retract']).toBeGreaterThan(0);

  const replay = await fullReplay({
    pool: stack.pool,
    kafka: stack.kafka,
    topics: stack.topics,
    partitions: PARTITIONS,
    gazetteer,
    logger: new JsonLogger('replay-verify-test', 'error'),
  });
  expect(replay).toMatchObject({ state: 'done', error: null, processed: produced.messages });

  const verification = await verify(stack.pool, gazetteer, produced.eventsChecksum);
  expect(verification.events.stored).toBe(produced.eventsChecksum);
  expect(verification.districts.stored).toBe(verification.districts.expected);
  expect(verification.staleBodies).toBe(0);
  expect(verification.ok).toBe(true);

  // A status that drifted from the log, and an event the log never had, are both caught.
  const schema = await stack.readModelSchema();
  await stack.pool.query(
    `UPDATE ${schema}.district_status SET controller = 'nobody' WHERE pcode = (SELECT min(pcode) FROM ${schema}.district_status)`,
  );
  const drifted = await verify(stack.pool, gazetteer, produced.eventsChecksum);
  expect(drifted.ok).toBe(false);
  expect(drifted.districts.stored).not.toBe(drifted.districts.expected);
  expect(drifted.events.stored).toBe(produced.eventsChecksum);
});
