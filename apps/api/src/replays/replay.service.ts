import { Inject, Injectable } from '@nestjs/common';
import { Gazetteer } from '@sitrep/domain';
import {
  CLOCK,
  Clock,
  CONFIG,
  Config,
  GAZETTEER,
  JsonLogger,
  KAFKA,
  LOGGER,
  METRICS,
  PG_POOL,
  TOPICS,
  Topics,
} from '@sitrep/platform';
import {
  ReplayBusyError,
  ReplayOptions,
  ReplayRecord,
  Replayer,
  ReplayStore,
} from '@sitrep/replay';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { Gauge, Registry } from 'prom-client';
import { conflict, notFound } from '../http/problem';

/** Runs replays in this process, in the background; their progress is in the `replays` table. */
@Injectable()
export class ReplayService {
  private readonly replayer: Replayer;
  private readonly store: ReplayStore;
  private readonly progress: Gauge<'measure'>;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(TOPICS) topics: Topics,
    @Inject(CONFIG) config: Config,
    @Inject(GAZETTEER) gazetteer: Gazetteer,
    @Inject(CLOCK) clock: Clock,
    @Inject(LOGGER) logger: JsonLogger,
    @Inject(METRICS) registry: Registry,
  ) {
    this.progress = new Gauge({
      name: 'sitrep_replay_progress',
      help: 'The replay this API runs: running (1 or 0), processed and total events, events per second',
      labelNames: ['measure'],
      registers: [registry],
    });
    this.progress.set({ measure: 'running' }, 0);
    this.replayer = new Replayer({
      pool,
      kafka,
      topics,
      partitions: config.partitions,
      gazetteer,
      clock,
      logger,
    });
    this.store = new ReplayStore(pool);
  }

  async start(options: ReplayOptions): Promise<ReplayRecord> {
    try {
      const { id, done } = await this.replayer.start({
        ...options,
        onProgress: (progress) => {
          this.progress.set({ measure: 'processed' }, progress.processed);
          this.progress.set({ measure: 'total' }, progress.total);
          this.progress.set({ measure: 'events_per_second' }, progress.eventsPerSecond);
          options.onProgress?.(progress);
        },
      });
      this.progress.set({ measure: 'running' }, 1);
      void done.catch(() => undefined).finally(() => this.progress.set({ measure: 'running' }, 0));
      return (await this.store.find(id))!;
    } catch (error) {
      if (error instanceof ReplayBusyError) throw conflict(error.message);
      throw error;
    }
  }

  async find(id: string): Promise<ReplayRecord> {
    const record = await this.store.find(id);
    if (!record) throw notFound(`replay ${id}`);
    return record;
  }
}
