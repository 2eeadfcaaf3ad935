/**
 * npm run bench -- ingest [--connections 128] [--seconds 15] [--claims 1,20] [--apis 1] …
 *
 * In one run, on a stack of its own (topic prefix `bench.<random>.`, database
 * `sitrep_bench_<random>`, both deleted at the end unless --keep):
 *   1. starts the API (`--apis` processes, as main.ts starts it) on the bench's database and topics;
 *   2. warms up, then for each report size of `--claims`, `--connections` concurrent HTTP clients
 *      (autocannon) post distinct reports for `--seconds`: reports/s, claims/s, latency, errors,
 *      the API processes' CPU time;
 *   3. runs Kafka's ProducerPerformance (transactional, acks=all, the API's mean record size)
 *      against the same broker, for the ratio;
 *   4. starts the projector (unless it ran all along, --projector-during), waits for it to apply
 *      the whole topic, and checks that every accepted report is in the read model;
 *   5. prints a summary; exits non-zero when a request failed or an accepted report is missing.
 */
import { Gazetteer } from '@sitrep/domain';
import {
  createKafka,
  createPool,
  ensureTopics,
  JsonLogger,
  loadConfig,
  loadGazetteer,
} from '@sitrep/platform';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { producerPerformance, ProducerPerfResult } from '../kafka-perf';
import { benchStack, cleanUp, serviceEnv } from '../support/bench-stack';
import { log } from '../support/output';
import { summariseProfile } from '../support/profile-summary';
import { LoadResult, runLoad } from './load';
import { checkProjected } from './projection-check';
import { meanRecordSize } from './record-size';
import { ReportBodies } from './report-bodies';
import { waitForProjection } from '../support/projection-wait';
import { Service } from '../support/service';
import { printIngestSummary } from './summary';
import { wholeNumber } from '../support/options';

const USAGE =
  'usage: npm run bench -- ingest [--connections 128] [--seconds 15] [--warmup 3] [--claims 1,20] [--apis 1] [--partitions 6] [--kafka-records 300000] [--no-kafka-perf] [--projector-during] [--profile DIR] [--keep]';

export interface IngestBenchOptions {
  readonly connections: number;
  readonly seconds: number;
  readonly warmup: number;
  readonly claims: readonly number[];
  readonly apis: number;
  readonly partitions: number;
  readonly kafkaRecords: number;
  readonly kafkaPerf: boolean;
  readonly projectorDuring: boolean;
  readonly profile: string | undefined;
  readonly keep: boolean;
}

export interface PhaseFigures extends LoadResult {
  /** CPU seconds of all API processes during the phase, per second of the phase. */
  readonly apiCpu: number;
}

const positive = (name: string, raw: string, min = 1) => wholeNumber(name, raw, USAGE, min);

export async function runIngestBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      connections: { type: 'string', default: '128' },
      seconds: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '3' },
      claims: { type: 'string', default: '1,20' },
      apis: { type: 'string', default: '1' },
      partitions: { type: 'string', default: '6' },
      'kafka-records': { type: 'string', default: '300000' },
      'no-kafka-perf': { type: 'boolean', default: false },
      'projector-during': { type: 'boolean', default: false },
      profile: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  await benchIngest({
    connections: positive('connections', values.connections),
    seconds: positive('seconds', values.seconds),
    warmup: positive('warmup', values.warmup, 0),
    claims: values.claims.split(',').map((c) => positive('claims', c)),
    apis: positive('apis', values.apis),
    partitions: positive('partitions', values.partitions),
    kafkaRecords: positive('kafka-records', values['kafka-records']),
    kafkaPerf: !values['no-kafka-perf'],
    projectorDuring: values['projector-during'],
    profile: values.profile,
    keep: values.keep,
  });
}

async function benchIngest(options: IngestBenchOptions): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('bench', 'warn');
  const stack = benchStack(config.databaseUrl);
  const kafka = createKafka(config, 'sitrep-bench', logger);
  const admin = kafka.admin();
  const gazetteer: Gazetteer = loadGazetteer();
  const perfTopic = `${stack.prefix}producer-perf`;
  const sampleGroup = `${stack.prefix}record-size`;
  const key = `bench-${randomBytes(12).toString('hex')}`;
  const env = serviceEnv(stack, config.kafkaBrokers, {
    SITREP_BOOTSTRAP_KEY: key,
    SITREP_PARTITIONS: String(options.partitions),
    KAFKA_TIMEOUT_MS: String(config.kafkaTimeoutMs),
  });
  const services: Service[] = [];
  const pool = createPool(stack.databaseUrl, 2);
  log(
    `bench ${stack.tag}: topic ${stack.topics.claims} (${options.partitions} partitions), database ${stack.databaseName}, ${options.apis} API process(es)`,
  );
  try {
    await admin.connect();
    await ensureTopics(admin, stack.topics, options.partitions);

    // 1. The API processes (the first one migrates the database).
    const apis = [await Service.start('api', env)];
    for (let i = 1; i < options.apis; i++) apis.push(await Service.start('api', env));
    services.push(...apis);
    if (options.projectorDuring) services.push(await Service.start('projector', env));

    // 2. The load, phase after phase; every accepted report is remembered for step 4.
    const bodies = new ReportBodies(gazetteer, stack.tag, 42);
    const accepted = new Map<string, number>();
    const phase = (label: string, claims: number, seconds: number) =>
      runLoad({
        label,
        urls: apis.map((a) => a.url),
        key,
        connections: options.connections,
        seconds,
        claimsPerReport: claims,
        body: () => bodies.next(claims),
        onAccepted: (reportId) => accepted.set(reportId, claims),
      });
    if (options.warmup > 0) {
      log(`warming up for ${options.warmup} s…`);
      await phase('warm-up', 1, options.warmup);
    }
    const figures: PhaseFigures[] = [];
    for (const claims of options.claims) {
      const label = `${claims}-claim reports`;
      log(`${label}: ${options.connections} connections for ${options.seconds} s…`);
      const cpuBefore = await Promise.all(apis.map((a) => a.cpuSeconds()));
      if (options.profile) await Promise.all(apis.map((a) => a.request({ type: 'profile-start' })));
      const result = await phase(label, claims, options.seconds);
      if (options.profile) {
        mkdirSync(resolve(options.profile), { recursive: true });
        const files = apis.map((_, i) =>
          join(resolve(options.profile!), `api-${i + 1}-${claims}-claims.cpuprofile`),
        );
        await Promise.all(apis.map((a, i) => a.request({ type: 'profile-stop', file: files[i]! })));
        for (const file of files) printProfile(file);
      }
      const cpuAfter = await Promise.all(apis.map((a) => a.cpuSeconds()));
      const cpu = cpuAfter.reduce((sum, c, i) => sum + c - cpuBefore[i]!, 0);
      figures.push({ ...result, apiCpu: cpu / result.seconds });
      log(
        `  ${Math.round(result.reportsPerSecond)} reports/s, p99 ${result.latencyMs.p99} ms, ${result.failed} failed`,
      );
    }

    // 3. Kafka's own producer against the same broker, records of the API's mean size.
    let kafkaPerf: ProducerPerfResult | undefined;
    if (options.kafkaPerf) {
      const recordSize = await meanRecordSize(kafka, stack.topics.claims, sampleGroup, 2000);
      log(`running ProducerPerformance: ${options.kafkaRecords} records of ${recordSize} bytes…`);
      await admin.createTopics({
        topics: [{ topic: perfTopic, numPartitions: options.partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      kafkaPerf = await producerPerformance({
        bootstrap: config.kafkaBrokers.join(','),
        topic: perfTopic,
        records: options.kafkaRecords,
        recordSize,
        transactionMs: 20,
        transactionalId: `${stack.prefix}producer-perf`,
      });
    }

    // 4. Every accepted report in the read model.
    for (const api of apis) await api.stop();
    if (!options.projectorDuring) services.push(await Service.start('projector', env));
    const { appliedSeconds: projectSeconds } = await waitForProjection(
      pool,
      admin,
      stack.topics.claims,
      { timeoutMs: 600_000, label: 'projecting' },
    );
    const check = await checkProjected(pool, accepted);

    // 5. Summary.
    printIngestSummary(options, figures, kafkaPerf, check, projectSeconds);
    if (figures.some((f) => f.failed > 0) || check.missingReports > 0) process.exitCode = 1;
  } finally {
    for (const service of services) await service.stop().catch(() => undefined);
    await pool.end();
    await admin.disconnect().catch(() => undefined);
    if (options.keep) log(`kept: topic ${stack.topics.claims}, database ${stack.databaseUrl}`);
    else
      await cleanUp(
        kafka,
        stack.topics,
        [stack.topics.projectorGroup, sampleGroup],
        stack.databaseUrl,
      )
        .then(() => deleteTopic(kafka, perfTopic))
        .catch((error: Error) => log(`clean-up failed: ${error.message}`));
  }
}

async function deleteTopic(kafka: ReturnType<typeof createKafka>, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

/** Where an API process spent its CPU in a phase (self time by package, then by function). */
function printProfile(file: string): void {
  const summary = summariseProfile(file, 12);
  const share = (ms: number) => `${((100 * ms) / Math.max(1, summary.busyMs)).toFixed(1)}%`;
  log(
    `${file}: busy ${(summary.busyMs / 1000).toFixed(1)} s of ${(summary.totalMs / 1000).toFixed(1)} s`,
  );
  log(`  by package: ${summary.byPackage.map((p) => `${p.name} ${share(p.ms)}`).join(', ')}`);
  for (const f of summary.byFunction) log(`  ${share(f.ms).padStart(6)}  ${f.name}`);
}
