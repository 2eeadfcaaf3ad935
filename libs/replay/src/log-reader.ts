/**
 * A replay's reader of the claim log: a consumer group of its own, from offset 0 of every
 * partition, one batch at a time (never two at once), keeping where each partition stands. A
 * ceiling per partition holds it back: it stops at the ceiling (pausing the partition) until the
 * ceiling is raised, so that a replay can catch up with the live version to the same positions
 * exactly.
 */
import { Topics } from '@sitrep/platform';
import { LogMessage } from '@sitrep/projection';
import { Consumer, Kafka } from 'kafkajs';

/** Handles one batch of one partition (messages at or after `from`, below any ceiling). */
export type BatchHandler = (
  partition: number,
  messages: readonly LogMessage[],
  lastOffset: string,
) => Promise<void>;

/** Serialises the reader's batches with other work on the replay (the switch). */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class LogReader {
  /** The next offset of each partition (everything below it is handled). */
  readonly positions = new Map<number, number>();
  /** Where each partition started (its low watermark). */
  readonly low = new Map<number, number>();
  readonly mutex = new Mutex();
  private consumer: Consumer | undefined;
  private failure: Error | undefined;
  private ceiling: ReadonlyMap<number, number> | undefined;
  private readonly paused = new Set<number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: Topics,
    private readonly groupId: string,
    private readonly handle: BatchHandler,
  ) {}

  /** Start at the partitions' low watermarks. */
  start(offsets: readonly { partition: number; low: string }[]): Promise<void> {
    for (const o of offsets) {
      this.low.set(o.partition, Number(o.low));
      this.positions.set(o.partition, Number(o.low));
    }
    return this.connect();
  }

  /** Hold partitions back at these offsets (or let them go on, undefined). */
  async setCeiling(ceiling: ReadonlyMap<number, number> | undefined): Promise<void> {
    this.ceiling = ceiling;
    for (const partition of [...this.paused]) {
      const at = this.positions.get(partition) ?? 0;
      if (ceiling !== undefined && at >= (ceiling.get(partition) ?? 0)) continue;
      this.paused.delete(partition);
      const topic = this.topics.claims;
      this.consumer?.seek({ topic, partition, offset: String(at) });
      this.consumer?.resume([{ topic, partitions: [partition] }]);
    }
  }

  /** Wait until every partition has reached its target offset. */
  async reach(targets: ReadonlyMap<number, number>): Promise<void> {
    while (![...targets].every(([p, next]) => (this.positions.get(p) ?? 0) >= next)) {
      this.throwIfFailed();
      await sleep(50);
    }
  }

  throwIfFailed(): void {
    if (this.failure) throw new Error(`reading the claim log failed: ${this.failure.message}`);
  }

  private limit(partition: number): number {
    return this.ceiling?.get(partition) ?? (this.ceiling ? 0 : Infinity);
  }

  /** Move a partition on past `lastOffset` (its batches, transaction markers included). */
  private advance(partition: number, lastOffset: string): void {
    const next = Math.min(Number(lastOffset) + 1, this.limit(partition));
    if (next > (this.positions.get(partition) ?? 0)) this.positions.set(partition, next);
  }

  private pause(partition: number): void {
    if (this.paused.has(partition)) return;
    this.paused.add(partition);
    this.consumer?.pause([{ topic: this.topics.claims, partitions: [partition] }]);
  }

  private async connect(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      maxBytesPerPartition: 2 * 1024 * 1024,
      maxBytes: 12 * 1024 * 1024,
      maxWaitTimeInMs: 200,
      sessionTimeout: 60000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A fetch holding only transaction markers never reaches eachBatch.
      if (payload.batchSize === 0) this.advance(payload.partition, payload.lastOffset);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.failure = payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.claims, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        await this.mutex.run(async () => {
          const { partition } = batch;
          const from = this.positions.get(partition) ?? 0;
          const limit = this.limit(partition);
          if (from >= limit) {
            this.pause(partition);
            return;
          }
          const messages = batch.messages.filter((m) => {
            const offset = Number(m.offset);
            return offset >= from && offset < limit;
          });
          const last = Math.min(Number(batch.lastOffset()), limit - 1);
          if (last < from) return;
          try {
            await this.handle(partition, messages, String(last));
          } catch (error) {
            this.failure ??= error as Error;
            return;
          }
          this.advance(partition, String(last));
          if ((this.positions.get(partition) ?? 0) >= limit) this.pause(partition);
        });
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([this.groupId]))
      .catch(() => undefined)
      .finally(() => void admin.disconnect().catch(() => undefined));
  }
}
