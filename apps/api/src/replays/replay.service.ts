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
import { conflict, notFound } from '../http/problem';

/** Runs replays in this process, in the background; their progress is in the `replays` table. */
@Injectable()
export class ReplayService {
  private readonly replayer: Replayer;
  private readonly store: ReplayStore;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(TOPICS) topics: Topics,
    @Inject(CONFIG) config: Config,
    @Inject(GAZETTEER) gazetteer: Gazetteer,
    @Inject(CLOCK) clock: Clock,
    @Inject(LOGGER) logger: JsonLogger,
  ) {
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
      const { id, done } = await this.replayer.start(options);
      void done.catch(() => undefined);
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
