import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, Config, JsonLogger, liveReadModel, LOGGER, PG_POOL } from '@sitrep/platform';
import { DistrictChangesRepository } from '@sitrep/projection';
import { Pool } from 'pg';

/** How often old rows of `district_changes` are pruned. */
const EVERY_MS = 60_000;

/**
 * Prunes the live stream's change rows older than STREAM_RETENTION_MS from the live read-model
 * version (a client resuming from a pruned position is told to reload). Several projectors may
 * prune at once: the deletes are idempotent.
 */
@Injectable()
export class ChangesPrunerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.prune().finally(() => (this.running = undefined));
    }, EVERY_MS);
    this.timer.unref();
  }

  private async prune(): Promise<void> {
    try {
      const { schema } = await liveReadModel(this.pool);
      const pruned = await new DistrictChangesRepository(this.pool, schema).prune(
        this.config.streamRetentionMs,
      );
      if (pruned > 0) this.logger.write('info', 'pruned old district changes', { pruned });
    } catch (error) {
      this.logger.write('warn', 'could not prune old district changes; trying again later', {
        error: (error as Error).message,
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
