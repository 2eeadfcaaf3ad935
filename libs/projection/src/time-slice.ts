/**
 * Long synchronous work cut into slices: between two, timers and I/O get their turn. The
 * projector's Kafka heartbeats are timers; a fold that holds the event loop past the consumer
 * group's session timeout (10 s by default) costs the projector its partitions.
 *
 *   if (slice.due) await slice.yield();
 *
 * (checked before awaiting: an await per item would cost more than the items' work).
 */
import { setImmediate } from 'node:timers/promises';

/** How long a slice of work may hold the event loop. */
export const SLICE_MS = 50;

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Whether this slice has lasted long enough. */
  get due(): boolean {
    return performance.now() - this.started >= this.sliceMs;
  }

  /** Let timers and I/O run; then a new slice begins. */
  async yield(): Promise<void> {
    await setImmediate();
    this.started = performance.now();
  }
}
