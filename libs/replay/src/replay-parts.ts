/**
 * What a full and a scoped replay both run on: the versions repository, the engine with a bulk
 * store (every state in memory), the dead-letter producer and a log reader of the replay's own
 * consumer group; and how far the reader has come.
 */
import { BulkStore, DeadLetterProducer, ProjectionEngine } from '@sitrep/projection';
import { BatchHandler, LogReader } from './log-reader';
import { ReadModelVersions } from './read-model-versions.repository';
import { ReplayDeps } from './replay-run';

export interface ReplayParts {
  readonly versions: ReadModelVersions;
  readonly store: BulkStore;
  readonly engine: ProjectionEngine;
  readonly deadLetters: DeadLetterProducer;
  readonly reader: LogReader;
}

export function replayParts(deps: ReplayDeps, id: string, onBatch: BatchHandler): ReplayParts {
  return {
    versions: new ReadModelVersions(deps.pool),
    store: new BulkStore(deps.gazetteer),
    engine: new ProjectionEngine(deps.gazetteer),
    deadLetters: new DeadLetterProducer(deps.kafka, deps.topics, { replay: id }),
    reader: new LogReader(
      deps.kafka,
      deps.topics,
      `${deps.topics.projectorGroup}.replay.${id}`,
      onBatch,
    ),
  };
}

/** Events read so far up to the targets (partition → offset to reach), and the events to read. */
export function readProgress(
  reader: LogReader,
  targets: ReadonlyMap<number, number>,
): { processed: number; total: number } {
  let processed = 0;
  let total = 0;
  for (const [p, high] of targets) {
    const low = reader.low.get(p) ?? 0;
    total += Math.max(0, high - low);
    processed += Math.max(0, Math.min(reader.positions.get(p) ?? low, high) - low);
  }
  return { processed, total };
}
