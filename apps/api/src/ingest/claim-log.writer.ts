import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AcceptedReport } from '@sitrep/domain';
import {
  CONFIG,
  Config,
  createKafka,
  ensureTopics,
  JsonLogger,
  LOGGER,
  PG_POOL,
  TOPICS,
  Topics,
} from '@sitrep/platform';
import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { unavailable } from '../http/problem';
import { IngestMetrics } from '../metrics/ingest-metrics';
import { LogPositions, lastPositions } from '../consistency/consistency-token';
import { ClaimMessage, LogPosition, toMessage, TransactionalProducer } from './claim-log.producers';
import { ReportClaimsRepository, StoredClaim, storedClaimOf } from './report-claims.repository';

/**
 * `positions`: where the report's events sit in the log (partition → offset of its last event
 * there), when this process knows it (it wrote them, or a submission of it is in flight here).
 */
export type WriteOutcome = {
  readonly outcome: 'created' | 'identical' | 'conflict';
  readonly claims: readonly StoredClaim[];
  readonly positions?: LogPositions;
};

interface Pending {
  readonly report: AcceptedReport;
  readonly messages: readonly ClaimMessage[];
  readonly bytes: number;
  /** Epoch ms by which the answer is due (KAFKA_TIMEOUT_MS after the report arrived). */
  readonly deadline: number;
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
}

const RETRY_AFTER_SECONDS = 5;
/** Transactional producers, so that groups are sent and committed while others form. */
export const PRODUCERS = 4;
/** A group of reports (one Kafka transaction) holds at most this many reports and bytes. */
const GROUP_REPORTS = 1000;
const GROUP_BYTES = 2 * 1024 * 1024;
/** When `report_claims` could not be written after a commit: retry after these delays (ms). */
const RECORD_RETRIES = [1000, 5000, 30000];

/** What a report that arrives after `claims` were accepted under its id gets. */
function resubmission(
  report: AcceptedReport,
  claims: readonly StoredClaim[],
  positions?: LogPositions,
): WriteOutcome {
  const outcome = claims[0]?.digest === report.digest ? 'identical' : 'conflict';
  return { outcome, claims, ...(positions && { positions }) };
}

const unavailableBecause = (reason: string) =>
  unavailable(
    `the claim log (Kafka) is not reachable: ${reason}. Nothing was recorded; submit the same report again later`,
    RETRY_AFTER_SECONDS,
  );

/** A commit sent but not confirmed in time: the broker may still have committed it. */
const inDoubt = (reason: string) =>
  unavailable(
    `the claim log (Kafka) did not confirm the commit: ${reason}. The report may or may not have been recorded; submit the same report again later: it is recorded at most once, and if it was, the answer is 200 with its claim ids`,
    RETRY_AFTER_SECONDS,
  );

/**
 * Writes accepted reports to the claim topic with group commit: reports that arrive while Kafka
 * transactions are in flight go together in the next one, and up to PRODUCERS transactions are
 * in flight at once (one per transactional producer). Per group, a Postgres session takes the
 * advisory locks of its report ids and reads what is stored under them (resubmissions across API
 * instances), holds them across the Kafka commit, records the new claims in `report_claims`,
 * answers, and only then lets the locks go. Nothing is written to Postgres before the Kafka
 * commit, and no answer comes before it. In this process, a report id already in flight waits for
 * the first submission's outcome (and shares its failure) instead of forming a second write.
 */
@Injectable()
export class ClaimLogWriter implements OnApplicationShutdown {
  private queue: Pending[] = [];
  private readonly idle: TransactionalProducer[];
  private readonly producers: TransactionalProducer[];
  /** Reports of this process being written, by report id. */
  private readonly inFlight = new Map<string, Promise<WriteOutcome>>();
  /** Reports committed and answered whose `report_claims` rows are still being retried. */
  private readonly unrecorded = new Map<
    string,
    { readonly claims: readonly StoredClaim[]; readonly positions: LogPositions | undefined }
  >();
  private topicsReady: Promise<void> | undefined;
  private closed = false;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: JsonLogger,
    private readonly claims: ReportClaimsRepository,
    private readonly metrics: IngestMetrics,
  ) {
    // Their own client: a transaction retries a busy coordinator (CONCURRENT_TRANSACTIONS) after
    // 20 ms, as the Java client does, not after the 200 ms of the other requests.
    const kafka = createKafka(config, 'sitrep-api-writer', logger, {
      initialRetryTime: 20,
      retries: 8,
      maxRetryTime: 1000,
    });
    const instance = randomUUID();
    this.producers = Array.from(
      { length: PRODUCERS },
      (_, n) =>
        new TransactionalProducer(
          kafka,
          topics.claims,
          `${topics.transactionalId}.${instance}.${n}`,
          () => (this.topicsReady ??= this.ensureTopics(kafka)),
        ),
    );
    this.idle = [...this.producers];
  }

  /** Append an accepted report to the log, unless its report id was accepted before. */
  write(report: AcceptedReport): Promise<WriteOutcome> {
    const answered = this.unrecorded.get(report.reportId);
    if (answered) return Promise.resolve(resubmission(report, answered.claims, answered.positions));
    // If the first submission fails (Kafka down), so does this one, within the same time.
    const earlier = this.inFlight.get(report.reportId);
    if (earlier)
      return earlier.then((outcome) => resubmission(report, outcome.claims, outcome.positions));
    const written = new Promise<WriteOutcome>((resolve, reject) => {
      if (this.closed) return reject(unavailableBecause('the API is shutting down'));
      const messages = report.events.map(toMessage);
      const pending: Pending = {
        report,
        messages,
        bytes: messages.reduce((sum, m) => sum + m.value.length, 0),
        deadline: Date.now() + this.config.kafkaTimeoutMs,
        resolve,
        reject,
        timer: undefined,
        settled: false,
      };
      pending.timer = setTimeout(() => this.expire(pending), this.config.kafkaTimeoutMs);
      this.queue.push(pending);
      this.dispatch();
    });
    this.inFlight.set(report.reportId, written);
    const forget = () => {
      if (this.inFlight.get(report.reportId) === written) this.inFlight.delete(report.reportId);
    };
    written.then(forget, forget);
    return written;
  }

  /** Start a group on every idle producer while reports wait. */
  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const producer = this.idle.pop()!;
      const group = this.takeGroup();
      void this.writeGroup(group, producer).finally(() => {
        this.idle.push(producer);
        this.dispatch();
      });
    }
  }

  private takeGroup(): Pending[] {
    let bytes = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      n < GROUP_REPORTS &&
      (n === 0 || bytes + this.queue[n]!.bytes <= GROUP_BYTES)
    ) {
      bytes += this.queue[n]!.bytes;
      n += 1;
    }
    return this.queue.splice(0, n);
  }

  /** A report still waiting for a producer when its time is up gets its 503 now. */
  private expire(pending: Pending): void {
    const at = this.queue.indexOf(pending);
    if (at < 0) return; // in a group: the group's deadline answers it
    this.queue.splice(at, 1);
    settle(pending, unavailableBecause(`no Kafka commit within ${this.config.kafkaTimeoutMs} ms`));
  }

  private async writeGroup(group: Pending[], producer: TransactionalProducer): Promise<void> {
    for (const p of group) clearTimeout(p.timer);
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        producer.drop(); // in doubt: its replacement fences it
        const error = inDoubt(`no Kafka commit within ${this.config.kafkaTimeoutMs} ms`);
        for (const p of group) settle(p, error);
      },
      Math.max(0, Math.min(...group.map((p) => p.deadline)) - Date.now()),
    );
    let client: PoolClient | undefined;
    let locked = false;
    let kafkaFailed = false;
    try {
      client = await this.pool.connect();
      const reportIds = group.map((p) => p.report.reportId).sort();
      locked = true; // even a lock statement that failed midway may hold some
      await this.claims.lock(client, reportIds);
      const stored = await this.claims.find(client, reportIds);
      const toWrite = group.filter((p) => {
        const earlier = stored.get(p.report.reportId);
        if (earlier) {
          const answer = resubmission(p.report, earlier);
          if (answer.outcome === 'identical')
            this.metrics.accepted('identical', answer.claims.length);
          settle(p, answer);
        }
        return !earlier;
      });
      if (timedOut) throw unavailableBecause('timed out waiting for Postgres');
      let landed: LogPosition[] | undefined = [];
      if (toWrite.length > 0) {
        kafkaFailed = true;
        const started = performance.now();
        landed = await producer.commit(toWrite.flatMap((p) => p.messages));
        this.metrics.kafkaTransaction((performance.now() - started) / 1000, true, toWrite.length);
        kafkaFailed = false;
      }
      // Committed to the log: from here on the answer is the truth, whatever Postgres says.
      const claims = toWrite.map((p) => p.report.events.map(storedClaimOf));
      let at = 0;
      const positions = toWrite.map((p) => {
        const mine = landed?.slice(at, (at += p.messages.length));
        return mine && lastPositions(mine);
      });
      await this.claims.record(client, claims.flat()).catch((error: unknown) => {
        this.recordLater(claims, positions, error);
      });
      toWrite.forEach((p, i) => {
        this.metrics.accepted('created', claims[i]!.length);
        settle(p, { outcome: 'created', claims: claims[i]!, positions: positions[i] });
      });
    } catch (error) {
      if (kafkaFailed) {
        this.metrics.kafkaTransaction(0, false, 0);
        producer.drop();
        this.logger.write('warn', 'Kafka write failed; answering 503', {
          error: (error as Error).message,
        });
      }
      const answer = kafkaFailed ? unavailableBecause((error as Error).message) : error;
      for (const p of group) settle(p, answer);
    } finally {
      clearTimeout(timer);
      // The locks go once every report of the group is answered (and the producer is free).
      const session = client;
      if (session && locked)
        this.claims.unlockAll(session).then(
          () => session.release(),
          (error: Error) => session.release(error),
        );
      else session?.release();
    }
  }

  /**
   * `report_claims` refused the claims of committed reports: they were answered (the log has
   * them); keep them here for resubmissions and retry, then leave them to the projector, which
   * records them from the log too.
   */
  private recordLater(
    claims: readonly (readonly StoredClaim[])[],
    positions: readonly (LogPositions | undefined)[],
    error: unknown,
  ): void {
    claims.forEach((c, i) =>
      this.unrecorded.set(c[0]!.reportId, { claims: c, positions: positions[i] }),
    );
    this.logger.write('warn', 'could not record the claims of committed reports; retrying', {
      reports: claims.length,
      error: (error as Error).message,
    });
    void (async () => {
      for (const delay of RECORD_RETRIES) {
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        try {
          await this.claims.record(this.pool, claims.flat());
          break;
        } catch (failure) {
          this.logger.write('warn', 'recording the claims of committed reports failed again', {
            error: (failure as Error).message,
          });
        }
      }
      for (const c of claims) this.unrecorded.delete(c[0]!.reportId);
    })();
  }

  private async ensureTopics(kafka: ReturnType<typeof createKafka>): Promise<void> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await ensureTopics(admin, this.topics, this.config.partitions);
    } catch (error) {
      this.topicsReady = undefined;
      throw error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) settle(p, unavailableBecause('the API is shutting down'));
    await Promise.all(this.producers.map((p) => p.close()));
  }
}

function settle(pending: Pending, answer: WriteOutcome | unknown): void {
  if (pending.settled) return;
  pending.settled = true;
  clearTimeout(pending.timer);
  if (answer && typeof answer === 'object' && 'outcome' in answer)
    pending.resolve(answer as WriteOutcome);
  else pending.reject(answer);
}
