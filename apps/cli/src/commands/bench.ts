/**
 * npm run bench -- replay [--events 1000000] [--partitions 6] [--seed 42] [--keep] [--no-verify]
 *
 * In one run, on a stack of its own (topic prefix `bench.<random>.`, database
 * `sitrep_bench_<random>`, both deleted at the end unless --keep):
 *   1. generates a realistic claim log of the given size onto the claim topic (see bench-log.ts);
 *   2. replays it in full into the bench database (`Replayer`, as `npm run replay` does) and
 *      measures the replay's speed, its wall time, its memory and where its time goes;
 *   3. checks the rebuilt read model against references computed independently (the events the
 *      generator wrote, and the statuses folded again from the stored events by the domain);
 *   4. runs Kafka's own consumer benchmark (ConsumerPerformance) on the same topic;
 *   5. prints a summary.
 */
import { districtStatus, Gazetteer, LoggedEvent } from '@sitrep/domain';
import {
  createKafka,
  createPool,
  ensureDatabase,
  ensureTopics,
  JsonLogger,
  loadConfig,
  loadGazetteer,
  migrate,
  quoteIdent,
  systemClock,
  topicsFor,
} from '@sitrep/platform';
import {
  districtsChecksum,
  emptyReplayTimings,
  eventsChecksum,
  Replayer,
  ReplayTimings,
} from '@sitrep/replay';
import { Kafka, Partitioners, PartitionMetadata } from 'kafkajs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { consumerPerformance, ConsumerPerfResult } from './bench-kafka';
import { BenchLog, BenchMessage } from './bench-log';
import { progressPrinter } from './progress';
import { table } from './table';

const USAGE =
  'usage: npm run bench -- replay [--events 1000000] [--partitions 6] [--seed 42] [--keep] [--no-verify] [--no-kafka-perf]';

export async function runBench(args: string[]): Promise<void> {
  const [what, ...rest] = args;
  if (what === REPLAY_CHILD) return replayChild(rest);
  if (what !== 'replay') throw new Error(USAGE);
  const { values } = parseArgs({
    args: rest,
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
  const events = Number(values.events);
  const partitions = Number(values.partitions);
  const seed = Number(values.seed);
  if (!Number.isInteger(events) || events < 1) throw new Error(`--events: ${USAGE}`);
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`--partitions: ${USAGE}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed: ${USAGE}`);
  await benchReplay({
    events,
    partitions,
    seed,
    keep: values.keep,
    reuse: values.reuse,
    profile: values.profile,
    verify: !values['no-verify'],
    kafkaPerf: !values['no-kafka-perf'],
  });
}

interface BenchOptions {
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

/** The highest resident set size seen, sampled every 50 ms while running. */
class MemoryPeak {
  peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => this.sample(), 50);
  sample(): number {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return this.peak;
  }
  stop(): number {
    clearInterval(this.timer);
    return this.sample();
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20).toLocaleString('en')} MiB`;
const rate = (n: number) => Math.round(n).toLocaleString('en');

async function benchReplay(options: BenchOptions): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger('bench', config.logLevel === 'info' ? 'warn' : config.logLevel);
  const tag = randomBytes(4).toString('hex');
  const topics = topicsFor(`bench.${options.reuse ?? tag}.`);
  const url = new URL(config.databaseUrl);
  url.pathname = `/sitrep_bench_${tag}`;
  const databaseUrl = url.toString();
  const kafka = createKafka(config, 'sitrep-bench', logger);
  const gazetteer = loadGazetteer();
  const perfGroup = `bench.${tag}.consumer-perf`;
  log(
    `bench ${tag}: topic ${topics.claims} (${options.partitions} partitions), database ${url.pathname.slice(1)}`,
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

    // 2. The replay, into a database of its own, in a process of its own (as `npm run replay`
    //    runs: the generator's memory does not weigh on it), and 3. is the result right?
    const { replay, verification } = await replayInChild({
      prefix: `bench.${options.reuse ?? tag}.`,
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

// ---- 1. producing the log -------------------------------------------------------------------

interface Produced {
  readonly messages: number;
  readonly unique: number;
  readonly bytes: number;
  readonly seconds: number;
  /** eventsChecksum of the first occurrence of every claim id, with its log position. */
  readonly eventsChecksum: string;
  readonly counts: Record<string, number>;
}

async function produceLog(
  kafka: Kafka,
  topics: ReturnType<typeof topicsFor>,
  gazetteer: Gazetteer,
  options: BenchOptions,
): Promise<Produced> {
  const admin = kafka.admin();
  await admin.connect();
  let metadata: PartitionMetadata[];
  try {
    await ensureTopics(admin, topics, options.partitions);
    const fetched = await admin.fetchTopicMetadata({ topics: [topics.claims] });
    metadata = fetched.topics[0]!.partitions;
  } finally {
    await admin.disconnect();
  }
  // The API's partitioner (kafkajs' default, Java compatible), applied here so that every
  // message's log position is known from the produce responses.
  const partitioner = Partitioners.DefaultPartitioner();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 3000 },
  });
  await producer.connect();
  const generator = new BenchLog(gazetteer, { events: options.events, seed: options.seed });
  const progress = progressPrinter('generate');
  const first: { claimId: string; partition: number; offset: number }[] = [];
  const started = Date.now();
  let sent = 0;
  let bytes = 0;
  // One produce request per chunk; the record batch of a partition stays under the broker's
  // message.max.bytes (1 MB), whatever the skew of provinces over partitions.
  const prepare = () => {
    const chunk: { message: BenchMessage; partition: number }[] = [];
    const size = new Map<number, number>();
    let fullest = 0;
    while (fullest < 600_000 && !generator.done) {
      for (const message of generator.next(256)) {
        const partition = partitioner({
          topic: topics.claims,
          partitionMetadata: metadata,
          message: { key: message.key, value: message.value },
        });
        const bytes = (size.get(partition) ?? 0) + message.value.length + 100;
        size.set(partition, bytes);
        fullest = Math.max(fullest, bytes);
        chunk.push({ message, partition });
      }
    }
    return chunk;
  };
  try {
    let next = prepare();
    while (next.length > 0) {
      const batch = next;
      const sending = producer.send({
        topic: topics.claims,
        messages: batch.map(({ message, partition }) => ({
          key: message.key,
          value: message.value,
          headers: message.headers,
          partition,
        })),
      });
      next = prepare(); // while the broker writes this batch
      const acks = await sending;
      const base = new Map(acks.map((a) => [a.partition, Number(a.baseOffset)]));
      const seen = new Map<number, number>();
      for (const { message, partition } of batch) {
        const index = seen.get(partition) ?? 0;
        seen.set(partition, index + 1);
        bytes += message.value.length;
        if (!message.duplicate)
          first.push({ claimId: message.id, partition, offset: base.get(partition)! + index });
      }
      sent += batch.length;
      const seconds = (Date.now() - started) / 1000;
      progress({ processed: sent, total: options.events, eventsPerSecond: sent / seconds });
    }
  } finally {
    await producer.disconnect();
  }
  process.stderr.write('\n');
  return {
    messages: sent,
    unique: first.length,
    bytes,
    seconds: (Date.now() - started) / 1000,
    eventsChecksum: eventsChecksum(first),
    counts: generator.counts,
  };
}

// ---- 2. the replay --------------------------------------------------------------------------

/** The hidden subcommand that runs the replay (and the verification) in a child process. */
const REPLAY_CHILD = '_replay';
const RESULT = 'BENCH-RESULT ';

interface ChildOptions {
  readonly prefix: string;
  readonly databaseUrl: string;
  readonly partitions: number;
  /** The events checksum the generator expects; no verification without it. */
  readonly expectedEvents: string | undefined;
  readonly profile: string | undefined;
}

/** Run the replay in a fresh Node process with the same flags, and read its figures. */
async function replayInChild(
  options: ChildOptions,
): Promise<{ replay: ReplayFigures; verification: Verification | undefined }> {
  const script = process.argv[1]!;
  const args = [
    ...process.execArgv,
    script,
    'bench',
    REPLAY_CHILD,
    '--options',
    JSON.stringify(options),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT));
  if (code !== 0 || !line)
    throw new Error(`the replay process failed (exit ${code}):\n${stdout.trim()}`);
  return JSON.parse(line.slice(RESULT.length)) as {
    replay: ReplayFigures;
    verification: Verification | undefined;
  };
}

/** The child's side: migrate the bench database, replay, verify, print the figures. */
async function replayChild(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { options: { type: 'string' } }, strict: true });
  const options = JSON.parse(values.options ?? '{}') as ChildOptions;
  const config = loadConfig();
  const logger = new JsonLogger('bench', config.logLevel === 'info' ? 'warn' : config.logLevel);
  const gazetteer = loadGazetteer();
  await ensureDatabase(options.databaseUrl);
  const pool = createPool(options.databaseUrl, 8);
  try {
    await migrate(pool);
    const replay = await runReplay(
      pool,
      createKafka(config, 'sitrep-bench-replay', logger),
      topicsFor(options.prefix),
      gazetteer,
      options,
      logger,
    );
    log(
      `replayed: ${rate(replay.eventsPerSecond)} events/s, read phase ${replay.readSeconds.toFixed(2)} s`,
    );
    const verification =
      options.expectedEvents === undefined
        ? undefined
        : await verify(pool, gazetteer, options.expectedEvents);
    process.stdout.write(`${RESULT}${JSON.stringify({ replay, verification })}\n`);
  } finally {
    await pool.end();
  }
}

interface ReplayFigures {
  readonly state: string;
  readonly error: string | null;
  readonly processed: number;
  readonly readSeconds: number;
  readonly eventsPerSecond: number;
  readonly wallSeconds: number;
  readonly checksumMatch: boolean;
  readonly rssBefore: number;
  readonly rssPeak: number;
  /** The machine's 1-minute load average before and after: other work skews the figures. */
  readonly load: readonly [number, number];
  /** CPU time of this process (all its threads) during the replay. */
  readonly cpuSeconds: number;
  readonly timings: ReplayTimings;
}

async function runReplay(
  pool: Pool,
  kafka: Kafka,
  topics: ReturnType<typeof topicsFor>,
  gazetteer: Gazetteer,
  options: Pick<ChildOptions, 'partitions' | 'profile'>,
  logger: JsonLogger,
): Promise<ReplayFigures> {
  const timings = emptyReplayTimings();
  const replayer = new Replayer({
    pool,
    kafka,
    topics,
    partitions: options.partitions,
    gazetteer,
    clock: systemClock,
    logger,
  });
  const profiler = options.profile ? await startProfile() : undefined;
  const cpuBefore = process.cpuUsage();
  const rssBefore = process.memoryUsage().rss;
  const loadBefore = loadavg()[0]!;
  const memory = new MemoryPeak();
  const started = performance.now();
  const { done } = await replayer.start({
    dropGraceMs: 0,
    onProgress: progressPrinter('replay  '),
    timings,
  });
  const record = await done;
  const wallSeconds = (performance.now() - started) / 1000;
  const rssPeak = memory.stop();
  const cpu = process.cpuUsage(cpuBefore);
  if (profiler && options.profile) await profiler.stop(options.profile);
  process.stderr.write('\n');
  if (record.state !== 'done') throw new Error(`the replay failed: ${record.error}`);
  const readSeconds = timings.bulk / 1000;
  return {
    state: record.state,
    error: record.error,
    processed: record.processed,
    readSeconds,
    eventsPerSecond: readSeconds > 0 ? record.processed / readSeconds : 0,
    wallSeconds,
    checksumMatch: record.checksum?.match ?? false,
    rssBefore,
    rssPeak,
    load: [loadBefore, loadavg()[0]!],
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    timings,
  };
}

/** A CPU profile of this process (node:inspector), like `node --cpu-prof` but for one phase. */
async function startProfile(): Promise<{ stop: (file: string) => Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      log(`CPU profile of the replay written to ${file}`);
    },
  };
}

// ---- 3. verification ------------------------------------------------------------------------

interface Verification {
  readonly events: { readonly expected: string; readonly stored: string };
  readonly districts: { readonly expected: string; readonly stored: string };
  /** Stored bodies not in the current shape of their type. */
  readonly staleBodies: number;
  readonly ok: boolean;
}

/**
 * The live (rebuilt) version against references that do not use the replay's code: the events
 * checksum of what the generator wrote, and the statuses folded again, district by district, by
 * the domain's `districtStatus` from the stored events (as the projector reads them back).
 */
async function verify(
  pool: Pool,
  gazetteer: Gazetteer,
  expectedEvents: string,
): Promise<Verification> {
  log('verifying the rebuilt read model against independent references…');
  const { rows } = await pool.query<{ schema_name: string }>(
    "SELECT schema_name FROM read_model_versions WHERE state = 'live'",
  );
  const schema = quoteIdent(rows[0]!.schema_name);
  const stored = await pool.query<{ claim_id: string; partition: number; log_offset: string }>(
    `SELECT claim_id, partition, log_offset FROM ${schema}.events`,
  );
  const storedEvents = eventsChecksum(
    stored.rows.map((r) => ({
      claimId: r.claim_id,
      partition: r.partition,
      offset: Number(r.log_offset),
    })),
  );
  const statuses = await pool.query(
    `SELECT pcode, status, controller, verification, positions, rules FROM ${schema}.district_status`,
  );
  const storedDistricts = districtsChecksum(statuses.rows);
  // Every body in the current shape (v1 assertions upcast, the actor always named).
  const { rows: shapes } = await pool.query<{ stale: string }>(
    `SELECT count(*) AS stale FROM ${schema}.events
      WHERE (body->>'schema')::int <> CASE type WHEN 'claim.asserted' THEN 2 ELSE 1 END
         OR (type = 'claim.asserted' AND NOT (body->'data' ?& array['actor', 'precision']))`,
  );
  const staleBodies = Number(shapes[0]!.stale);
  const reference: ReturnType<typeof districtStatus>[] = [];
  for (const province of gazetteer.provinces.map((p) => p.pcode)) {
    const events = await pool.query<{
      body: LoggedEvent['event'];
      partition: number;
      log_offset: string;
    }>(
      `SELECT body, partition, log_offset FROM ${schema}.events WHERE province = $1 ORDER BY partition, log_offset`,
      [province],
    );
    const logged: LoggedEvent[] = events.rows.map((r) => ({
      event: r.body,
      position: { partition: r.partition, offset: Number(r.log_offset) },
    }));
    for (const pcode of gazetteer.districtsCoveredBy(province))
      reference.push(districtStatus({ pcode, province }, logged));
  }
  const expectedDistricts = districtsChecksum(reference);
  return {
    events: { expected: expectedEvents, stored: storedEvents },
    districts: { expected: expectedDistricts, stored: storedDistricts },
    staleBodies,
    ok:
      expectedEvents === storedEvents && expectedDistricts === storedDistricts && staleBodies === 0,
  };
}

// ---- 4. clean-up ----------------------------------------------------------------------------

async function cleanUp(
  kafka: Kafka,
  topics: ReturnType<typeof topicsFor> | undefined,
  groups: readonly string[],
  databaseUrl: string,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const mine = topics ? [topics.claims, topics.deadLetters].filter((t) => existing.has(t)) : [];
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30000 });
    await admin.deleteGroups([...groups]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin2 = createPool(url.toString(), 1);
  try {
    await admin2.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin2.end();
  }
  log(`deleted ${topics ? `topic ${topics.claims} and ` : ''}database ${name}`);
}

// ---- 5. summary -----------------------------------------------------------------------------

function printSummary(
  options: BenchOptions,
  produced: Produced,
  replay: ReplayFigures,
  verification: Verification | undefined,
  perf: ConsumerPerfResult | undefined,
): void {
  const t = replay.timings;
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const share = (ms: number) => `${((100 * ms) / Math.max(1, t.total)).toFixed(0)}%`;
  const figures: [string, string][] = [
    [
      'machine',
      `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mib(totalmem())} RAM, Node ${process.version}`,
    ],
    ['events (messages on the topic)', produced.messages.toLocaleString('en')],
    ['unique claims', produced.unique.toLocaleString('en')],
    ['partitions', String(options.partitions)],
    ['log size', mib(produced.bytes)],
    ['replay events/s (read phase)', rate(replay.eventsPerSecond)],
    [
      'kafka-consumer-perf-test events/s',
      perf
        ? `${rate(perf.messagesPerSecond)} (fetch only: ${rate(perf.fetchMessagesPerSecond)})`
        : '-',
    ],
    [
      'ratio replay / kafka',
      perf ? (replay.eventsPerSecond / perf.messagesPerSecond).toFixed(2) : '-',
    ],
    ['replay read phase', `${replay.readSeconds.toFixed(2)} s`],
    ['replay wall time (start → switched, old dropped)', `${replay.wallSeconds.toFixed(2)} s`],
    ['replay checksums (vs the live version)', replay.checksumMatch ? 'match' : 'MISMATCH'],
    [
      'independent verification',
      verification
        ? verification.ok
          ? `ok (events ${verification.events.stored}; districts ${verification.districts.stored})`
          : `FAILED: events ${verification.events.stored} vs ${verification.events.expected}; districts ${verification.districts.stored} vs ${verification.districts.expected}; ${verification.staleBodies} bodies not upcast`
        : 'skipped',
    ],
    ['replay CPU time of this process (user + system)', `${replay.cpuSeconds.toFixed(1)} s`],
    [
      'load average (1 min) before → after the replay',
      `${replay.load[0].toFixed(2)} → ${replay.load[1].toFixed(2)} on ${cpus().length} cores`,
    ],
    [
      'memory: rss before → peak during replay',
      `${mib(replay.rssBefore)} → ${mib(replay.rssPeak)}`,
    ],
  ];
  // The replay's wall time, phase after phase (they add up to the total); the read phase is split
  // by where the main thread was (Postgres ingests the COPY meanwhile, in its own process).
  const phases: [string, number][] = [
    ['setup (version schema, offsets)', t.setup],
    ['reading the log (wall), of which:', t.read],
    ['  Kafka fetch + decode (kafkajs, outside our handler)', Math.max(0, t.read - t.handler)],
    ['  JSON parse + validation + upcast (decodeEvent)', t.decode],
    ['  projection engine (district states, recorded timelines)', t.engine],
    ['  COPY: building rows', t.copyEncode],
    ['  COPY: waiting for Postgres to take rows', t.copyWait],
    [
      '  other handler work',
      Math.max(0, t.handler - t.decode - t.engine - t.copyEncode - t.copyWait),
    ],
    ['COPY: waiting for the last events to be stored', t.eventsDrain],
    ['observed timelines of every district (meanwhile: events index build)', t.observed],
    ['COPY: waiting for the last timeline rows to be stored', t.timelinesDrain],
    ['waiting for the index builds', t.indexWait],
    ['current states, standings, checkpoints', t.current],
    ['following the log, switch + checksums', t.switch],
    ['drop old version', t.drop],
  ];
  console.log('');
  console.log(table(['figure', 'value'], figures));
  console.log('');
  console.log(
    table(
      ['where the replay time goes', 'seconds', 'share'],
      phases.map(([n, ms]) => [n, s(ms), share(ms)]),
    ),
  );
  console.log(`index builds: ${s(t.indexes)} s, overlapping the observed timelines`);
  console.log(`total ${s(t.total)} s (wall, replay start → done)`);
  console.log('');
  console.log(
    `log mix: ${Object.entries(produced.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}`,
  );
  if (perf) console.log(`ConsumerPerformance: ${perf.raw}`);
  console.log(
    `\nJSON ${JSON.stringify({
      events: produced.messages,
      replayEventsPerSecond: Math.round(replay.eventsPerSecond),
      kafkaEventsPerSecond: perf ? Math.round(perf.messagesPerSecond) : null,
      ratio: perf ? Number((replay.eventsPerSecond / perf.messagesPerSecond).toFixed(3)) : null,
      readSeconds: Number(replay.readSeconds.toFixed(2)),
      wallSeconds: Number(replay.wallSeconds.toFixed(2)),
      checksumMatch: replay.checksumMatch,
      verified: verification?.ok ?? null,
      rssPeakMiB: Math.round(replay.rssPeak / 2 ** 20),
      cpuSeconds: Number(replay.cpuSeconds.toFixed(1)),
      timingsMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])),
    })}`,
  );
  if (!replay.checksumMatch || (verification && !verification.ok)) process.exitCode = 1;
}
