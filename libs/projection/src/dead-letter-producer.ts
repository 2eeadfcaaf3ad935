/**
 * Sends events that cannot be applied to the dead-letter topic with the reason in a header, so
 * that they never block a partition. The live projector and replays both use it; a replay marks
 * its letters with its id (`replay` header).
 */
import { Topics } from '@sitrep/platform';
import { Kafka, Producer } from 'kafkajs';
import { DeadLetter } from './pg/checkpoints.repository';

export interface Letter extends DeadLetter {
  readonly message: { readonly key: Buffer | null; readonly value: Buffer | null };
}

export class DeadLetterProducer {
  private producer: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: Topics,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  async publish(sourceTopic: string, letters: readonly Letter[]): Promise<void> {
    if (letters.length === 0) return;
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      return producer;
    })();
    this.producer.catch(() => (this.producer = undefined));
    await (
      await this.producer
    ).send({
      topic: this.topics.deadLetters,
      acks: -1,
      messages: letters.map((l) => ({
        key: l.message.key,
        value: l.message.value,
        headers: {
          reason: l.reason,
          'source-topic': sourceTopic,
          'source-partition': String(l.partition),
          'source-offset': String(l.offset),
          ...this.headers,
        },
      })),
    });
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }
}
