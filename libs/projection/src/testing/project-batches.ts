/**
 * For tests: batches through the engine as a consumer applies them, each partition's recorded
 * clock carried from one batch to the next, into a store that keeps what they applied. Returns
 * the recorded rows as the live projector leaves them (`keepRecorded`); `after` runs after each
 * batch (a sink to feed, observed timelines to settle).
 */
import { LoggedEvent } from '@sitrep/domain';
import { BatchEffects, PositionVersion, StatusVersion } from '../projection-effects';
import { ProjectionEngine } from '../projection-engine';
import { ProjectionStore } from '../projection-store';
import { keepRecorded, TimelineRows } from './timeline-reads';

export async function projectBatches(
  engine: ProjectionEngine,
  store: ProjectionStore & { commit(effects: BatchEffects): void },
  batches: Iterable<{ readonly partition: number; readonly batch: readonly LoggedEvent[] }>,
  after?: (effects: BatchEffects) => Promise<void> | void,
): Promise<TimelineRows> {
  const recorded = { statuses: [] as StatusVersion[], positions: [] as PositionVersion[] };
  const clocks = new Map<number, number>();
  for (const { partition, batch } of batches) {
    const effects = await engine.project(store, batch, clocks.get(partition) ?? 0);
    clocks.set(partition, effects.clock);
    store.commit(effects);
    keepRecorded(recorded, effects.recorded);
    await after?.(effects);
  }
  return recorded;
}
