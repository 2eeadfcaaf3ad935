/**
 * What a replay needs and keeps while it runs: its dependencies and options, and where its time
 * goes.
 */
import { Gazetteer } from '@sitrep/domain';
import {
  Clock,
  ensureTopics,
  fetchTopicOffsetsRetrying,
  JsonLogger,
  Topics,
} from '@sitrep/platform';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

export interface ReplayDeps {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly topics: Topics;
  readonly partitions: number;
  readonly gazetteer: Gazetteer;
  readonly clock: Clock;
  readonly logger: JsonLogger;
}

export interface ReplayProgress {
  readonly processed: number;
  readonly total: number;
  readonly eventsPerSecond: number;
}

export interface ReplayOptions {
  /** Re-derive one province (p-code) in the live version instead of rebuilding everything. */
  readonly province?: string;
  /** Keep the old read-model version's schema after the switch. */
  readonly keepOld?: boolean;
  /** Called about every half second with the replay's progress. */
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** How long to wait after the switch before dropping the old schema (queries in flight finish). */
  readonly dropGraceMs?: number;
  /** Filled in with where a full replay's time goes (for benchmarks); see `ReplayTimings`. */
  readonly timings?: ReplayTimings;
}

/**
 * Where a full replay's time goes, in milliseconds. Reading overlaps with Postgres storing the
 * COPY rows in its own process; the observed timelines overlap with the events' index builds.
 */
export interface ReplayTimings {
  /** Start of the run to the end of the bulk phase: the replay's speed (`readSeconds`). */
  bulk: number;
  /** Setting up the new version and reading the topic's offsets. */
  setup: number;
  /** Consuming the log up to the target offsets (wall time). */
  read: number;
  /** Inside our batch handler; `read - handler` is kafkajs fetching and decoding batches. */
  handler: number;
  /** JSON parse, validation and upcast of the messages (decodeEvent). */
  decode: number;
  /** The projection engine: routing, district states, recorded timelines. */
  engine: number;
  /** Building COPY rows. */
  copyEncode: number;
  /** Our handler waiting for Postgres to take COPY rows. */
  copyWait: number;
  /** After the log was read: the last events stored. */
  eventsDrain: number;
  /** The observed timeline of every district, and its COPY rows. */
  observed: number;
  /** Waiting for the timelines' last rows to be stored. */
  timelinesDrain: number;
  /** Index builds after the bulk load (the events' overlap the observed timelines). */
  indexes: number;
  /** Waiting for the index builds. */
  indexWait: number;
  /** Current states, claimants, standings, checkpoints. */
  current: number;
  /** Following the log until caught up with the live version, and the switch (checksums). */
  switch: number;
  /** Dropping the old version (and waiting `dropGraceMs`). */
  drop: number;
  /** The whole run. */
  total: number;
}

export const emptyReplayTimings = (): ReplayTimings => ({
  bulk: 0,
  setup: 0,
  read: 0,
  handler: 0,
  decode: 0,
  engine: 0,
  copyEncode: 0,
  copyWait: 0,
  eventsDrain: 0,
  observed: 0,
  timelinesDrain: 0,
  indexes: 0,
  indexWait: 0,
  current: 0,
  switch: 0,
  drop: 0,
  total: 0,
});

/** The claim topic's offsets (created if missing): where each partition starts and ends. */
export async function topicOffsets(deps: ReplayDeps) {
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, deps.topics, deps.partitions);
    return await fetchTopicOffsetsRetrying(admin, deps.topics.claims);
  } finally {
    await admin.disconnect();
  }
}
