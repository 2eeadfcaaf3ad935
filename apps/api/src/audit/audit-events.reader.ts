import { Inject, Injectable } from '@nestjs/common';
import { Axis, ClaimEvent, Submitter } from '@sitrep/domain';
import { liveReadModel, PG_POOL, TOPICS, Topics } from '@sitrep/platform';
import { Readable } from 'node:stream';
import { Pool, PoolClient } from 'pg';

export interface AuditEventFilter {
  readonly province?: string;
  /** Inclusive lower bound on the axis clock. */
  readonly from?: string;
  /** Exclusive upper bound on the axis clock. */
  readonly to?: string;
  readonly axis: Axis;
}

/** Where a page starts: after this log position. */
export interface LogKey {
  readonly partition: number;
  readonly offset: number;
}

/** One raw event of the live read model, with where it sits in the log and both clocks. */
export interface AuditEvent {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly claimId: string;
  readonly type: string;
  readonly province: string;
  readonly observedAt: string;
  readonly recordedAt: string;
  /** The key that entered it (null before events named their submitter). */
  readonly submittedBy: Submitter | null;
  readonly event: ClaimEvent;
}

interface Row {
  claim_id: string;
  type: string;
  province: string;
  partition: number;
  log_offset: string;
  observed_at: Date;
  recorded_at: Date;
  body: ClaimEvent;
}

/** Rows an NDJSON export fetches at a time from its server-side cursor. */
export const EXPORT_BATCH = 5000;

/** The filtered events in log order: `$1` province, `$2` from, `$3` to, on the axis clock. */
function filtered(schema: string, filter: AuditEventFilter) {
  const clock = filter.axis === 'recorded' ? 'recorded_at' : 'observed_at';
  return {
    text: `SELECT claim_id, type, province, partition, log_offset, observed_at, recorded_at, body
             FROM ${schema}.events
            WHERE ($1::text IS NULL OR province = $1)
              AND ($2::timestamptz IS NULL OR ${clock} >= $2)
              AND ($3::timestamptz IS NULL OR ${clock} < $3)`,
    values: [filter.province ?? null, filter.from ?? null, filter.to ?? null] as unknown[],
  };
}

/** Reads of the raw events of the live read model for audits, with parameterised SQL only. */
@Injectable()
export class AuditEventsReader {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TOPICS) private readonly topics: Topics,
  ) {}

  private view(r: Row): AuditEvent {
    return {
      topic: this.topics.claims,
      partition: r.partition,
      offset: Number(r.log_offset),
      claimId: r.claim_id,
      type: r.type,
      province: r.province,
      observedAt: r.observed_at.toISOString(),
      recordedAt: r.recorded_at.toISOString(),
      submittedBy: r.body.submittedBy ?? null,
      event: r.body,
    };
  }

  /** One page in (partition, offset) order, after `after`. */
  async page(
    filter: AuditEventFilter,
    after: LogKey | undefined,
    limit: number,
  ): Promise<AuditEvent[]> {
    const { schema } = await liveReadModel(this.pool);
    const { text, values } = filtered(schema, filter);
    const { rows } = await this.pool.query<Row>(
      `${text}
          AND ($4::int IS NULL OR (partition, log_offset) > ($4::int, $5::bigint))
        ORDER BY partition, log_offset
        LIMIT $6`,
      [...values, after?.partition ?? null, after?.offset ?? null, limit],
    );
    return rows.map((r) => this.view(r));
  }

  /**
   * Every matching event as NDJSON, from one consistent snapshot: a read-only repeatable-read
   * transaction and a server-side cursor fetched `EXPORT_BATCH` rows at a time, so an export of
   * any size holds at most one batch in memory. The first batch is fetched before this resolves,
   * so a failing query is still an HTTP error rather than a broken stream.
   */
  async export(filter: AuditEventFilter): Promise<Readable> {
    const client = await this.pool.connect();
    let first: Row[];
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { schema } = await liveReadModel(client);
      const { text, values } = filtered(schema, filter);
      await client.query(
        `DECLARE audit_export NO SCROLL CURSOR FOR ${text} ORDER BY partition, log_offset`,
        values,
      );
      first = (await client.query<Row>(`FETCH ${EXPORT_BATCH} FROM audit_export`)).rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw error;
    }
    return this.stream(client, first);
  }

  /** A stream of NDJSON chunks, one per batch; the client goes back to the pool however it ends. */
  private stream(client: PoolClient, first: Row[]): Readable {
    let released = false;
    const finish = async (error?: Error | null) => {
      if (released) return;
      released = true;
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(error ?? undefined);
    };
    let ready: Row[] | undefined = first;
    let exhausted = first.length < EXPORT_BATCH;
    const toLines = (rows: readonly Row[]) =>
      rows.map((r) => `${JSON.stringify(this.view(r))}\n`).join('');
    return new Readable({
      read() {
        void (async () => {
          try {
            let rows = ready;
            ready = undefined;
            if (rows === undefined)
              rows = exhausted
                ? []
                : (await client.query<Row>(`FETCH ${EXPORT_BATCH} FROM audit_export`)).rows;
            if (rows.length < EXPORT_BATCH) exhausted = true;
            if (rows.length === 0) {
              await finish();
              this.push(null);
            } else this.push(toLines(rows));
          } catch (error) {
            this.destroy(error as Error);
          }
        })();
      },
      // Also reached when the HTTP client goes away mid-export.
      destroy(error, callback) {
        finish(error).then(
          () => callback(error),
          () => callback(error),
        );
      },
    });
  }
}
