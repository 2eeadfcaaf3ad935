import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gazetteer } from '@sitrep/domain';
import { GAZETTEER, JsonLogger, liveReadModel, LOGGER, PG_POOL } from '@sitrep/platform';
import { ObservedSettler } from '@sitrep/projection';
import { Pool } from 'pg';

/** How often the settler looks for pending observed rewrites. */
const TICK_MS = 200;
/**
 * While batches keep coming (catching up), rewrite at most this often, and leave at least three
 * times as long as the last round took between rounds: rewrites take at most a quarter of the
 * time, and the longer a backlog the more late events each rewrite of a district coalesces.
 */
const BUSY_EVERY_MS = 5000;
const BUSY_SHARE = 3;

/**
 * Rewrites the observed timelines batches left pending (observed-settler.ts): at once when the
 * projector is idle, every few seconds while it catches up (so that a backlog of late events
 * costs one rewrite per district per round, not one per batch).
 */
@Injectable()
export class ObservedSettlerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly settler: ObservedSettler;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastBatch = 0;
  private nextBusyRound = 0;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(GAZETTEER) gazetteer: Gazetteer,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {
    this.settler = new ObservedSettler({
      pool,
      gazetteer,
      schema: async (client) => (await liveReadModel(client, true)).schema,
    });
  }

  /** A batch was applied (the projector is busy). */
  batchApplied(): void {
    this.lastBatch = Date.now();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      const now = Date.now();
      const idle = now - this.lastBatch >= TICK_MS;
      if (!idle && now < this.nextBusyRound) return;
      this.running = (idle ? this.settler.settleAll() : this.settler.settle(200))
        .then(() => {
          const took = Date.now() - now;
          this.nextBusyRound = Date.now() + Math.max(BUSY_EVERY_MS - took, BUSY_SHARE * took);
        })
        .catch((error: Error) =>
          this.logger.write('warn', 'could not rewrite pending observed timelines', {
            error: error.message,
          }),
        )
        .finally(() => (this.running = undefined));
    }, TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
