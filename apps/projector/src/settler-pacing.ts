/**
 * When the observed settler rewrites (observed-settler.service.ts): rounds until nothing is
 * pending when the projector is idle; while it catches up, one bounded round at most every 15
 * seconds and never more than a quarter of the time, so that a backlog of late events costs one
 * rewrite of a district per round, not one per batch. A batch may take seconds: the projector is
 * busy from its start to its end, not only when one ends.
 */

/** Quiet this long after the last batch ended, with none in flight: the projector is idle. */
export const IDLE_AFTER_MS = 200;
/** While busy, a round at most this often… */
export const BUSY_EVERY_MS = 15_000;
/** …and at least this many times as long as the last round took between rounds. */
export const BUSY_SHARE = 3;

export type SettlerRound = 'until-settled' | 'bounded' | 'none';

export class SettlerPacing {
  private inFlight = 0;
  private lastBatchEnded = -Infinity;
  private nextBusyRound = -Infinity;

  batchStarted(): void {
    this.inFlight += 1;
  }

  /** A batch ended, applied or abandoned. */
  batchEnded(now: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastBatchEnded = now;
  }

  /** Whether no batch is in flight and none ended lately. */
  idle(now: number): boolean {
    return this.inFlight === 0 && now - this.lastBatchEnded >= IDLE_AFTER_MS;
  }

  /** The round due now, if any. */
  due(now: number): SettlerRound {
    if (this.idle(now)) return 'until-settled';
    return now >= this.nextBusyRound ? 'bounded' : 'none';
  }

  /** A round started at `started` ended at `now`. */
  roundEnded(started: number, now: number): void {
    const took = now - started;
    this.nextBusyRound = now + Math.max(BUSY_EVERY_MS - took, BUSY_SHARE * took);
  }
}
