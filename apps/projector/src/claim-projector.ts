import { Inject, Injectable } from '@nestjs/common';
import {
  decodeEvent,
  districtStatus,
  eventsOf,
  evolve,
  Gazetteer,
  LoggedEvent,
  placeProblem,
} from '@sitrep/domain';
import {
  DeadLetter,
  inTransaction,
  liveReadModel,
  ReadModelWriter,
  CLOCK,
  Clock,
  GAZETTEER,
  PG_POOL,
  recordReportClaims,
} from '@sitrep/platform';
import { Pool } from 'pg';
import { DeadLetterPublisher } from './dead-letter.publisher';

export interface RawMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface BatchResult {
  readonly applied: number;
  readonly skipped: number;
  readonly deadLettered: number;
  readonly nextOffset: number | undefined;
}

/**
 * Applies one Kafka batch of one partition to the live read model: the pure fold from
 * libs/domain, then the rows and the checkpoint in ONE Postgres transaction.
 */
@Injectable()
export class ClaimProjector {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(GAZETTEER) private readonly gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly deadLetters: DeadLetterPublisher,
  ) {}

  /**
   * `lastOffset` is the batch's last offset in the log, which can lie past the last message:
   * transaction markers take offsets too.
   */
  async projectBatch(
    topic: string,
    partition: number,
    messages: readonly RawMessage[],
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
    messages: readonly RawMessage[],
    lastOffset: string,
    refused: ReadonlyMap<string, string>,
  ): Promise<BatchResult> {
    return inTransaction(this.pool, async (client) => {
      const { schema } = await liveReadModel(client, true);
      const writer = new ReadModelWriter(client, schema);
      const stored = (await writer.checkpoints(topic, [partition])).get(partition) ?? 0;
      const fresh = messages.filter((m) => Number(m.offset) >= stored);

      const events: LoggedEvent[] = [];
      const letters: (DeadLetter & { message: RawMessage })[] = [];
      for (const message of fresh) {
        const offset = Number(message.offset);
        const decoded = decodeEvent(message.value?.toString('utf8'));
        const reason =
          refused.get(message.offset) ??
          (decoded.ok ? placeProblem(decoded.event, this.gazetteer) : decoded.reason);
        if (decoded.ok && reason === undefined)
          events.push({ event: decoded.event, position: { partition, offset } });
        else letters.push({ partition, offset, reason: reason ?? 'unknown', message });
      }

      const byProvince = new Map<string, LoggedEvent[]>();
      for (const e of events)
        byProvince.set(e.event.place.province, [
          ...(byProvince.get(e.event.place.province) ?? []),
          e,
        ]);
      const ledgers = await writer.ledgers([...byProvince.keys()]);

      const applied: LoggedEvent[] = [];
      const statuses = [];
      for (const [province, batch] of byProvince) {
        const before = {
          province,
          events: new Map((ledgers.get(province) ?? []).map((e) => [e.event.id, e])),
        };
        const evolution = evolve(before, batch, this.gazetteer);
        applied.push(...evolution.applied);
        const ledger = eventsOf(evolution.ledger);
        for (const pcode of evolution.affected) {
          const district = this.gazetteer.place(pcode)!;
          statuses.push({
            ...districtStatus({ pcode, province: district.province }, ledger),
            province: district.province,
          });
        }
      }

      await this.deadLetters.publish(topic, letters);
      await writer.insertEvents(applied);
      await writer.saveStatuses(statuses, this.clock.now().toISOString());
      await recordReportClaims(
        client,
        applied.map((e) => e.event),
      );
      await writer.recordDeadLetters(topic, letters);
      const nextOffset = Math.max(stored, Number(lastOffset) + 1);
      await writer.saveCheckpoints(topic, [{ partition, nextOffset }]);
      return {
        applied: applied.length,
        skipped: messages.length - fresh.length + (events.length - applied.length),
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
