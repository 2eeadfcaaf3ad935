/**
 * The replay runs in a fresh Node process with the same flags (as `npm run replay` runs: the
 * generator's memory does not weigh on it). This module is both sides: the parent starts the
 * child and reads its figures; the child migrates the bench database, replays, verifies, and
 * prints one result line.
 */
import {
  createKafka,
  createPool,
  ensureDatabase,
  JsonLogger,
  loadConfig,
  loadGazetteer,
  migrate,
  progressPrinter,
  topicsFor,
} from '@sitrep/platform';
import { ReplayTimings } from '@sitrep/replay';
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { startCpuProfile } from '../support/cpu-profile';
import { cpuBetween, serverCpu, ServerCpu } from '../support/server-cpu';
import { MemoryPeak } from '../support/memory-peak';
import { log, rate } from '../support/output';
import { fullReplay } from './full-replay';
import { verify, Verification } from './verify';

/** The first argument that makes `npm run bench -- replay` the child. */
export const REPLAY_CHILD = '--child';
const RESULT = 'BENCH-RESULT ';

export interface ChildOptions {
  readonly prefix: string;
  readonly databaseUrl: string;
  readonly partitions: number;
  /** The events checksum the generator expects; no verification without it. */
  readonly expectedEvents: string | undefined;
  readonly profile: string | undefined;
  /** Keep the old read-model version after the switch (`--keep`: to compare the two). */
  readonly keepOld?: boolean;
}

export interface ReplayFigures {
  readonly state: string;
  readonly error: string | null;
  readonly processed: number;
  readonly readSeconds: number;
  readonly eventsPerSecond: number;
  readonly wallSeconds: number;
  readonly checksumMatch: boolean;
  readonly checksumMismatch: string | undefined;
  readonly rssBefore: number;
  readonly rssPeak: number;
  /** The machine's 1-minute load average before and after: other work skews the figures. */
  readonly load: readonly [number, number];
  /** CPU time of this process (all its threads) during the replay. */
  readonly cpuSeconds: number;
  /** CPU the Postgres server and the broker used during the replay. */
  readonly servers: ServerCpu;
  readonly timings: ReplayTimings;
}

/** Run the replay in a fresh Node process with the same flags, and read its figures. */
export async function replayInChild(
  options: ChildOptions,
): Promise<{ replay: ReplayFigures; verification: Verification | undefined }> {
  const script = process.argv[1]!;
  const args = [...process.execArgv, script, 'replay', REPLAY_CHILD, JSON.stringify(options)];
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
export async function replayChild(json: string | undefined): Promise<void> {
  const options = JSON.parse(json ?? '{}') as ChildOptions;
  const config = loadConfig();
  const logger = new JsonLogger('bench', config.logLevel === 'info' ? 'warn' : config.logLevel);
  const gazetteer = loadGazetteer();
  await ensureDatabase(options.databaseUrl);
  const pool = createPool(options.databaseUrl, 8);
  try {
    await migrate(pool);
    const profiler = options.profile ? await startCpuProfile() : undefined;
    const cpuBefore = process.cpuUsage();
    const serversBefore = serverCpu();
    const rssBefore = process.memoryUsage().rss;
    const loadBefore = loadavg()[0]!;
    const memory = new MemoryPeak();
    const started = performance.now();
    const result = await fullReplay(
      {
        pool,
        kafka: createKafka(config, 'sitrep-bench-replay', logger),
        topics: topicsFor(options.prefix),
        partitions: options.partitions,
        gazetteer,
        logger,
      },
      progressPrinter('replay  '),
      options.keepOld,
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const rssPeak = memory.stop();
    const cpu = process.cpuUsage(cpuBefore);
    const servers = cpuBetween(serversBefore, serverCpu());
    if (profiler && options.profile) await profiler.stop(options.profile);
    process.stderr.write('\n');
    if (result.state !== 'done') throw new Error(`the replay failed: ${result.error}`);
    const readSeconds = result.timings.bulk / 1000;
    const replay: ReplayFigures = {
      ...result,
      readSeconds,
      eventsPerSecond: readSeconds > 0 ? result.processed / readSeconds : 0,
      wallSeconds,
      rssBefore,
      rssPeak,
      load: [loadBefore, loadavg()[0]!],
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      servers,
    };
    log(
      `replayed: ${rate(replay.eventsPerSecond)} events/s, read phase ${replay.readSeconds.toFixed(2)} s`,
    );
    let verification: Verification | undefined;
    if (options.expectedEvents !== undefined) {
      log('verifying the rebuilt read model against independent references…');
      verification = await verify(pool, gazetteer, options.expectedEvents);
    }
    process.stdout.write(`${RESULT}${JSON.stringify({ replay, verification })}\n`);
  } finally {
    await pool.end();
  }
}
