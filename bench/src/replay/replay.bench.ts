/**
 * npm run bench -- replay [--events 1000000] [--partitions 6] [--seed 42] [--keep] [--no-verify]
 *
 * In one run, on a stack of its own (topic prefix `bench.<random>.`, database
 * `sitrep_bench_<random>`, both deleted at the end unless --keep):
 *   1. generates a realistic claim log of the given size onto the claim topic
 *      (libs/domain/src/testing/claim-log);
 *   2. replays it in full into the bench database (`Replayer`, as `npm run replay` does) and
 *      measures the replay's speed, its wall time, its memory and where its time goes;
 *   3. checks the rebuilt read model against references computed independently (the events the
 *      generator wrote, and the statuses folded again from the stored events by the domain);
 *   4. runs Kafka's own consumer benchmark (ConsumerPerformance) on the same topic;
 *   5. prints a summary.
 */
import { createKafka, JsonLogger, loadConfig, loadGazetteer } from '@sitrep/platform';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { consumerPerformance, ConsumerPerfResult } from '../kafka-perf';
import { benchStack, cleanUp } from '../support/bench-stack';
import { log, mib, rate } from '../support/output';
import { Produced, produceLog } from './produce-log';
import { REPLAY_CHILD, replayChild, replayInChild } from './replay-child';
import { printSummary } from './summary';
import { wholeNumber } from '../support/options';

const USAGE =
  'usage: npm run bench -- replay [--events 1000000] [--partitions 6] [--seed 42] [--keep] [--reuse TAG] [--profile FILE] [--no-verify] [--no-kafka-perf]';

interface ReplayBenchOptions {
  readonly events: number;
  readonly partitions: number;
  readonly seed: number;
  readonly keep: boolean;
  /** Replay the topic kept (--keep) by an earlier run, named by its tag, instead of a new log. */
  readonly reuse: string | undefined;
  /** Write a CPU profile of the replay (only) to this file (.cpuprofile, for Chrome DevTools). */
  readonly profile: string | undefined;
  readonly verify: boolean;
  readonly kafkaPerf: boolean;
}

export async function runReplayBench(args: string[]): Promise<void> {
  if (args[0] === REPLAY_CHILD) return replayChild(args[1]);
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '100000' },
      partitions: { type: 'string', default: '6' },
      seed: { type: 'string', default: '42' },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'string' },
      profile: { type: 'string' },
      'no-verify': { type: 'boolean', default: false },
      'no-kafka-perf': { type: 'boolean', default: false },
    },
    strict: true,
  });
  await benchReplay({
    events: wholeNumber('events', values.events, USAGE, 1),
    partitions: wholeNumber('partitions', values.partitions, USAGE, 1),
    seed: wholeNumber('seed', values.seed, USAGE, 0),
    keep: values.keep,
    reuse: values.reuse,
    profile: values.profile,
    verify: !values['no-verify'],
    kafkaPerf: !values['no-kafka-perf'],
  });
}

async function benchReplay(options: ReplayBenchOptions): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('bench', config.logLevel === 'info' ? 'warn' : config.logLevel);
  const stack = benchStack(config.databaseUrl, options.reuse);
  const { tag, topics, databaseUrl } = stack;
  const kafka = createKafka(config, 'sitrep-bench', logger);
  const gazetteer = loadGazetteer();
  const perfGroup = `bench.${tag}.consumer-perf`;
  log(
    `bench ${tag}: topic ${topics.claims} (${options.partitions} partitions), database ${stack.databaseName}`,
  );

  try {
    // 1. The log.
    const saved = join(tmpdir(), `sitrep-bench-${options.reuse ?? tag}.json`);
    let produced: Produced;
    if (options.reuse) {
      produced = JSON.parse(readFileSync(saved, 'utf8')) as Produced;
    } else {
      produced = await produceLog(kafka, topics, gazetteer, options);
      if (options.keep) writeFileSync(saved, JSON.stringify(produced));
    }
    log(
      `produced ${produced.messages.toLocaleString('en')} messages (${mib(produced.bytes)}) in ${produced.seconds.toFixed(1)} s: ${rate(produced.messages / produced.seconds)} msg/s`,
    );

    // 2. The replay, into a database of its own, in a process of its own, and 3. is it right?
    const { replay, verification } = await replayInChild({
      prefix: stack.prefix,
      databaseUrl,
      partitions: options.partitions,
      expectedEvents: options.verify ? produced.eventsChecksum : undefined,
      profile: options.profile,
    });

    // 4. Kafka's own consumer on the same topic.
    let perf: ConsumerPerfResult | undefined;
    if (options.kafkaPerf) {
      log('running ConsumerPerformance on the same topic…');
      perf = await consumerPerformance({
        bootstrap: config.kafkaBrokers.join(','),
        topic: topics.claims,
        messages: produced.messages,
        group: perfGroup,
        fetchBytes: 16 * 1024 * 1024,
      });
    }

    // 5. Summary.
    printSummary(options, produced, replay, verification, perf);
  } finally {
    if (options.keep) {
      log(
        `kept (reuse with --reuse ${options.reuse ?? tag}): topic ${topics.claims}, database ${databaseUrl}`,
      );
    } else {
      // A reused topic stays: it belongs to the run that kept it.
      await cleanUp(kafka, options.reuse ? undefined : topics, [perfGroup], databaseUrl).catch(
        (error: Error) => log(`clean-up failed: ${error.message}`),
      );
    }
  }
}
