import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { KAFKA, TOPICS, Topics } from '@sitrep/platform';
import { DeadLetterProducer, Letter } from '@sitrep/projection';
import { Kafka } from 'kafkajs';
import { ProjectorMetrics } from './projector-metrics';

/** Sends events that cannot be applied to the dead-letter topic, with the reason in a header. */
@Injectable()
export class DeadLetterPublisher implements OnApplicationShutdown {
  private readonly producer: DeadLetterProducer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(TOPICS) topics: Topics,
    private readonly metrics: ProjectorMetrics,
  ) {
    this.producer = new DeadLetterProducer(kafka, topics);
  }

  async publish(sourceTopic: string, letters: readonly Letter[]): Promise<void> {
    await this.producer.publish(sourceTopic, letters);
    this.metrics.deadLettered(letters);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}
