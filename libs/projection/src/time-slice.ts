/**
 * Long synchronous work cut into slices: between two, timers and I/O get their turn. The
 * projector's Kafka heartbeats are timers; a fold that holds the event loop past the consumer
 * group's session timeout (10 s by default) costs the projector its partitions.
 */
import { setImmediate } from 'node:timers/promises';

/** How long a slice of folding may hold the event loop. */
export const SLICE_MS = 50;

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Let timers and I/O run if this slice has lasted long enough; then a new slice begins. */
  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await setImmediate();
    this.started = performance.now();
  }
}
