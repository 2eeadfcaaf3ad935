import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  CONFIG,
  Config,
  ensureTopics,
  JsonLogger,
  KAFKA,
  liveReadModel,
  LOGGER,
  PG_POOL,
  TOPICS,
  Topics,
  inTransaction,
} from '@sitrep/platform';
import { CheckpointsRepository } from '@sitrep/projection';
import { Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { ClaimProjector } from './claim-projector';
import { ObservedSettlerService } from './observed-settler.service';

/**
 * The kafkajs consumer group. Offsets live in Postgres with the rows (never committed to Kafka):
 * a partition starts from the stored checkpoint, and whatever Kafka delivers below it is skipped.
 */
@Injectable()
export class ProjectorConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: Consumer | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: JsonLogger,
    private readonly projector: ClaimProjector,
    private readonly settler: ObservedSettlerService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, this.topics, this.config.partitions);
    await admin.disconnect();

    const consumer = this.kafka.consumer({
      groupId: this.topics.projectorGroup,
      readUncommitted: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      void this.seekToCheckpoints(payload.memberAssignment).catch((error: Error) =>
        this.logger.write('error', 'could not seek to stored checkpoints', {
          error: error.message,
        }),
      );
    });
    // A fetch holding only transaction markers never reaches eachBatch: move the checkpoint past it.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize > 0) return;
      void this.projector
        .projectBatch(payload.topic, payload.partition, [], payload.lastOffset)
        .catch((error: Error) =>
          this.logger.write('warn', 'could not advance past transaction markers', {
            error: error.message,
          }),
        );
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.claims, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const result = await this.projector.projectBatch(
          batch.topic,
          batch.partition,
          batch.messages,
          batch.lastOffset(),
        );
        resolveOffset(batch.lastOffset());
        this.settler.batchApplied();
        await heartbeat();
        if (result.applied > 0 || result.deadLettered > 0) {
          this.logger.write('info', 'batch projected', {
            partition: batch.partition,
            applied: result.applied,
            skipped: result.skipped,
            deadLettered: result.deadLettered,
            nextOffset: result.nextOffset,
          });
        }
      },
    });
    this.logger.write('info', 'projector consuming', {
      topic: this.topics.claims,
      group: this.topics.projectorGroup,
    });
  }

  /** Move each newly assigned partition to the checkpoint stored with the live read model. */
  private async seekToCheckpoints(assignment: Record<string, number[]>): Promise<void> {
    const partitions = assignment[this.topics.claims] ?? [];
    const checkpoints = await inTransaction(this.pool, async (client) => {
      const { schema } = await liveReadModel(client);
      return new CheckpointsRepository(client, schema).load(this.topics.claims, partitions);
    });
    for (const [partition, { nextOffset }] of checkpoints) {
      this.consumer?.seek({ topic: this.topics.claims, partition, offset: String(nextOffset) });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
