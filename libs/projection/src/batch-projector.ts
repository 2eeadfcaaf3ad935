/**
 * One Kafka batch of one partition into a read-model version (see BatchProjector).
 */
import { Gazetteer } from '@sitrep/domain';
import { Clock, inTransaction, recordReportClaims } from '@sitrep/platform';
import { Pool, PoolClient } from 'pg';
import { CheckpointsRepository, DeadLetter } from './pg/checkpoints.repository';
import { DistrictChangesRepository } from './pg/district-changes.repository';
import { ObservedPendingRepository } from './pg/observed-pending.repository';
import { PgProjectionStore } from './pg/pg-projection-store';
import { writeEffects } from './pg/projection-writer';
import { decodeBatch, LogMessage } from './decode-batch';
import { ProjectionEngine } from './projection-engine';

export interface BatchResult {
  readonly applied: number;
  readonly skipped: number;
  readonly deadLettered: number;
  readonly nextOffset: number | undefined;
}

export interface BatchProjectorDeps {
  readonly pool: Pool;
  readonly gazetteer: Gazetteer;
  readonly clock: Clock;
  /** Sends events that cannot be applied to the dead-letter topic, with their reason. */
  readonly deadLetters: (
    topic: string,
    letters: readonly (DeadLetter & { readonly message: LogMessage })[],
  ) => Promise<void>;
  /**
   * The schema of the read-model version to write, read inside the batch's transaction (the
   * live projector's locks the live version, so that a replay cannot switch it meanwhile).
   */
  readonly schema: (client: PoolClient) => Promise<string>;
}

/**
 * Applies one Kafka batch of one partition to a read-model version: decode and upcast, events
 * that cannot be used to the dead-letter topic, the projection engine on the states the batch
 * touches, and the rows with the checkpoint in ONE Postgres transaction (exactly once: what lies
 * below the stored checkpoint is skipped). The live projector and a replay catching up with the
 * log both use it.
 */
export class BatchProjector {
  private readonly engine: ProjectionEngine;

  constructor(private readonly deps: BatchProjectorDeps) {
    this.engine = new ProjectionEngine(deps.gazetteer);
  }

  /**
   * `lastOffset` is the batch's last offset in the log, which can lie past the last message:
   * transaction markers take offsets too.
   */
  async projectBatch(
    topic: string,
    partition: number,
    messages: readonly LogMessage[],
    lastOffset: string,
  ): Promise<BatchResult> {
    try {
      return await this.apply(topic, partition, messages, lastOffset, new Map());
    } catch (error) {
      if (!isDataError(error) || messages.length === 0) throw error;
      // Postgres refuses something in this batch: apply it one event at a time, and send the
      // event it refuses to the dead-letter topic, so the partition moves on.
      const total = {
        applied: 0,
        skipped: 0,
        deadLettered: 0,
        nextOffset: undefined as number | undefined,
      };
      for (const message of messages) {
        const one = await this.apply(topic, partition, [message], message.offset, new Map()).catch(
          (failure: unknown) => {
            if (!isDataError(failure)) throw failure;
            const reason = `the read model cannot store it: ${(failure as Error).message}`;
            return this.apply(
              topic,
              partition,
              [message],
              message.offset,
              new Map([[message.offset, reason]]),
            );
          },
        );
        total.applied += one.applied;
        total.skipped += one.skipped;
        total.deadLettered += one.deadLettered;
        total.nextOffset = one.nextOffset;
      }
      const tail = await this.apply(topic, partition, [], lastOffset, new Map());
      return { ...total, nextOffset: tail.nextOffset };
    }
  }

  /** One transaction; offsets in `refused` go to the dead-letter topic with their reason. */
  private async apply(
    topic: string,
    partition: number,
    messages: readonly LogMessage[],
    lastOffset: string,
    refused: ReadonlyMap<string, string>,
  ): Promise<BatchResult> {
    const { pool, gazetteer, clock } = this.deps;
    return inTransaction(pool, async (client) => {
      const schema = await this.deps.schema(client);
      const checkpoints = new CheckpointsRepository(client, schema);
      const stored = (await checkpoints.load(topic, [partition], true)).get(partition);
      const from = stored?.nextOffset ?? 0;
      const fresh = messages.filter((m) => Number(m.offset) >= from);
      const { events, letters, bodies } = decodeBatch(partition, fresh, gazetteer, refused);
      const store = new PgProjectionStore(client, schema, gazetteer);
      const effects = await this.engine.project(store, events, stored?.clock ?? 0);
      await this.deps.deadLetters(topic, letters);
      await writeEffects(client, schema, effects, bodies, clock.now().toISOString());
      await new ObservedPendingRepository(client, schema).mark(effects.observedFrom);
      await recordReportClaims(
        client,
        effects.applied.map((a) => a.logged.event),
      );
      await checkpoints.recordDeadLetters(topic, letters);
      const nextOffset = Math.max(from, Number(lastOffset) + 1);
      await checkpoints.save(topic, [{ partition, nextOffset, clock: effects.clock }]);
      // Last: the live stream's change rows (their lock serialises only the commit) and the
      // notice that wakes streams and reads waiting for a consistency token.
      const changes = new DistrictChangesRepository(client, schema);
      await changes.append(effects.states.filter((s) => !s.isLane).map((s) => s.district));
      await changes.announce();
      return {
        applied: effects.applied.length,
        skipped: messages.length - fresh.length + effects.duplicates,
        deadLettered: letters.length,
        nextOffset,
      };
    });
  }
}

/** Errors about the data itself (SQLSTATE classes 22 and 23, 54): retrying cannot help. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}
