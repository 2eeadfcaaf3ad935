/**
 * A real cluster (issue 8, point 9): three brokers of the suite's own, topics replicated 3 times
 * with min.insync.replicas 2. One broker is SIGKILLed during ingest and brought back: no
 * acknowledged report lost, the API keeps accepting (at most a short burst of 503s), the
 * projector keeps going.
 */
import { Scenario } from './support/scenario';
import { stackOfItsOwn } from './support/stack-of-its-own';
import { judge, sleep } from './support/suite';

const stack = stackOfItsOwn({
  brokers: 3,
  port: Number(process.env['CHAOS_CLUSTER_PORT'] || 29092),
  folder: 'kafka-cluster',
  title: '3-broker cluster',
});
const { kafka } = stack;

it('one broker of three SIGKILLed during ingest and brought back', async () => {
  const s = await Scenario.start('cluster-broker-kill', stack.infra);
  const admin = s.kafka.admin();
  await admin.connect();
  const { topics } = await admin.fetchTopicMetadata({ topics: [s.claimsTopic] });
  const [described] = (
    await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: s.claimsTopic, configNames: ['min.insync.replicas'] }],
    })
  ).resources;
  await admin.disconnect();
  const replicas = topics[0]!.partitions.map((p) => p.replicas.length);
  const minIsr = described!.configEntries.find(
    (e) => e.configName === 'min.insync.replicas',
  )?.configValue;
  s.notes.push(
    `claim topic: replicas per partition ${replicas.join(', ')}; min.insync.replicas ${minIsr}`,
  );
  expect(replicas.every((r) => r === 3)).toBe(true);
  expect(minIsr).toBe('2');

  s.load.start();
  await sleep(5000);
  const killed = Date.now();
  await kafka.kill(2);
  await sleep(12_000);
  await kafka.startNode(2);
  await s.recovered('broker 2 of 3 back after a SIGKILL, 12 s down', Date.now());
  s.notes.push(
    `first acknowledgement after the kill: ${((s.load.firstAckAfter(killed) ?? NaN) / 1000).toFixed(1)} s`,
  );
  await sleep(4000);
  const verdict = await s.finish();
  judge(verdict);
  // The API kept accepting: no stretch without an acknowledgement longer than a short burst.
  expect(verdict.load.longestOutageMs).toBeLessThan(15_000);
});
