/**
 * Writes a generated claim log (libs/domain/src/testing/claim-log) onto a claim topic, as the
 * benchmarks and the replay's verification test need it: every message's log position is known
 * from the produce responses, so the events checksum of what was written can be computed without
 * reading the topic back.
 */
import { Gazetteer } from '@sitrep/domain';
import { ClaimLogGenerator, GeneratedMessage } from '@sitrep/domain/testing/claim-log/generator';
import { claimIds, ensureTopics, progressPrinter, Topics } from '@sitrep/platform';
import { eventsChecksum } from '@sitrep/replay';
import { Kafka, Partitioners, PartitionMetadata } from 'kafkajs';

export interface ProduceOptions {
  readonly events: number;
  readonly seed: number;
  readonly partitions: number;
  /** Show a progress bar on stderr (default true). */
  readonly progress?: boolean;
}

export interface Produced {
  readonly messages: number;
  readonly unique: number;
  readonly bytes: number;
  readonly seconds: number;
  /** eventsChecksum of the first occurrence of every claim id, with its log position. */
  readonly eventsChecksum: string;
  readonly counts: Record<string, number>;
}

export async function produceLog(
  kafka: Kafka,
  topics: Topics,
  gazetteer: Gazetteer,
  options: ProduceOptions,
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
  const generator = new ClaimLogGenerator(gazetteer, claimIds, {
    events: options.events,
    seed: options.seed,
  });
  const progress = options.progress === false ? () => undefined : progressPrinter('generate');
  const first: { claimId: string; partition: number; offset: number }[] = [];
  const started = Date.now();
  let sent = 0;
  let bytes = 0;
  // One produce request per chunk; the record batch of a partition stays under the broker's
  // message.max.bytes (1 MB), whatever the skew of provinces over partitions.
  const prepare = () => {
    const chunk: { message: GeneratedMessage; partition: number }[] = [];
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
  if (options.progress !== false) process.stderr.write('\n');
  return {
    messages: sent,
    unique: first.length,
    bytes,
    seconds: (Date.now() - started) / 1000,
    eventsChecksum: eventsChecksum(first),
    counts: generator.counts,
  };
}
