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

/** Create the claim topic and its dead-letter topic if missing. */
export async function ensureTopics(
  admin: Admin,
  topics: Topics,
  partitions: number,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const wanted: ITopicConfig[] = [
    {
      topic: topics.claims,
      numPartitions: partitions,
      replicationFactor: 1,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    },
    {
      topic: topics.deadLetters,
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    },
  ].filter((t) => !existing.has(t.topic));
  if (wanted.length > 0)
    await admin
      .createTopics({ topics: wanted, waitForLeaders: true })
      .catch((error: { type?: string }) => {
        if (error.type !== 'TOPIC_ALREADY_EXISTS') throw error;
      });
}
