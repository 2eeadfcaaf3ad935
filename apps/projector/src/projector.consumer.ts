import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  CONFIG,
  Config,
  ensureTopics,
  inTransaction,
  isUnavailable,
  JsonLogger,
  KAFKA,
  liveReadModel,
  LOGGER,
  PG_POOL,
  TOPICS,
  Topics,
} from '@sitrep/platform';
import { BatchResult, CheckpointsRepository } from '@sitrep/projection';
import { Batch, Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { ClaimProjector } from './claim-projector';
import { ObservedSettlerService } from './observed-settler.service';
import { StatisticsService } from './statistics.service';
import { ProjectorMetrics } from './projector-metrics';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Backoff between attempts at a batch while Postgres (or Kafka, for dead letters) is away. */
export const retryDelayMs = (attempt: number): number => Math.min(5000, 100 * 2 ** attempt);
const HEARTBEAT_MS = 1000;
const STARTUP_RETRY_MS = 60_000;

/**
 * The kafkajs consumer group. Offsets live in Postgres with the rows (never committed to Kafka):
 * a partition starts from the stored checkpoint, and whatever Kafka delivers below it is skipped.
 *
 * Nothing a dependency does ends the process: a batch that fails (Postgres restarting, the
 * dead-letter topic unreachable) is retried with backoff while the consumer keeps its group
 * membership alive; a consumer that kafkajs gives up on is started again.
 */
@Injectable()
export class ProjectorConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: Consumer | undefined;
  private stopping = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: JsonLogger,
    private readonly projector: ClaimProjector,
    private readonly metrics: ProjectorMetrics,
    private readonly settler: ObservedSettlerService,
    private readonly statistics: StatisticsService,
  ) {}

  /**
   * Create the topics if missing and join the group. Retried for up to a minute: a cluster that
   * has just created a topic may not serve its metadata from every broker yet.
   */
  async onApplicationBootstrap(): Promise<void> {
    const deadline = Date.now() + STARTUP_RETRY_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          await ensureTopics(admin, this.topics, this.config.partitions, this.config);
        } finally {
          await admin.disconnect();
        }
        await this.start();
        break;
      } catch (error) {
        await this.consumer?.disconnect().catch(() => undefined);
        if (this.stopping || Date.now() > deadline) throw error;
        this.logger.write('warn', 'could not start consuming; retrying', {
          error: (error as Error).message,
        });
        await sleep(retryDelayMs(attempt + 2));
      }
    }
    this.logger.write('info', 'projector consuming', {
      topic: this.topics.claims,
      group: this.topics.projectorGroup,
    });
  }

  private async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.topics.projectorGroup,
      readUncommitted: false,
      // A member that dies without leaving holds its partitions this long: keep it short.
      sessionTimeout: this.config.projectorSessionTimeoutMs,
      heartbeatInterval: HEARTBEAT_MS,
      // Heartbeats (and so news of a rebalance) wait for the fetch in flight: keep fetches short.
      maxWaitTimeInMs: 1000,
      // Large batches while catching up (about 24,000 events of a partition): each batch reads and
      // writes the state of every district it touches once, however many events it holds
      // (BENCHMARKS.md, "Live projector": 4 MiB → 16 MiB took 1M events from 2,600 to 3,764 events/s).
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 10 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[this.topics.claims] ?? [];
      this.metrics.assignment(partitions.length);
      void this.seekToCheckpoints(consumer, partitions);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.write('error', 'the Kafka consumer stopped', {
        error: payload.error.message,
        restartedByKafkajs: payload.restart,
      });
      if (!payload.restart) void this.restart(consumer);
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
      partitionsConsumedConcurrently: this.config.projectorConcurrency,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        this.settler.batchStarted();
        const result = await this.applyWithRetries(
          batch,
          heartbeat,
          () => isRunning() && !isStale(),
        ).finally(() => this.settler.batchEnded());
        if (!result) return; // abandoned: stopping or rebalanced; the checkpoint says where to resume
        resolveOffset(batch.lastOffset());
        this.statistics.applied(result.applied);
        await heartbeat().catch(() => undefined);
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
  }

  /** A consumer kafkajs will not restart (a non-retriable error): start a new one after a pause. */
  private async restart(crashed: Consumer): Promise<void> {
    for (let attempt = 0; !this.stopping && this.consumer === crashed; attempt++) {
      await sleep(retryDelayMs(attempt + 3));
      if (this.stopping || this.consumer !== crashed) return;
      await crashed.disconnect().catch(() => undefined);
      try {
        await this.start();
        this.logger.write('info', 'the Kafka consumer is running again');
        return;
      } catch (error) {
        this.logger.write('warn', 'could not restart the Kafka consumer; retrying', {
          error: (error as Error).message,
        });
      }
    }
  }

  /**
   * Apply one batch, retrying with backoff until it is applied or the batch is no longer ours.
   * Heartbeats go on meanwhile, so a slow or retried batch does not cost the group membership.
   */
  private async applyWithRetries(
    batch: Batch,
    heartbeat: () => Promise<void>,
    stillOurs: () => boolean,
  ): Promise<BatchResult | undefined> {
    const started = performance.now();
    const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await this.projector.projectBatch(
            batch.topic,
            batch.partition,
            batch.messages,
            batch.lastOffset(),
          );
          this.metrics.batch((performance.now() - started) / 1000, result);
          return result;
        } catch (error) {
          const unavailable = isUnavailable(error) || /kafka/i.test((error as Error).name);
          this.metrics.retry(unavailable ? 'unavailable' : 'error');
          const delay = retryDelayMs(attempt);
          this.logger.write(unavailable ? 'warn' : 'error', 'batch failed; retrying', {
            partition: batch.partition,
            attempt: attempt + 1,
            retryInMs: delay,
            error: (error as Error).message,
          });
          await sleep(delay);
          if (!stillOurs()) return undefined;
        }
      }
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Move each newly assigned partition to the checkpoint stored with the live read model. Without
   * Postgres this is retried: meanwhile the consumer reads from the start and skips what was
   * applied, which is slower but never wrong.
   */
  private async seekToCheckpoints(consumer: Consumer, partitions: number[]): Promise<void> {
    for (let attempt = 0; this.consumer === consumer && !this.stopping; attempt++) {
      try {
        const checkpoints = await inTransaction(this.pool, async (client) => {
          const { schema } = await liveReadModel(client);
          return new CheckpointsRepository(client, schema).load(this.topics.claims, partitions);
        });
        for (const [partition, { nextOffset }] of checkpoints)
          consumer.seek({ topic: this.topics.claims, partition, offset: String(nextOffset) });
        return;
      } catch (error) {
        this.logger.write('warn', 'could not read the stored checkpoints; retrying', {
          error: (error as Error).message,
        });
        await sleep(retryDelayMs(attempt));
      }
    }
  }

  /** Leave the group (so the partitions move at once), abandoning a batch still being retried. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
