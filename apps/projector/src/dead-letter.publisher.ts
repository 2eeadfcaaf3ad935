import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DeadLetter, KAFKA, TOPICS, Topics } from '@sitrep/platform';
import { Kafka, Producer } from 'kafkajs';

/** Sends events that cannot be applied to the dead-letter topic, with the reason in a header. */
@Injectable()
export class DeadLetterPublisher implements OnApplicationShutdown {
  private producer: Producer | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(TOPICS) private readonly topics: Topics,
  ) {}

  async publish(
    sourceTopic: string,
    letters: readonly (DeadLetter & { message: { key: Buffer | null; value: Buffer | null } })[],
  ): Promise<void> {
    if (letters.length === 0) return;
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    await this.producer.send({
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
        },
      })),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}
