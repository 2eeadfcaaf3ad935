import { Inject, Injectable } from '@nestjs/common';
import { Gazetteer } from '@sitrep/domain';
import { CLOCK, Clock, GAZETTEER, liveReadModel, PG_POOL } from '@sitrep/platform';
import { BatchProjector, BatchResult, LogMessage } from '@sitrep/projection';
import { Pool } from 'pg';
import { DeadLetterPublisher } from './dead-letter.publisher';

/** The live projector's batches: into the live read-model version, locked while they apply. */
@Injectable()
export class ClaimProjector {
  private readonly batches: BatchProjector;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(GAZETTEER) gazetteer: Gazetteer,
    @Inject(CLOCK) clock: Clock,
    deadLetters: DeadLetterPublisher,
  ) {
    this.batches = new BatchProjector({
      pool,
      gazetteer,
      clock,
      deadLetters: (topic, letters) => deadLetters.publish(topic, letters),
      schema: async (client) => (await liveReadModel(client, true)).schema,
    });
  }

  /**
   * `lastOffset` is the batch's last offset in the log, which can lie past the last message:
   * transaction markers take offsets too.
   */
  projectBatch(
    topic: string,
    partition: number,
    messages: readonly LogMessage[],
    lastOffset: string,
  ): Promise<BatchResult> {
    return this.batches.projectBatch(topic, partition, messages, lastOffset);
  }
}
