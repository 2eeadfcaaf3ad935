import {
  Admin,
  ITopicConfig,
  Kafka,
  logLevel as KafkaLogLevel,
  LogEntry,
  RetryOptions,
} from 'kafkajs';
import { Config, Topics } from './config';
import { JsonLogger } from './logger';
import { retryWhile } from './retry';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** `retry` replaces the default retry of every request of the client (transactions included). */
export function createKafka(
  config: Pick<Config, 'kafkaBrokers'>,
  clientId: string,
  logger = new JsonLogger(clientId),
  retry: RetryOptions = { initialRetryTime: 200, retries: 5, maxRetryTime: 3000 },
): Kafka {
  return new Kafka({
    clientId,
    brokers: [...config.kafkaBrokers],
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry,
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
        logger.write(LEVELS[level] ?? 'info', `kafkajs: ${message}`, fields);
      },
  });
}

export interface TopicReplication {
  /** Replicas of each partition; default: 3 on a cluster of 3 brokers or more, else 1. */
  readonly kafkaReplicationFactor?: number | undefined;
  /** `min.insync.replicas`; default: 2 when there are 3 replicas or more, else 1. */
  readonly kafkaMinInsyncReplicas?: number | undefined;
}

/**
 * Replication of new topics: on a cluster of 3 or more brokers, 3 replicas of which 2 must have
 * a write before it is acknowledged (acks=all), so one broker can be lost without losing an
 * acknowledged report or stopping writes.
 */
export function replicationFor(
  brokers: number,
  wanted: TopicReplication = {},
): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = wanted.kafkaReplicationFactor ?? (brokers >= 3 ? 3 : 1);
  const minInsyncReplicas = wanted.kafkaMinInsyncReplicas ?? (replicationFactor >= 3 ? 2 : 1);
  return { replicationFactor, minInsyncReplicas };
}

/**
 * A topic's offsets (`fetchTopicOffsets`), asked again while the broker answers with a retriable
 * error: just after a topic is created, or while leadership moves, a broker may still say it is
 * "not the leader for that topic-partition" although the metadata already names it.
 */
export function fetchTopicOffsetsRetrying(
  admin: Admin,
  topic: string,
  retryForMs = 10_000,
): ReturnType<Admin['fetchTopicOffsets']> {
  return retryWhile(
    () => admin.fetchTopicOffsets(topic),
    (error) => (error as { retriable?: boolean }).retriable === true,
    { timeoutMs: retryForMs, firstDelayMs: 100, maxDelayMs: 1000 },
  );
}

/** Create the claim topic and its dead-letter topic if missing. */
export async function ensureTopics(
  admin: Admin,
  topics: Topics,
  partitions: number,
  replication: TopicReplication = {},
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  if (existing.has(topics.claims) && existing.has(topics.deadLetters)) return;
  const { brokers } = await admin.describeCluster();
  const { replicationFactor, minInsyncReplicas } = replicationFor(brokers.length, replication);
  const configEntries = [
    { name: 'retention.ms', value: '-1' },
    { name: 'min.insync.replicas', value: String(minInsyncReplicas) },
  ];
  const wanted: ITopicConfig[] = [
    { topic: topics.claims, numPartitions: partitions, replicationFactor, configEntries },
    { topic: topics.deadLetters, numPartitions: 1, replicationFactor, configEntries },
  ].filter((t) => !existing.has(t.topic));
  if (wanted.length > 0)
    await admin
      .createTopics({ topics: wanted, waitForLeaders: true })
      .catch((error: { type?: string }) => {
        if (error.type !== 'TOPIC_ALREADY_EXISTS') throw error;
      });
}
