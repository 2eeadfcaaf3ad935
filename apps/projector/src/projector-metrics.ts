import { Inject, Injectable } from '@nestjs/common';
import {
  inTransaction,
  KAFKA,
  liveReadModel,
  METRICS,
  PG_POOL,
  TOPICS,
  Topics,
} from '@sitrep/platform';
import { CheckpointsRepository } from '@sitrep/projection';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A dead letter's reason, as a label with few values (the full reason is in the message header). */
export function deadLetterCategory(reason: string): string {
  if (/cannot store/i.test(reason)) return 'unstorable';
  if (/NUL character/i.test(reason)) return 'unstorable';
  if (/not JSON|empty message/i.test(reason)) return 'not_json';
  if (/unknown place|is not in province/i.test(reason)) return 'unknown_place';
  return 'invalid_event';
}

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms)),
  ]);

/**
 * The projector's series. Lag is measured at each scrape, from the claim topic's high
 * watermarks and the checkpoints stored with the read model; while either cannot be read,
 * the last known values stand.
 */
@Injectable()
export class ProjectorMetrics {
  private readonly events: Counter<'outcome'>;
  private readonly batches: Histogram;
  private readonly retries: Counter<'cause'>;
  private readonly deadLetters: Counter<'reason'>;
  private readonly assigned: Gauge;
  private readonly high = new Map<number, number>();
  private readonly applied = new Map<number, number>();
  private readonly counted = new Set<string>();

  constructor(
    @Inject(METRICS) registry: Registry,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TOPICS) private readonly topics: Topics,
  ) {
    this.events = new Counter({
      name: 'sitrep_projector_events_total',
      help: 'Events of the claim topic handled: applied, skipped (below a checkpoint or a repeated claim id) or dead_lettered',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.batches = new Histogram({
      name: 'sitrep_projector_batch_duration_seconds',
      help: 'Applying one Kafka batch of one partition (one Postgres transaction), retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'sitrep_projector_batch_retries_total',
      help: 'Batches retried after a failure: cause "unavailable" (Postgres or Kafka away) or "error"',
      labelNames: ['cause'],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'sitrep_projector_dead_letters_total',
      help: 'Events sent to the dead-letter topic, by reason: not_json, invalid_event, unknown_place, unstorable',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.assigned = new Gauge({
      name: 'sitrep_projector_assigned_partitions',
      help: 'Partitions of the claim topic assigned to this projector by its consumer group',
      registers: [registry],
    });
    const refresh = () => this.refreshLag();
    const { high, applied } = this;
    new Gauge({
      name: 'sitrep_projector_lag',
      help: 'Events committed to a partition of the claim topic and not yet applied to the read model',
      labelNames: ['partition'],
      registers: [registry],
      async collect() {
        await refresh();
        for (const [partition, next] of high)
          this.set(
            { partition: String(partition) },
            Math.max(0, next - (applied.get(partition) ?? 0)),
          );
      },
    });
  }

  batch(seconds: number, result: { applied: number; skipped: number; deadLettered: number }) {
    this.batches.observe(seconds);
    this.events.inc({ outcome: 'applied' }, result.applied);
    this.events.inc({ outcome: 'skipped' }, result.skipped);
    this.events.inc({ outcome: 'dead_lettered' }, result.deadLettered);
  }

  retry(cause: 'unavailable' | 'error'): void {
    this.retries.inc({ cause });
  }

  /**
   * Events sent to the dead-letter topic. A batch the database refuses is sent again one event at
   * a time, and its letters with it: each log position counts once.
   */
  deadLettered(letters: readonly { partition: number; offset: number; reason: string }[]): void {
    for (const { partition, offset, reason } of letters) {
      const position = `${partition}:${offset}`;
      if (this.counted.has(position)) continue;
      if (this.counted.size >= 10_000) this.counted.clear();
      this.counted.add(position);
      this.deadLetters.inc({ reason: deadLetterCategory(reason) });
    }
  }

  assignment(partitions: number): void {
    this.assigned.set(partitions);
  }

  private async refreshLag(): Promise<void> {
    const admin = this.kafka.admin();
    await within(
      2000,
      (async () => {
        await admin.connect();
        for (const p of await admin.fetchTopicOffsets(this.topics.claims))
          this.high.set(p.partition, Number(p.high));
      })(),
    )
      .catch(() => undefined)
      .finally(() => void admin.disconnect().catch(() => undefined));
    await within(
      2000,
      inTransaction(this.pool, async (client) => {
        const { schema } = await liveReadModel(client);
        return new CheckpointsRepository(client, schema).load(this.topics.claims);
      }),
    )
      .then((checkpoints) => {
        for (const [partition, { nextOffset }] of checkpoints)
          this.applied.set(partition, nextOffset);
      })
      .catch(() => undefined);
  }
}
