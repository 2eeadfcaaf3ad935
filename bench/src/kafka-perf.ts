/**
 * Kafka's own benchmarks, run with the broker's jars through scripts/kafka/kafka.sh, as the
 * yardsticks: how fast can a plain Java consumer read the same topic (for the replay), and a plain
 * Java transactional producer write to the same broker (for ingest)?
 */
import { projectRoot } from '@sitrep/platform';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ConsumerPerfResult {
  /** Messages per second over the whole run, group join included (nMsg.sec). */
  readonly messagesPerSecond: number;
  /** Messages per second while fetching, group join excluded (fetch.nMsg.sec). */
  readonly fetchMessagesPerSecond: number;
  readonly messages: number;
  readonly megabytes: number;
  readonly seconds: number;
  /** The tool's output line, as printed. */
  readonly raw: string;
  readonly command: string;
}

/** Run ConsumerPerformance on `topic` until it has read `messages` messages (read committed). */
export async function consumerPerformance(options: {
  readonly bootstrap: string;
  readonly topic: string;
  readonly messages: number;
  readonly group: string;
  /** Bytes per partition per fetch (max.partition.fetch.bytes). */
  readonly fetchBytes: number;
}): Promise<ConsumerPerfResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-bench-'));
  const config = join(dir, 'consumer.properties');
  writeFileSync(config, 'isolation.level=read_committed\n');
  const args = [
    join(projectRoot(), 'scripts', 'kafka', 'kafka.sh'),
    'cli',
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server',
    options.bootstrap,
    '--topic',
    options.topic,
    '--messages',
    String(options.messages),
    '--group',
    options.group,
    '--timeout',
    '60000',
    // The replay's consumer asks 16 MiB per partition (maxBytesPerPartition); with the tool's
    // default of 1 MiB, a skewed topic ends on one partition read at one fetch per ~0.5-1 s.
    '--fetch-size',
    String(options.fetchBytes),
    '--consumer.config',
    config,
  ];
  try {
    const { stdout, stderr, code } = await run('bash', args);
    if (code !== 0)
      throw new Error(`ConsumerPerformance exited with ${code}: ${stderr.trim() || stdout.trim()}`);
    return { ...parseConsumerPerf(stdout), command: `bash ${args.join(' ')}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The tool prints a header line and one line of figures:
 * `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 *  rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec`.
 */
export function parseConsumerPerf(stdout: string): Omit<ConsumerPerfResult, 'command'> {
  const lines = stdout.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const headerAt = lines.findIndex((l) => l.includes('nMsg.sec'));
  const header = lines[headerAt]?.split(',').map((h) => h.trim());
  const values = lines[headerAt + 1]?.split(',').map((v) => v.trim());
  if (!header || !values || values.length !== header.length)
    throw new Error(`cannot read ConsumerPerformance's output:\n${stdout}`);
  const figure = (name: string): number => {
    const value = Number(values[header.indexOf(name)]);
    if (!Number.isFinite(value)) throw new Error(`ConsumerPerformance printed no ${name}`);
    return value;
  };
  const messages = figure('data.consumed.in.nMsg');
  const messagesPerSecond = figure('nMsg.sec');
  return {
    messagesPerSecond,
    fetchMessagesPerSecond: figure('fetch.nMsg.sec'),
    messages,
    megabytes: figure('data.consumed.in.MB'),
    seconds: messagesPerSecond > 0 ? messages / messagesPerSecond : 0,
    raw: lines[headerAt + 1]!,
  };
}

function run(
  command: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

export interface ProducerPerfResult {
  readonly recordsPerSecond: number;
  readonly records: number;
  readonly recordSize: number;
  readonly latencyMs: {
    readonly mean: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
  };
  /** The tool's summary line, as printed. */
  readonly raw: string;
  readonly command: string;
}

/**
 * Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, the class behind
 * kafka-producer-perf-test.sh) with the broker's jars: `records` records of `recordSize` bytes as
 * fast as it can, acks=all, idempotent, in transactions of `transactionMs` each.
 */
export async function producerPerformance(options: {
  readonly bootstrap: string;
  readonly topic: string;
  readonly records: number;
  readonly recordSize: number;
  readonly transactionMs: number;
  readonly transactionalId: string;
}): Promise<ProducerPerfResult> {
  const args = [
    join(projectRoot(), 'scripts', 'kafka', 'kafka.sh'),
    'cli',
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--record-size',
    String(options.recordSize),
    '--throughput',
    '-1',
    '--transaction-duration-ms',
    String(options.transactionMs),
    '--transactional-id',
    options.transactionalId,
    '--producer-props',
    `bootstrap.servers=${options.bootstrap}`,
    'acks=all',
    'enable.idempotence=true',
  ];
  const { stdout, stderr, code } = await run('bash', args);
  if (code !== 0)
    throw new Error(`ProducerPerformance exited with ${code}: ${stderr.trim() || stdout.trim()}`);
  return {
    ...parseProducerPerf(stdout),
    recordSize: options.recordSize,
    command: `bash ${args.join(' ')}`,
  };
}

/**
 * The tool's last line: `N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max
 * latency, P ms 50th, P ms 95th, P ms 99th, P ms 99.9th.`
 */
export function parseProducerPerf(
  stdout: string,
): Omit<ProducerPerfResult, 'command' | 'recordSize'> {
  const line = stdout
    .split(/\r?\n/)
    .reverse()
    .find((l) => l.includes('records sent') && l.includes('50th'));
  const figures = line?.match(
    /^(\d+) records sent, ([\d.]+) records\/sec .*?, ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/,
  );
  if (!line || !figures) throw new Error(`cannot read ProducerPerformance's output:\n${stdout}`);
  const [, records, perSecond, mean, max, p50, p99] = figures.map(Number);
  return {
    records: records!,
    recordsPerSecond: perSecond!,
    latencyMs: { mean: mean!, p50: p50!, p99: p99!, max: max! },
    raw: line.trim(),
  };
}
