/**
 * Rebuilds read models from offset 0 of the claim log, while the live version keeps serving.
 *
 * Full replay: a fresh read-model version (schema rm_N) is filled from the log (events by COPY,
 * statuses computed once at the end), then follows the log incrementally until it has caught up
 * with the live projector; the switch is one Postgres transaction that blocks the live projector
 * for its duration, compares order-independent checksums of both versions at the same log
 * positions, and makes the new version live. The old version is dropped afterwards (or kept).
 *
 * Scoped replay (one province): re-derives that province's events and districts from the log up to
 * the live checkpoints and replaces them in the live version, in one transaction.
 *
 * One replay at a time, across processes: a session-level advisory lock is held for the duration.
 * A replay whose process dies leaves the live version untouched; the next one cleans up after it.
 */
import {
  decodeEvent,
  DistrictStatus,
  districtStatus,
  emptyLedger,
  evolve,
  Gazetteer,
  LoggedEvent,
  placeProblem,
  ProvinceLedger,
} from '@sitrep/domain';
import {
  Clock,
  createReadModelVersion,
  DeadLetter,
  ensureTopics,
  inTransaction,
  JsonLogger,
  liveReadModel,
  quoteIdent,
  ReadModelWriter,
  Topics,
} from '@sitrep/platform';
import { Consumer, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { districtsChecksum, eventsChecksum, ModelChecksums, combined } from './checksum';
import { copyEvents } from './copy-events';
import { ReplayChecksum, ReplayRecord, ReplayStore } from './replay-store';

const REPLAY_LOCK = 7_402_212;

export class ReplayBusyError extends Error {
  constructor() {
    super(
      'a replay is already running; wait for it to finish (GET /v1/replays/{id}) and try again',
    );
  }
}

export interface ReplayDeps {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly topics: Topics;
  readonly partitions: number;
  readonly gazetteer: Gazetteer;
  readonly clock: Clock;
  readonly logger: JsonLogger;
}

export interface ReplayOptions {
  /** Re-derive one province (p-code) in the live version instead of rebuilding everything. */
  readonly province?: string;
  /** Keep the old read-model version's schema after the switch. */
  readonly keepOld?: boolean;
  /** Called about every half second with the replay's progress. */
  readonly onProgress?: (progress: {
    processed: number;
    total: number;
    eventsPerSecond: number;
  }) => void;
  /** How long to wait after the switch before dropping the old schema (queries in flight finish). */
  readonly dropGraceMs?: number;
}

export interface ReplayHandle {
  readonly id: string;
  readonly done: Promise<ReplayRecord>;
}

/** Serialises the consumer's batches with the switch. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Replayer {
  constructor(private readonly deps: ReplayDeps) {}

  /** Take the replay lock, record the replay and start it; `done` settles when it ends. */
  async start(options: ReplayOptions = {}): Promise<ReplayHandle> {
    const { pool, clock } = this.deps;
    const lock = await pool.connect();
    // A replay that has just recorded its end still holds the lock for a moment: wait that long.
    let locked = false;
    for (let attempt = 0; attempt < 20 && !locked; attempt++) {
      if (attempt > 0) await sleep(100);
      const { rows } = await lock.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [REPLAY_LOCK],
      );
      locked = rows[0]?.locked === true;
    }
    if (!locked) {
      lock.release();
      throw new ReplayBusyError();
    }
    const id = randomUUID();
    try {
      const store = new ReplayStore(pool);
      await store.failAbandoned(clock.now());
      await this.dropAbandonedVersions();
      await store.create(id, options.province ?? null, options.keepOld ?? false, clock.now());
    } catch (error) {
      await lock.query('SELECT pg_advisory_unlock($1)', [REPLAY_LOCK]).catch(() => undefined);
      lock.release();
      throw error;
    }
    const done = new ReplayRun(this.deps, id, options).execute().finally(async () => {
      await lock.query('SELECT pg_advisory_unlock($1)', [REPLAY_LOCK]).catch(() => undefined);
      lock.release();
    });
    return { id, done };
  }

  /** Versions left `building` by a replay that died: their schemas are garbage. */
  private async dropAbandonedVersions(): Promise<void> {
    await inTransaction(this.deps.pool, async (client) => {
      const { rows } = await client.query<{ version: number; schema_name: string }>(
        "SELECT version, schema_name FROM read_model_versions WHERE state = 'building' FOR UPDATE",
      );
      for (const row of rows) {
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(row.schema_name)} CASCADE`);
        await client.query("UPDATE read_model_versions SET state = 'failed' WHERE version = $1", [
          row.version,
        ]);
      }
    });
  }
}

/** One replay, from start to switch. */
class ReplayRun {
  private readonly store: ReplayStore;
  private readonly mutex = new Mutex();
  private ledgers = new Map<string, ProvinceLedger>();
  private readonly positions = new Map<number, number>();
  private readonly low = new Map<number, number>();
  private target = new Map<number, number>();
  private deadLetters: DeadLetter[] = [];
  private pendingCopy: LoggedEvent[] = [];
  private mode: 'bulk' | 'incremental' | 'switched' = 'bulk';
  private schema: string | undefined;
  /** The schema this replay creates (full replays only); dropped if the replay fails. */
  private building: string | undefined;
  private consumer: Consumer | undefined;
  private total = 0;
  private readonly startedAt = Date.now();
  /** Seconds the initial read of the log took (the replay's speed); the switch comes after. */
  private readSeconds: number | undefined;
  private reachedTarget: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly deps: ReplayDeps,
    private readonly id: string,
    private readonly options: ReplayOptions,
  ) {
    this.store = new ReplayStore(deps.pool);
  }

  async execute(): Promise<ReplayRecord> {
    const { logger, clock } = this.deps;
    const ticker = setInterval(() => void this.reportProgress().catch(() => undefined), 500);
    try {
      const checksum = this.options.province
        ? await this.scoped(this.options.province)
        : await this.full();
      await this.reportProgress();
      await this.store.finish(this.id, 'done', clock.now(), checksum, null);
      const log = checksum.match ? 'info' : 'error';
      logger.write(
        log,
        checksum.match ? 'replay done: checksums match' : 'replay done: CHECKSUM MISMATCH',
        {
          replay: this.id,
          live: checksum.live,
          rebuilt: checksum.rebuilt,
        },
      );
    } catch (error) {
      const message = (error as Error).message;
      logger.write('error', 'replay failed', { replay: this.id, error: message });
      await this.store.finish(this.id, 'failed', clock.now(), null, message).catch(() => undefined);
      if (this.building) await this.dropSchema(this.building).catch(() => undefined);
    } finally {
      clearInterval(ticker);
      await this.stopConsumer();
    }
    return (await this.store.find(this.id))!;
  }

  // ---- full replay -------------------------------------------------------------------------

  private async full(): Promise<ReplayChecksum> {
    const { pool, topics } = this.deps;
    const version = await inTransaction(pool, (client) => createReadModelVersion(client));
    this.schema = version.schema;
    this.building = version.schema;
    await this.store.progress(this.id, {
      processed: 0,
      total: 0,
      eventsPerSecond: 0,
      version: version.version,
    });

    await this.readTargets(async () => {
      const admin = this.deps.kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, topics, this.deps.partitions);
        return await admin.fetchTopicOffsets(topics.claims);
      } finally {
        await admin.disconnect();
      }
    });
    await this.consumeUntilTarget();

    // Bulk phase done: the statuses of every district, once, then follow the log row by row.
    await this.mutex.run(async () => {
      await this.flushCopy();
      await inTransaction(pool, async (client) => {
        const writer = new ReadModelWriter(client, version.schema);
        await writer.saveStatuses(
          this.allStatuses(this.ledgers),
          this.deps.clock.now().toISOString(),
        );
        await writer.recordDeadLetters(topics.claims, this.deadLetters);
        await writer.saveCheckpoints(topics.claims, this.checkpoints());
      });
      this.deadLetters = [];
      this.mode = 'incremental';
      this.readSeconds = (Date.now() - this.startedAt) / 1000;
    });

    const checksum = await this.switchWhenCaughtUp(version.version, version.schema);
    await this.stopConsumer();
    return checksum;
  }

  /** Retry until the rebuilt version has applied at least what the live one has, then switch. */
  private async switchWhenCaughtUp(version: number, schema: string): Promise<ReplayChecksum> {
    for (;;) {
      this.throwIfFailed();
      const outcome = await this.mutex.run(() =>
        inTransaction(this.deps.pool, async (client) => {
          // FOR UPDATE waits for the live projector's batch in flight and holds the next one.
          const live = await liveVersionForUpdate(client);
          const liveAt = await this.liveCheckpoints(client, live.schema);
          if (
            [...liveAt].some(([partition, offset]) => offset > (this.positions.get(partition) ?? 0))
          )
            return undefined;
          const checksum = await this.compare(client, live.schema, liveAt, this.ledgers);
          await client.query(
            "UPDATE read_model_versions SET state = 'retired' WHERE version = $1",
            [live.version],
          );
          await client.query(
            "UPDATE read_model_versions SET state = 'live', live_since = now() WHERE version = $1",
            [version],
          );
          // From now on the live projector owns this version: this replay writes nothing more.
          this.mode = 'switched';
          return { checksum, old: live };
        }),
      );
      if (outcome) {
        this.building = undefined;
        await this.stopConsumer();
        this.deps.logger.write('info', 'replay switched the live read model', {
          replay: this.id,
          version,
          schema,
        });
        if (!this.options.keepOld) {
          await sleep(this.options.dropGraceMs ?? 5000);
          await this.dropSchema(outcome.old.schema);
        }
        return outcome.checksum;
      }
      await sleep(100);
    }
  }

  // ---- scoped replay -------------------------------------------------------------------------

  private async scoped(province: string): Promise<ReplayChecksum> {
    const { pool, gazetteer, topics } = this.deps;
    const place = gazetteer.place(province);
    if (!place || place.level !== 'province')
      throw new Error(`${province} is not a province p-code`);
    const live = await liveReadModel(pool);
    this.schema = live.schema;
    await this.readTargets(async () => {
      const at = await inTransaction(pool, (client) => this.liveCheckpoints(client, live.schema));
      const admin = this.deps.kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(topics.claims);
        return offsets.map((o) => ({ ...o, high: String(at.get(o.partition) ?? Number(o.low)) }));
      } finally {
        await admin.disconnect();
      }
    });
    await this.consumeUntilTarget();

    return inTransaction(pool, async (client) => {
      const current = await liveVersionForUpdate(client);
      if (current.schema !== live.schema)
        throw new Error('the live read model changed during the replay; run it again');
      // The live projector is held now; read what it applied since the snapshot.
      const liveAt = await this.liveCheckpoints(client, live.schema);
      this.target = new Map(liveAt);
      await this.consumeUntilTarget();
      const mine = new Map([[province, this.ledgers.get(province) ?? emptyLedger(province)]]);
      const checksum = await this.compare(client, live.schema, liveAt, mine, province);

      const rebuilt = this.visibleAt(mine, liveAt);
      const writer = new ReadModelWriter(client, live.schema);
      const districts = gazetteer.districtsCoveredBy(province);
      await client.query(`DELETE FROM ${live.schema}.events WHERE province = $1`, [province]);
      await client.query(`DELETE FROM ${live.schema}.district_status WHERE province = $1`, [
        province,
      ]);
      await client.query(`DELETE FROM ${live.schema}.positions WHERE district = ANY($1::text[])`, [
        districts,
      ]);
      const events = [...(rebuilt.get(province)?.events.values() ?? [])];
      for (let i = 0; i < events.length; i += 5000)
        await writer.insertEvents(events.slice(i, i + 5000));
      await writer.saveStatuses(this.allStatuses(rebuilt), this.deps.clock.now().toISOString());
      return checksum;
    });
  }

  // ---- reading the log -----------------------------------------------------------------------

  private async readTargets(
    offsets: () => Promise<{ partition: number; low: string; high: string }[]>,
  ): Promise<void> {
    for (const o of await offsets()) {
      this.low.set(o.partition, Number(o.low));
      this.positions.set(o.partition, Number(o.low));
      this.target.set(o.partition, Number(o.high));
    }
    this.total = [...this.target].reduce(
      (sum, [p, high]) => sum + Math.max(0, high - (this.low.get(p) ?? 0)),
      0,
    );
  }

  private caughtUp(): boolean {
    return [...this.target].every(
      ([partition, high]) => (this.positions.get(partition) ?? 0) >= high,
    );
  }

  /** Start the consumer (once) and wait until every partition reaches its target offset. */
  private async consumeUntilTarget(): Promise<void> {
    if (this.caughtUp()) return;
    const reached = new Promise<void>((resolve) => (this.reachedTarget = resolve));
    if (!this.consumer) await this.startConsumer();
    while (!this.caughtUp()) {
      this.throwIfFailed();
      await Promise.race([reached, sleep(200)]);
    }
  }

  private async startConsumer(): Promise<void> {
    const { kafka, topics } = this.deps;
    const consumer = kafka.consumer({
      groupId: `${topics.projectorGroup}.replay.${this.id}`,
      readUncommitted: false,
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      maxWaitTimeInMs: 200,
      sessionTimeout: 60000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) this.advance(payload.partition, payload.lastOffset);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.failure = payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.claims, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        await this.mutex.run(() => this.apply(batch.partition, batch.messages, batch.lastOffset()));
        await heartbeat();
      },
    });
  }

  private advance(partition: number, lastOffset: string): void {
    const next = Number(lastOffset) + 1;
    if (next > (this.positions.get(partition) ?? 0)) this.positions.set(partition, next);
    if (this.caughtUp()) this.reachedTarget?.();
  }

  /** Fold one batch into the in-memory ledgers; in incremental mode, write it at once. */
  private async apply(
    partition: number,
    messages: readonly { offset: string; value: Buffer | null }[],
    lastOffset: string,
  ): Promise<void> {
    if (this.mode === 'switched') return;
    const { gazetteer, topics } = this.deps;
    const from = this.positions.get(partition) ?? 0;
    const byProvince = new Map<string, LoggedEvent[]>();
    const letters: DeadLetter[] = [];
    for (const message of messages) {
      const offset = Number(message.offset);
      if (offset < from) continue;
      const decoded = decodeEvent(message.value?.toString('utf8'));
      const problem = decoded.ok ? placeProblem(decoded.event, gazetteer) : decoded.reason;
      if (!decoded.ok || problem !== undefined) {
        letters.push({ partition, offset, reason: problem ?? 'unknown' });
        continue;
      }
      const province = decoded.event.place.province;
      if (this.options.province && province !== this.options.province) continue;
      byProvince.set(province, [
        ...(byProvince.get(province) ?? []),
        { event: decoded.event, position: { partition, offset } },
      ]);
    }

    const applied: LoggedEvent[] = [];
    const affected: { pcode: string; province: string }[] = [];
    for (const [province, batch] of byProvince) {
      const evolution = evolve(
        this.ledgers.get(province) ?? emptyLedger(province),
        batch,
        gazetteer,
      );
      this.ledgers.set(province, evolution.ledger);
      applied.push(...evolution.applied);
      for (const pcode of evolution.affected) affected.push({ pcode, province });
    }

    if (this.mode === 'bulk' || this.options.province) {
      this.deadLetters.push(...letters);
      if (!this.options.province) {
        this.pendingCopy.push(...applied);
        if (this.pendingCopy.length >= 20000) await this.flushCopy();
      }
    } else {
      await inTransaction(this.deps.pool, async (client) => {
        const writer = new ReadModelWriter(client, this.schema!);
        await writer.insertEvents(applied);
        const statuses = affected.map(({ pcode, province }) => ({
          ...districtStatus({ pcode, province }, [...this.ledgers.get(province)!.events.values()]),
          province,
        }));
        await writer.saveStatuses(statuses, this.deps.clock.now().toISOString());
        await writer.recordDeadLetters(topics.claims, letters);
        await writer.saveCheckpoints(topics.claims, [
          { partition, nextOffset: Number(lastOffset) + 1 },
        ]);
      });
    }
    this.advance(partition, lastOffset);
  }

  private async flushCopy(): Promise<void> {
    if (this.pendingCopy.length === 0 || !this.schema) return;
    const rows = this.pendingCopy;
    this.pendingCopy = [];
    await copyEvents(this.deps.pool, this.schema, rows);
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.disconnect().catch(() => undefined);
    const admin = this.deps.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([`${this.deps.topics.projectorGroup}.replay.${this.id}`]))
      .catch(() => undefined)
      .finally(() => void admin.disconnect().catch(() => undefined));
  }

  private throwIfFailed(): void {
    if (this.failure) throw new Error(`reading the claim log failed: ${this.failure.message}`);
  }

  // ---- results -----------------------------------------------------------------------------

  private checkpoints() {
    return [...this.positions].map(([partition, nextOffset]) => ({ partition, nextOffset }));
  }

  private allStatuses(
    ledgers: ReadonlyMap<string, ProvinceLedger>,
  ): (DistrictStatus & { province: string })[] {
    const scope = this.options.province
      ? [this.options.province]
      : this.deps.gazetteer.provinces.map((p) => p.pcode);
    return scope.flatMap((province) => {
      const events = [...(ledgers.get(province)?.events.values() ?? [])];
      return this.deps.gazetteer
        .districtsCoveredBy(province)
        .map((pcode) => ({ ...districtStatus({ pcode, province }, events), province }))
        .filter((s) => events.length > 0 || s.positions.length > 0);
    });
  }

  /** The ledgers as they were when the log had been applied up to `at` (partition → next offset). */
  private visibleAt(
    ledgers: ReadonlyMap<string, ProvinceLedger>,
    at: ReadonlyMap<number, number>,
  ): Map<string, ProvinceLedger> {
    const result = new Map<string, ProvinceLedger>();
    for (const [province, ledger] of ledgers) {
      const events = new Map(
        [...ledger.events].filter(
          ([, e]) => e.position.offset < (at.get(e.position.partition) ?? 0),
        ),
      );
      result.set(province, { province, events });
    }
    return result;
  }

  private async liveCheckpoints(client: PoolClient, schema: string): Promise<Map<number, number>> {
    const { rows } = await client.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${schema}.checkpoints WHERE topic = $1`,
      [this.deps.topics.claims],
    );
    return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
  }

  /** Checksums of the live version and of the rebuilt one at the live version's log positions. */
  private async compare(
    client: PoolClient,
    liveSchema: string,
    liveAt: ReadonlyMap<number, number>,
    ledgers: ReadonlyMap<string, ProvinceLedger>,
    province?: string,
  ): Promise<ReplayChecksum> {
    const scope = province ? 'WHERE province = $1' : '';
    const params = province ? [province] : [];
    const statuses = await client.query<DistrictStatus>(
      `SELECT pcode, status, controller, verification, positions, rules FROM ${liveSchema}.district_status ${scope}`,
      params,
    );
    const events = await client.query<{ claim_id: string; partition: number; log_offset: string }>(
      `SELECT claim_id, partition, log_offset FROM ${liveSchema}.events ${scope}`,
      params,
    );
    const liveModels: ModelChecksums = {
      events: eventsChecksum(
        events.rows.map((r) => ({
          claimId: r.claim_id,
          partition: r.partition,
          offset: Number(r.log_offset),
        })),
      ),
      districts: districtsChecksum(statuses.rows),
    };
    const rebuilt = this.visibleAt(ledgers, liveAt);
    const rebuiltModels: ModelChecksums = {
      events: eventsChecksum(
        [...rebuilt.values()].flatMap((l) =>
          [...l.events.values()].map((e) => ({
            claimId: e.event.id,
            partition: e.position.partition,
            offset: e.position.offset,
          })),
        ),
      ),
      districts: districtsChecksum(this.allStatuses(rebuilt)),
    };
    const live = combined(liveModels);
    const rebuiltSum = combined(rebuiltModels);
    return {
      live,
      rebuilt: rebuiltSum,
      match: live === rebuiltSum,
      models: { live: liveModels, rebuilt: rebuiltModels },
      positions: Object.fromEntries([...liveAt].map(([p, o]) => [String(p), o])),
    };
  }

  private async reportProgress(): Promise<void> {
    const processed = [...this.positions].reduce(
      (sum, [p, at]) => sum + Math.max(0, at - (this.low.get(p) ?? 0)),
      0,
    );
    const seconds = this.readSeconds ?? (Date.now() - this.startedAt) / 1000;
    const progress = {
      processed: Math.min(processed, this.total),
      total: this.total,
      eventsPerSecond: seconds > 0 ? processed / seconds : 0,
    };
    this.options.onProgress?.(progress);
    await this.store.progress(this.id, progress);
  }

  /** Drop a version's schema: a failed build or a retired version, never the live one. */
  private async dropSchema(schema: string): Promise<void> {
    await inTransaction(this.deps.pool, async (client) => {
      const { rows } = await client.query<{ state: string }>(
        'SELECT state FROM read_model_versions WHERE schema_name = $1 FOR UPDATE',
        [schema],
      );
      const state = rows[0]?.state;
      if (state !== 'building' && state !== 'retired') return;
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      if (state === 'building') {
        await client.query(
          "UPDATE read_model_versions SET state = 'failed' WHERE schema_name = $1",
          [schema],
        );
      }
    });
  }
}

async function liveVersionForUpdate(
  client: PoolClient,
): Promise<{ version: number; schema: string }> {
  const { rows } = await client.query<{ version: number; schema_name: string }>(
    "SELECT version, schema_name FROM read_model_versions WHERE state = 'live' FOR UPDATE",
  );
  const row = rows[0];
  if (!row) throw new Error('no live read-model version: run the migrations (npm run migrate)');
  return { version: row.version, schema: row.schema_name };
}
