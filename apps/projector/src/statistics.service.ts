import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JsonLogger, liveReadModel, LOGGER, PG_POOL } from '@sitrep/platform';
import { StatisticsRepository } from '@sitrep/projection';
import { Pool } from 'pg';

/**
 * Analyze after at least this many events, and once the events have doubled since the last time:
 * the planner scales the row counts it knows by each table's size now, so statistics only need
 * to exist and to have the right shape: a log growing from nothing to a million events costs
 * seven analyses.
 */
const AT_LEAST = 10_000;
const SHARE = 1;

/**
 * Keeps the planner's statistics of the live read model fresh as the projector grows it (what
 * autovacuum does where it runs): without them, a table that grew from empty looks empty, and
 * the batches' look-ups scan it instead of using its indexes.
 */
@Injectable()
export class StatisticsService implements OnApplicationShutdown {
  private sinceLast = 0;
  private known = 0;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {}

  /** A batch applied `events` events. */
  applied(events: number): void {
    this.sinceLast += events;
    if (this.running || this.sinceLast < Math.max(AT_LEAST, SHARE * this.known)) return;
    this.sinceLast = 0;
    const started = Date.now();
    this.running = liveReadModel(this.pool)
      .then(({ schema }) => new StatisticsRepository(this.pool, schema).analyze())
      .then((known) => {
        this.known = known;
        this.logger.write('info', 'read-model statistics refreshed', {
          events: Math.round(known),
          ms: Date.now() - started,
        });
      })
      .catch((error: Error) =>
        this.logger.write('warn', 'could not refresh the read-model statistics', {
          error: error.message,
        }),
      )
      .finally(() => (this.running = undefined));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running;
  }
}
