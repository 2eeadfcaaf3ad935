/**
 * For tests: the timeline rows a replay writes for a log. Each partition's events go through a
 * bulk store in one batch (no instant split between batches), then every observed timeline is
 * folded from the start, as a full replay does once the whole log is in.
 */
import { LoggedEvent } from '@sitrep/domain';
import { BulkStore } from '../bulk-store';
import { PositionVersion, StatusVersion } from '../projection-effects';
import { ProjectionEngine } from '../projection-engine';
import { projectBatches } from './project-batches';
import { TimelineRows } from './timeline-reads';

export async function replayedTimelines(
  engine: ProjectionEngine,
  log: readonly LoggedEvent[],
  /** The districts and province lanes whose observed timelines to fold. */
  places: readonly string[],
): Promise<TimelineRows> {
  const store = new BulkStore(engine.gazetteer);
  const partitions = new Set(log.map((e) => e.position.partition));
  const recorded = await projectBatches(
    engine,
    store,
    [...partitions].map((partition) => ({
      partition,
      batch: log.filter((e) => e.position.partition === partition),
    })),
  );
  const observed = await observedFromStart(engine, store, places);
  return {
    statuses: [...recorded.statuses, ...observed.statuses],
    positions: [...recorded.positions, ...observed.positions],
  };
}

/** The observed timelines of these places, each folded from the start over a bulk store. */
export async function observedFromStart(
  engine: ProjectionEngine,
  store: BulkStore,
  places: readonly string[],
): Promise<TimelineRows> {
  const rows = { statuses: [] as StatusVersion[], positions: [] as PositionVersion[] };
  const rewrites = await engine.rewriteObserved(
    store,
    places.map((district) => ({ district, from: -Infinity })),
  );
  for (const timeline of rewrites) {
    rows.statuses.push(...timeline.statuses);
    rows.positions.push(...timeline.positions);
  }
  return rows;
}
