/** Nest wiring shared by the apps: configuration, Postgres pool, Kafka client, gazetteer, clock. */
import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { Config, loadConfig, topicsFor, Topics } from './config';
import { createPool } from './database';
import { createRegistry, registerPoolMetrics } from './metrics';
import { loadGazetteer } from './gazetteer';
import { createKafka } from './kafka';
import { JsonLogger } from './logger';

export const CONFIG = Symbol('CONFIG');
export const TOPICS = Symbol('TOPICS');
export const PG_POOL = Symbol('PG_POOL');
export const KAFKA = Symbol('KAFKA');
export const GAZETTEER = Symbol('GAZETTEER');
export const CLOCK = Symbol('CLOCK');
export const LOGGER = Symbol('LOGGER');
/** The app's Prometheus registry (prom-client `Registry`). */
export const METRICS = Symbol('METRICS');
const POOL_SIZE = 10;

/** The system clock, injected so tests and replays can pass their own. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

@Injectable()
class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

@Global()
@Module({})
export class PlatformModule {
  static forRoot(service: string, config: Config = loadConfig()): DynamicModule {
    const logger = new JsonLogger(service, config.logLevel);
    return {
      module: PlatformModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: TOPICS, useValue: topicsFor(config.topicPrefix) },
        { provide: LOGGER, useValue: logger },
        { provide: PG_POOL, useFactory: () => createPool(config.databaseUrl, POOL_SIZE) },
        {
          provide: METRICS,
          useFactory: (pool: Pool): Registry => {
            const registry = createRegistry(service);
            registerPoolMetrics(registry, pool, POOL_SIZE);
            return registry;
          },
          inject: [PG_POOL],
        },
        {
          provide: KAFKA,
          useFactory: (): Kafka => createKafka(config, `sitrep-${service}`, logger),
        },
        { provide: GAZETTEER, useFactory: () => loadGazetteer() },
        { provide: CLOCK, useValue: systemClock },
        PoolCloser,
      ],
      exports: [CONFIG, TOPICS, LOGGER, PG_POOL, KAFKA, GAZETTEER, CLOCK, METRICS],
    };
  }
}

export type { Topics };
