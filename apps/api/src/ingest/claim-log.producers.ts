import { ClaimEvent } from '@sitrep/domain';
import { ICustomPartitioner, Kafka, Partitioners, Producer, RecordMetadata } from 'kafkajs';

/** A message of the claim topic: keyed by province, the event as JSON, its type and schema. */
export interface ClaimMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

export const toMessage = (e: ClaimEvent): ClaimMessage => ({
  key: e.place.province,
  value: JSON.stringify(e),
  headers: { type: e.type, schema: String(e.schema) },
});

/** Where a message landed in the log. */
export interface LogPosition {
  readonly partition: number;
  readonly offset: number;
}

/**
 * Kafka's default partitioner (murmur2 of the key, as the Java client), remembering the partition
 * it gave each message object: a produce answer says only where each partition's first message
 * of the request landed (`baseOffset`), the rest follow it in order.
 */
function recordingPartitioner(placed: WeakMap<object, number>): ICustomPartitioner {
  return () => {
    const partitioner = Partitioners.DefaultPartitioner();
    return (args) => {
      const partition = partitioner(args);
      placed.set(args.message, partition);
      return partition;
    };
  };
}

/**
 * The position of every message of one produce request, in the order of `messages`; undefined
 * if the answer does not say (the write stands: only its consistency token is lost).
 */
function positionsOf(
  messages: readonly ClaimMessage[],
  answer: readonly RecordMetadata[],
  placed: WeakMap<object, number>,
): LogPosition[] | undefined {
  const next = new Map(answer.map((r) => [r.partition, Number(r.baseOffset)]));
  const positions: LogPosition[] = [];
  for (const message of messages) {
    const partition = placed.get(message);
    const offset = partition === undefined ? undefined : next.get(partition);
    if (partition === undefined || offset === undefined || !Number.isSafeInteger(offset))
      return undefined;
    next.set(partition, offset + 1);
    positions.push({ partition, offset });
  }
  return positions;
}

/** Bytes of message values per produce request (Kafka refuses record batches over 1 MB). */
const SEND_BYTES = 256 * 1024;

function* chunksOf(messages: readonly ClaimMessage[]): Generator<ClaimMessage[]> {
  let chunk: ClaimMessage[] = [];
  let size = 0;
  for (const message of messages) {
    if (chunk.length > 0 && size + message.value.length > SEND_BYTES) {
      yield chunk;
      chunk = [];
      size = 0;
    }
    chunk.push(message);
    size += message.value.length;
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * One transactional producer of the claim log writer. Its transactional id is stable for the
 * life of the process: a producer dropped in doubt (after a timeout) is replaced by one with the
 * same id, which fences it, so its unfinished transaction can never commit later.
 */
export class TransactionalProducer {
  private producer: Promise<Producer> | undefined;
  private readonly placed = new WeakMap<object, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    readonly transactionalId: string,
    /** Resolves once the topics exist (the first producer creates them). */
    private readonly topicsReady: () => Promise<void>,
  ) {}

  /**
   * One Kafka transaction: every message, or none. Returns where each message landed, in the
   * order of `messages` (undefined when the produce answers do not say).
   */
  async commit(messages: readonly ClaimMessage[]): Promise<LogPosition[] | undefined> {
    const producer = await this.connected();
    const transaction = await producer.transaction();
    try {
      let positions: LogPosition[] | undefined = [];
      // Several sends in one transaction keep each request under the broker's 1 MB batch limit.
      for (const chunk of chunksOf(messages)) {
        const answer = await transaction.send({ topic: this.topic, messages: chunk });
        const landed = positionsOf(chunk, answer, this.placed);
        positions = positions && landed && [...positions, ...landed];
      }
      await transaction.commit();
      return positions;
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /** Forget a producer in an unknown state; the next one fences it (same transactional id). */
  drop(): void {
    const old = this.producer;
    this.producer = undefined;
    void old?.then((p) => p.disconnect()).catch(() => undefined);
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  private connected(): Promise<Producer> {
    if (!this.producer) {
      const connecting = (async () => {
        await this.topicsReady();
        const producer = this.kafka.producer({
          transactionalId: this.transactionalId,
          idempotent: true,
          maxInFlightRequests: 1,
          transactionTimeout: 30000,
          createPartitioner: recordingPartitioner(this.placed),
        });
        await producer.connect();
        return producer;
      })();
      this.producer = connecting;
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = undefined;
      });
    }
    return this.producer;
  }
}
