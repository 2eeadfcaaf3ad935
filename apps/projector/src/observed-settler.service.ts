import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gazetteer } from '@sitrep/domain';
import { GAZETTEER, JsonLogger, liveReadModel, LOGGER, PG_POOL } from '@sitrep/platform';
import { ObservedSettler } from '@sitrep/projection';
import { Pool } from 'pg';
import { IDLE_AFTER_MS, SettlerPacing } from './settler-pacing';

/** Districts a round rewrites while the projector is busy (when idle: rounds of 50 until none). */
const BUSY_ROUND = 200;

/**
 * Rewrites the observed timelines batches left pending (observed-settler.ts), paced by
 * settler-pacing.ts: at once when the projector is idle, every 15 s at most while it catches up.
 */
@Injectable()
export class ObservedSettlerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly settler: ObservedSettler;
  private readonly pacing = new SettlerPacing();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

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

  /** A batch is being applied: the projector is busy until it ends. */
  batchStarted(): void {
    this.pacing.batchStarted();
  }

  /** A batch ended, applied or abandoned. */
  batchEnded(): void {
    this.pacing.batchEnded(Date.now());
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      const started = Date.now();
      const round = this.pacing.due(started);
      if (round === 'none') return;
      this.running = (round === 'until-settled' ? this.settleWhileIdle() : this.settleSome())
        .then(() => this.pacing.roundEnded(started, Date.now()))
        .catch((error: Error) =>
          this.logger.write('warn', 'could not rewrite pending observed timelines', {
            error: error.message,
          }),
        )
        .finally(() => (this.running = undefined));
    }, IDLE_AFTER_MS);
  }

  private async settleSome(): Promise<void> {
    await this.settler.settle(BUSY_ROUND);
  }

  /** Rounds until nothing is pending, or until a batch comes. */
  private async settleWhileIdle(): Promise<void> {
    while (this.pacing.idle(Date.now()) && (await this.settler.settle()) > 0);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
