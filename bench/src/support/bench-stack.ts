/**
 * A benchmark's own corner of the broker and the database server: topic prefix
 * `bench.<tag>.`, database `sitrep_bench_<tag>`, both removed at the end unless kept.
 */
import { createPool, quoteIdent, topicsFor, Topics } from '@sitrep/platform';
import { Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { log } from './output';

export interface BenchStack {
  readonly tag: string;
  readonly prefix: string;
  readonly topics: Topics;
  readonly databaseUrl: string;
  readonly databaseName: string;
}

/** A fresh tag, or the tag of a kept stack to reuse its topics. */
export function benchStack(databaseUrl: string, reuse?: string): BenchStack {
  const tag = randomBytes(4).toString('hex');
  const prefix = `bench.${reuse ?? tag}.`;
  const url = new URL(databaseUrl);
  url.pathname = `/sitrep_bench_${tag}`;
  return {
    tag,
    prefix,
    topics: topicsFor(prefix),
    databaseUrl: url.toString(),
    databaseName: `sitrep_bench_${tag}`,
  };
}

/**
 * The environment a bench's API or projector process runs with: the stack's database and topics
 * on the configured brokers, warnings only, and `more` (keys, partitions, limits).
 */
export function serviceEnv(
  stack: BenchStack,
  brokers: readonly string[],
  more: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    DATABASE_URL: stack.databaseUrl,
    KAFKA_BROKERS: brokers.join(','),
    SITREP_TOPIC_PREFIX: stack.prefix,
    LOG_LEVEL: 'warn',
    ...more,
  };
}

/** Delete the topics (when given), the consumer groups and the database of a bench run. */
export async function cleanUp(
  kafka: Kafka,
  topics: Topics | undefined,
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
