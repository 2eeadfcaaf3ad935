import { ClaimEvent } from '@sitrep/domain';
import { Kafka, Producer } from 'kafkajs';

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

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    readonly transactionalId: string,
    /** Resolves once the topics exist (the first producer creates them). */
    private readonly topicsReady: () => Promise<void>,
  ) {}

  /** One Kafka transaction: every message, or none. */
  async commit(messages: readonly ClaimMessage[]): Promise<void> {
    const producer = await this.connected();
    const transaction = await producer.transaction();
    try {
      // Several sends in one transaction keep each request under the broker's 1 MB batch limit.
      for (const chunk of chunksOf(messages)) {
        await transaction.send({ topic: this.topic, messages: chunk });
      }
      await transaction.commit();
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
