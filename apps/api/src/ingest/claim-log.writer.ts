import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AcceptedReport, ClaimEvent, kindOf } from '@sitrep/domain';
import {
  CONFIG,
  Config,
  ensureTopics,
  JsonLogger,
  KAFKA,
  LOGGER,
  PG_POOL,
  recordReportClaims,
  TOPICS,
  Topics,
} from '@sitrep/platform';
import { Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { unavailable } from '../http/problem';
import { claimsOfReports, StoredClaim } from './report-claims.repository';

export type WriteOutcome =
  | { readonly outcome: 'created'; readonly claims: readonly StoredClaim[] }
  | { readonly outcome: 'identical'; readonly claims: readonly StoredClaim[] }
  | { readonly outcome: 'conflict'; readonly claims: readonly StoredClaim[] };

interface Pending {
  readonly plan: AcceptedReport;
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (error: unknown) => void;
}

const RETRY_AFTER_SECONDS = 5;
/** Bytes of message values per produce request (Kafka refuses record batches over 1 MB). */
const SEND_BYTES = 256 * 1024;

interface Message {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

const toMessage = (e: ClaimEvent): Message => ({
  key: e.place.province,
  value: JSON.stringify(e),
  headers: { type: e.type, schema: String(e.schema) },
});

function* chunksOf(messages: readonly Message[], bytes: number): Generator<Message[]> {
  let chunk: Message[] = [];
  let size = 0;
  for (const message of messages) {
    if (chunk.length > 0 && size + message.value.length > bytes) {
      yield chunk;
      chunk = [];
      size = 0;
    }
    chunk.push(message);
    size += message.value.length;
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Writes reports to the claim topic with group commit: the reports that arrive while a Kafka
 * transaction is in flight go together in the next one. Per report id, a Postgres advisory lock
 * serialises the resubmission check with the write, across API instances; the report's claims are
 * recorded in Postgres only after the Kafka commit, in the same Postgres transaction that held
 * the locks (and the projector records them again from the log, so a crash in between is harmless).
 */
@Injectable()
export class ClaimLogWriter implements OnApplicationShutdown {
  private queue: Pending[] = [];
  private flushing = false;
  private producer: Promise<Producer> | undefined;
  private readonly instance = randomUUID();

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {}

  write(plan: AcceptedReport): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ plan, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.writeBatch(batch).catch((error: unknown) =>
          batch.forEach((p) => p.reject(error)),
        );
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    const client = await this.pool.connect();
    const settled: (() => void)[] = [];
    try {
      await client.query('BEGIN');
      const reportIds = [...new Set(batch.map((p) => p.plan.reportId))].sort();
      await client.query(
        'SELECT pg_advisory_xact_lock(hashtextextended(id, 7402211)) FROM unnest($1::text[]) AS id ORDER BY id',
        [reportIds],
      );
      const stored = await claimsOfReports(client, reportIds);
      const accepted = new Map<string, AcceptedReport>();
      const toWrite: Pending[] = [];
      for (const pending of batch) {
        const { plan } = pending;
        const earlier = stored.get(plan.reportId);
        const earlierPlan = accepted.get(plan.reportId);
        const digest = earlier?.[0]?.digest ?? earlierPlan?.digest;
        if (digest === undefined) {
          accepted.set(plan.reportId, plan);
          toWrite.push(pending);
        } else {
          const claims = earlier ?? storedClaimsOf(earlierPlan!);
          const outcome = digest === plan.digest ? 'identical' : 'conflict';
          settled.push(() => pending.resolve({ outcome, claims }));
        }
      }
      if (toWrite.length > 0) {
        const events = toWrite.flatMap((p) => p.plan.events);
        await this.commitToKafka(events);
        await recordReportClaims(client, events);
        for (const pending of toWrite)
          settled.push(() =>
            pending.resolve({ outcome: 'created', claims: storedClaimsOf(pending.plan) }),
          );
      }
      await client.query('COMMIT');
      settled.forEach((settle) => settle());
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** One Kafka transaction for the batch, or a 503 within the configured time. */
  private async commitToKafka(events: readonly ClaimEvent[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no Kafka commit within ${this.config.kafkaTimeoutMs} ms`)),
        this.config.kafkaTimeoutMs,
      );
    });
    const attempt = (async () => {
      const producer = await this.connectedProducer();
      const transaction = await producer.transaction();
      try {
        // Several sends in one transaction keep each request under the broker's 1 MB batch limit.
        for (const messages of chunksOf(events.map(toMessage), SEND_BYTES)) {
          await transaction.send({ topic: this.topics.claims, messages });
        }
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    })();
    try {
      await Promise.race([attempt, deadline]);
    } catch (error) {
      attempt.catch(() => undefined);
      this.dropProducer();
      this.logger.write('warn', 'Kafka write failed; answering 503', {
        error: (error as Error).message,
      });
      throw unavailable(
        `the claim log (Kafka) is not reachable: ${(error as Error).message}. Nothing was recorded; submit the same report again later`,
        RETRY_AFTER_SECONDS,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, this.topics, this.config.partitions);
      } finally {
        await admin.disconnect();
      }
      const producer = this.kafka.producer({
        transactionalId: `${this.topics.transactionalId}.${this.instance}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 30000,
      });
      await producer.connect();
      return producer;
    })();
    this.producer.catch(() => this.dropProducer());
    return this.producer;
  }

  /** Forget a producer in an unknown state; the next one fences it (same transactional id). */
  private dropProducer(): void {
    const old = this.producer;
    this.producer = undefined;
    void old?.then((p) => p.disconnect()).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }
}

function storedClaimsOf(plan: AcceptedReport): StoredClaim[] {
  return plan.events.map((e) => ({
    claimId: e.id,
    reportId: e.reportId,
    index: e.index,
    digest: e.reportDigest,
    recordedAt: e.recordedAt,
    claimant: e.claimant,
    kind: kindOf(e),
    place: e.place,
  }));
}
