/**
 * npm run bench -- projection [--events 1000000] [--partitions 6] [--seed 42] [--keep] [--no-verify]
 *   [--profile DIR [--profile-from 0.9]] (a CPU profile of the projector from that share of the log on)
 *
 * In one run, on a stack of its own (topic prefix `bench.<random>.`, database
 * `sitrep_bench_<random>`, both deleted at the end unless --keep):
 *   1. generates a realistic claim log of the given size onto the claim topic (as the replay
 *      benchmark does: libs/domain/src/testing/claim-log);
 *   2. starts the live projector (apps/projector, in a process of its own, as main.ts starts it)
 *      on an empty database and times it catching up: events/s over each tenth of the log, the
 *      first and the last tenth compared, then until the observed timelines are settled;
 *   3. checks the read model against references computed independently (the events the
 *      generator wrote; the statuses folded again from the stored events by the domain), then
 *      replays the same log in full (in a process of its own, as `npm run replay` does) and
 *      compares the rebuilt version's checksums, timelines included, with the live projector's;
 *   4. runs Kafka's ConsumerPerformance on the same topic, for the ratio;
 *   5. prints a summary.
 */
import { createKafka, createPool, JsonLogger, loadConfig, loadGazetteer } from '@sitrep/platform';
import { loadavg } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consumerPerformance, ConsumerPerfResult } from '../kafka-perf';
import { produceLog } from '../replay/produce-log';
import { replayInChild } from '../replay/replay-child';
import { verify, Verification } from '../replay/verify';
import { benchStack, cleanUp, serviceEnv } from '../support/bench-stack';
import { log, mib } from '../support/output';
import { summariseProfile } from '../support/profile-summary';
import { waitForProjection } from '../support/projection-wait';
import { share, wholeNumber } from '../support/options';
import { Service } from '../support/service';
import { cpuBetween, serverCpu } from '../support/server-cpu';
import { CatchUp, printProjectionSummary, Tenths } from './summary';

const USAGE =
  'usage: npm run bench -- projection [--events 1000000] [--partitions 6] [--seed 42] [--profile DIR [--profile-from 0.9]] [--no-verify] [--no-kafka-perf] [--keep]';

export interface ProjectionBenchOptions {
  readonly events: number;
  readonly partitions: number;
  readonly seed: number;
  readonly profile: string | undefined;
  /** Share of the log applied when the profile starts (0: from the start). */
  readonly profileFrom: number;
  readonly verify: boolean;
  readonly kafkaPerf: boolean;
  readonly keep: boolean;
}

export async function runProjectionBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '1000000' },
      partitions: { type: 'string', default: '6' },
      seed: { type: 'string', default: '42' },
      profile: { type: 'string' },
      'profile-from': { type: 'string', default: '0' },
      'no-verify': { type: 'boolean', default: false },
      'no-kafka-perf': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const whole = (name: string, raw: string, min: number) => wholeNumber(name, raw, USAGE, min);
  await benchProjection({
    events: whole('events', values.events, 10),
    partitions: whole('partitions', values.partitions, 1),
    seed: whole('seed', values.seed, 0),
    profile: values.profile,
    profileFrom: share('profile-from', values['profile-from'], USAGE),
    verify: !values['no-verify'],
    kafkaPerf: !values['no-kafka-perf'],
    keep: values.keep,
  });
}

async function benchProjection(options: ProjectionBenchOptions): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('bench', 'warn');
  const stack = benchStack(config.databaseUrl);
  const kafka = createKafka(config, 'sitrep-bench', logger);
  const admin = kafka.admin();
  const gazetteer = loadGazetteer();
  const perfGroup = `${stack.prefix}consumer-perf`;
  const pool = createPool(stack.databaseUrl, 2);
  let projector: Service | undefined;
  log(
    `bench ${stack.tag}: topic ${stack.topics.claims} (${options.partitions} partitions), database ${stack.databaseName}`,
  );
  try {
    await admin.connect();
    // 1. The log.
    const produced = await produceLog(kafka, stack.topics, gazetteer, options);
    log(
      `produced ${produced.messages.toLocaleString('en')} messages (${mib(produced.bytes)}) in ${produced.seconds.toFixed(1)} s`,
    );

    // 2. The projector, from an empty database, timed tenth by tenth.
    const loadBefore = loadavg()[0]!;
    const started = Date.now();
    projector = await Service.start(
      'projector',
      serviceEnv(stack, config.kafkaBrokers, {
        SITREP_PARTITIONS: String(options.partitions),
        PROJECTOR_METRICS_PORT: '0',
      }),
    );
    const startSeconds = (Date.now() - started) / 1000;
    const profiled = projector;
    let profiling: Promise<unknown> | undefined;
    const startProfile = () => (profiling ??= profiled.request({ type: 'profile-start' }));
    if (options.profile && options.profileFrom === 0) await startProfile();
    const cpuBefore = await projector.cpuSeconds();
    await projector.eventLoop();
    const serversBefore = serverCpu();
    const tenths = new Tenths(produced.messages);
    const waited = await waitForProjection(pool, admin, stack.topics.claims, {
      timeoutMs: 3_600_000,
      settled: true,
      everyMs: 100,
      label: 'catching up',
      onProgress: (p) => {
        tenths.observe(p.applied, p.elapsedMs);
        if (options.profile && p.applied >= options.profileFrom * produced.messages)
          void startProfile();
      },
    });
    const cpuSeconds = (await projector.cpuSeconds()) - cpuBefore;
    const eventLoop = await projector.eventLoop();
    const servers = cpuBetween(serversBefore, serverCpu());
    if (options.profile) {
      mkdirSync(resolve(options.profile), { recursive: true });
      const file = join(resolve(options.profile), 'projector.cpuprofile');
      await startProfile();
      await projector.request({ type: 'profile-stop', file });
      printProfile(file);
    }
    await projector.stop();
    projector = undefined;
    const catchUp: CatchUp = {
      startSeconds,
      appliedSeconds: waited.appliedSeconds,
      settledSeconds: waited.settledSeconds,
      cpuSeconds,
      eventLoop,
      servers,
      load: [loadBefore, loadavg()[0]!],
      tenths: tenths.rates(),
    };

    // 3. Is it right? And does a replay of the same log write the very same rows?
    let verification: Verification | undefined;
    let replayMatches: boolean | undefined;
    if (options.verify) {
      log('verifying the read model independently…');
      verification = await verify(pool, gazetteer, produced.eventsChecksum);
      log("replaying the same log to compare with the live projector's read model…");
      const { replay } = await replayInChild({
        prefix: stack.prefix,
        databaseUrl: stack.databaseUrl,
        partitions: options.partitions,
        expectedEvents: undefined,
        profile: undefined,
        keepOld: options.keep,
      });
      replayMatches = replay.checksumMatch;
      if (replay.checksumMismatch) log(`checksums differ: ${replay.checksumMismatch}`);
    }

    // 4. Kafka's own consumer on the same topic.
    let perf: ConsumerPerfResult | undefined;
    if (options.kafkaPerf) {
      log('running ConsumerPerformance on the same topic…');
      perf = await consumerPerformance({
        bootstrap: config.kafkaBrokers.join(','),
        topic: stack.topics.claims,
        messages: produced.messages,
        group: perfGroup,
        fetchBytes: 4 * 1024 * 1024,
      });
    }

    // 5. Summary.
    printProjectionSummary(options, produced, catchUp, { verification, replayMatches }, perf);
  } finally {
    await projector?.stop().catch(() => undefined);
    await pool.end();
    await admin.disconnect().catch(() => undefined);
    if (options.keep) log(`kept: topic ${stack.topics.claims}, database ${stack.databaseUrl}`);
    else
      await cleanUp(
        kafka,
        stack.topics,
        [stack.topics.projectorGroup, perfGroup],
        stack.databaseUrl,
      ).catch((error: Error) => log(`clean-up failed: ${error.message}`));
  }
}

/** Where the projector spent its CPU while catching up (self time by package, then function). */
function printProfile(file: string): void {
  const summary = summariseProfile(file, 20);
  const share = (ms: number) => `${((100 * ms) / Math.max(1, summary.busyMs)).toFixed(1)}%`;
  log(
    `${file}: busy ${(summary.busyMs / 1000).toFixed(1)} s of ${(summary.totalMs / 1000).toFixed(1)} s`,
  );
  log(`  by package: ${summary.byPackage.map((p) => `${p.name} ${share(p.ms)}`).join(', ')}`);
  for (const f of summary.byFunction) log(`  ${share(f.ms).padStart(6)}  ${f.name}`);
}
