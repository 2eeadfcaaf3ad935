/**
 * The one place where the benchmark (and its verification test) drives the replayer: a full
 * replay of a claim topic into the database of `pool`, as `npm run replay` does it. Keep it
 * thin: when the replayer changes, this is what adapts.
 */
import { Gazetteer } from '@sitrep/domain';
import { JsonLogger, systemClock, Topics } from '@sitrep/platform';
import { emptyReplayTimings, Replayer, ReplayTimings } from '@sitrep/replay';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

export interface FullReplayResult {
  readonly state: string;
  readonly error: string | null;
  readonly processed: number;
  /** The replayer's own checksums of the rebuilt version against the live one. */
  readonly checksumMatch: boolean;
  /** What differs when they do not match: both sides, read model by read model. */
  readonly checksumMismatch: string | undefined;
  readonly timings: ReplayTimings;
}

export async function fullReplay(
  target: {
    readonly pool: Pool;
    readonly kafka: Kafka;
    readonly topics: Topics;
    readonly partitions: number;
    readonly gazetteer: Gazetteer;
    readonly logger: JsonLogger;
  },
  onProgress?: (p: { processed: number; total: number; eventsPerSecond: number }) => void,
  /** Keep the old version's schema after the switch (to compare it with the rebuilt one). */
  keepOld = false,
): Promise<FullReplayResult> {
  const timings = emptyReplayTimings();
  const replayer = new Replayer({ ...target, clock: systemClock });
  const { done } = await replayer.start({ dropGraceMs: 0, keepOld, onProgress, timings });
  const record = await done;
  return {
    state: record.state,
    error: record.error,
    processed: record.processed,
    checksumMatch: record.checksum?.match ?? false,
    checksumMismatch:
      record.checksum && !record.checksum.match
        ? `live ${record.checksum.live}; rebuilt ${record.checksum.rebuilt}`
        : undefined,
    timings,
  };
}
