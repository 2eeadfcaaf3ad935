/**
 * Rebuilds read models from offset 0 of the claim log, while the live version keeps serving.
 *
 * Full replay: a fresh read-model version (schema rm_N) is filled from the log (events by COPY,
 * statuses computed once at the end), then follows the log incrementally until it has caught up
 * with the live projector; the switch is one Postgres transaction that blocks the live projector
 * for its duration, compares order-independent checksums of both versions at the same log
 * positions, and makes the new version live. The old version is dropped afterwards (or kept).
 *
 * The bulk phase is built for speed (BENCHMARKS.md): one COPY stream stays open while the log is
 * read, so Postgres stores rows while the next batches are decoded; the events table's primary key
 * and its target index are built after the load (read-model.sql's deferrable indexes), during the
 * status computation; the message text is the stored body when decoding changed nothing; events
 * are kept in memory as their facts only (stored-event.ts), and the few that the statuses depend
 * on (statuses.ts) are read back from the events table at the end.
 *
 * Scoped replay (one province): re-derives that province's events and districts from the log up to
 * the live checkpoints and replaces them in the live version, in one transaction.
 *
 * One replay at a time, across processes: a session-level advisory lock is held for the duration.
 * A replay whose process dies leaves the live version untouched; the next one cleans up after it.
 */
import {
  ClaimEvent,
  compareLogPosition,
  decodeEvent,
  DistrictStatus,
  districtsTouchedBy,
  Gazetteer,
  LoggedEvent,
  placeProblem,
  ProvinceLedger,
  targetClaimId,
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
import { copyStatuses, CopyStream, EVENT_COLUMNS, eventRowStart, storedAsIs } from './copy-events';
import { ReplayChecksum, ReplayRecord, ReplayStore } from './replay-store';
import { plan, ProvincePlan, ProvinceStatus, statusesOf } from './statuses';
import { Interner, StoredEvent } from './stored-event';

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
  /** Filled in with where a full replay's time goes (for benchmarks); see `ReplayTimings`. */
  readonly timings?: ReplayTimings;
}

/**
 * Where a full replay's time goes, in milliseconds. The phases of the read overlap: kafkajs
 * fetches and decodes record batches, our batch handler decodes, folds and encodes COPY rows on
 * the main thread, while Postgres ingests the COPY in its own process.
 */
export interface ReplayTimings {
  /** Start of the run to the end of the bulk phase: the replay's speed (`readSeconds`). */
  bulk: number;
  /** Consuming the log up to the target offsets (wall time). */
  read: number;
  /** Inside our batch handler; `read - handler` is kafkajs fetching and decoding batches. */
  handler: number;
  /** JSON parse, validation and upcast of the messages (decodeEvent). */
  decode: number;
  /** Folding events into the province ledgers. */
  fold: number;
  /** Building COPY rows. */
  copyEncode: number;
  /** The batch handler waiting for Postgres to take COPY rows. */
  copyWait: number;
  /** After the log was read: waiting for the last COPY rows to be stored. */
  copyDrain: number;
  /** Computing the status of every district. */
  status: number;
  /** Waiting for the events the statuses depend on to be read back. */
  statusLoad: number;
  /** Writing statuses, positions, dead letters and checkpoints. */
  statusWrite: number;
  /** Building indexes after the bulk load (while the statuses are computed and written). */
  indexes: number;
  /** Waiting for the index builds once the statuses are written. */
  indexWait: number;
  /** The switch transaction, checksums included. */
  switch: number;
  /** Dropping the old version (and waiting `dropGraceMs`). */
  drop: number;
  /** The whole run. */
  total: number;
}

export const emptyReplayTimings = (): ReplayTimings => ({
  bulk: 0,
  read: 0,
  handler: 0,
  decode: 0,
  fold: 0,
  copyEncode: 0,
  copyWait: 0,
  copyDrain: 0,
  status: 0,
  statusLoad: 0,
  statusWrite: 0,
  indexes: 0,
  indexWait: 0,
  switch: 0,
  drop: 0,
  total: 0,
});

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
  private readonly ledgers = new Map<string, MutableLedger>();
  private readonly positions = new Map<number, number>();
  private readonly low = new Map<number, number>();
  private target = new Map<number, number>();
  private deadLetters: DeadLetter[] = [];
  /** The bulk COPY of the events table, open during the bulk phase of a full replay. */
  private copy: CopyStream | undefined;
  private copyClient: PoolClient | undefined;
  private readonly interner = new Interner();
  /** Stored events loaded by `load`, to release once used. */
  private loaded: StoredEvent[] = [];
  private mode: 'bulk' | 'incremental' | 'switched' = 'bulk';
  private schema: string | undefined;
  /** The schema this replay creates (full replays only); dropped if the replay fails. */
  private building: string | undefined;
  private consumer: Consumer | undefined;
  private total = 0;
  private readonly startedAt = performance.now();
  /** Seconds the initial read of the log took (the replay's speed); the switch comes after. */
  private readSeconds: number | undefined;
  private reachedTarget: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly timings: ReplayTimings;

  constructor(
    private readonly deps: ReplayDeps,
    private readonly id: string,
    private readonly options: ReplayOptions,
  ) {
    this.store = new ReplayStore(deps.pool);
    this.timings = options.timings ?? emptyReplayTimings();
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
      this.abortCopy(error as Error);
      if (this.building) await this.dropSchema(this.building).catch(() => undefined);
    } finally {
      clearInterval(ticker);
      await this.stopConsumer();
      this.timings.total = performance.now() - this.startedAt;
    }
    return (await this.store.find(this.id))!;
  }

  // ---- full replay -------------------------------------------------------------------------

  private async full(): Promise<ReplayChecksum> {
    const { pool, topics } = this.deps;
    // The events table's indexes (its primary key too) are built after the bulk load.
    const version = await inTransaction(pool, (client) =>
      createReadModelVersion(client, { deferIndexes: true }),
    );
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
    await this.openCopy(version.schema);
    const readStart = performance.now();
    await this.consumeUntilTarget();
    this.timings.read = performance.now() - readStart;

    // Bulk phase done: the statuses of every district, once, then follow the log row by row.
    await this.mutex.run(async () => {
      // Postgres stores the last rows, then builds the indexes, while the statuses are computed.
      let mark = performance.now();
      await this.finishCopy();
      this.timings.copyDrain += performance.now() - mark;
      const indexed = this.buildIndexes(version.deferredIndexes);
      indexed.catch(() => undefined);
      const statuses = await this.allStatuses(this.ledgers);
      mark = performance.now();
      await inTransaction(pool, async (client) => {
        const writer = new ReadModelWriter(client, version.schema);
        // The version's status tables are empty: COPY, not upserts.
        await copyStatuses(client, version.schema, statuses, this.deps.clock.now().toISOString());
        await writer.recordDeadLetters(topics.claims, this.deadLetters);
        await writer.saveCheckpoints(topics.claims, this.checkpoints());
      });
      this.timings.statusWrite += performance.now() - mark;
      mark = performance.now();
      await indexed;
      this.timings.indexWait += performance.now() - mark;
      this.deadLetters = [];
      this.mode = 'incremental';
      this.timings.bulk = performance.now() - this.startedAt;
      this.readSeconds = this.timings.bulk / 1000;
    });

    const checksum = await this.switchWhenCaughtUp(version.version, version.schema);
    await this.stopConsumer();
    return checksum;
  }

  /** Retry until the rebuilt version has applied at least what the live one has, then switch. */
  private async switchWhenCaughtUp(version: number, schema: string): Promise<ReplayChecksum> {
    const started = performance.now();
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
        this.timings.switch = performance.now() - started;
        const dropping = performance.now();
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
        this.timings.drop = performance.now() - dropping;
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
      const mine = new Map([[province, this.ledgerOf(province)]]);
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
      await writer.saveStatuses(
        await this.allStatuses(rebuilt),
        this.deps.clock.now().toISOString(),
      );
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
      maxBytesPerPartition: 2 * 1024 * 1024,
      maxBytes: 12 * 1024 * 1024,
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
        await this.mutex.run(async () => {
          const started = performance.now();
          await this.apply(batch.partition, batch.messages, batch.lastOffset());
          if (this.mode === 'bulk') this.timings.handler += performance.now() - started;
        });
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
    if (this.mode === 'bulk' && !this.options.province)
      return this.applyBulk(partition, messages, lastOffset);
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
      const batch = byProvince.get(province);
      const logged = { event: decoded.event, position: { partition, offset } };
      if (batch) batch.push(logged);
      else byProvince.set(province, [logged]);
    }

    // Stored events of a full replay that these target: the fold reads their places.
    await this.load(
      [...byProvince].flatMap(([province, batch]) =>
        batch.flatMap(({ event }) => {
          const target = targetClaimId(event);
          const stored =
            target === undefined ? undefined : this.ledgerOf(province).events.get(target);
          return stored ? [stored] : [];
        }),
      ),
    );
    const applied: LoggedEvent[] = [];
    const affected = new Map<string, Set<string>>();
    for (const [province, batch] of byProvince) {
      const evolution = foldInPlace(this.ledgerOf(province), batch, gazetteer);
      for (const event of evolution.applied) applied.push(event);
      affected.set(province, evolution.affected);
    }

    if (this.options.province) {
      for (const letter of letters) this.deadLetters.push(letter);
    } else {
      const statuses = await this.statuses(this.ledgers, affected);
      await inTransaction(this.deps.pool, async (client) => {
        const writer = new ReadModelWriter(client, this.schema!);
        await writer.insertEvents(applied);
        await writer.saveStatuses(statuses, this.deps.clock.now().toISOString());
        await writer.recordDeadLetters(topics.claims, letters);
        await writer.saveCheckpoints(topics.claims, [
          { partition, nextOffset: Number(lastOffset) + 1 },
        ]);
      });
    }
    this.release();
    this.advance(partition, lastOffset);
  }

  /**
   * Bulk phase of a full replay: decode, fold into the ledgers (in place) and queue the new
   * events on the COPY stream, which Postgres ingests while the next batches are read.
   */
  private async applyBulk(
    partition: number,
    messages: readonly { offset: string; value: Buffer | null }[],
    lastOffset: string,
  ): Promise<void> {
    const { gazetteer } = this.deps;
    const from = this.positions.get(partition) ?? 0;
    const copy = this.copy!;
    const timings = this.timings;
    // One pass, so that the message text is garbage as soon as its row is written.
    let mark = performance.now();
    try {
      for (const message of messages) {
        const offset = Number(message.offset);
        if (offset < from) continue;
        const text = message.value?.toString('utf8');
        const result = decodeEvent(text);
        const problem = result.ok ? placeProblem(result.event, gazetteer) : result.reason;
        let now = performance.now();
        timings.decode += now - mark;
        mark = now;
        if (!result.ok || problem !== undefined) {
          this.deadLetters.push({ partition, offset, reason: problem ?? 'unknown' });
          continue;
        }
        const { event } = result;
        const { events } = this.ledgerOf(event.place.province);
        if (events.has(event.id)) continue; // a duplicate in the log: applied once
        // Kept compactly (its facts and bytes), decoded again if ever needed: see stored-event.ts.
        const position = { partition, offset };
        // Kept as its facts: the few events the statuses need are read back at the end.
        events.set(event.id, new StoredEvent(event, position, this.interner));
        now = performance.now();
        timings.fold += now - mark;
        mark = now;
        // The message as it came is the body when decoding changed nothing.
        copy.addRow(
          eventRowStart(event, position),
          storedAsIs(text!, event) ? text! : JSON.stringify(event),
        );
        now = performance.now();
        timings.copyEncode += now - mark;
        mark = now;
      }
      const full = copy.flush();
      if (full) await full;
    } catch (error) {
      // The COPY failed: the replay fails (consumeUntilTarget sees it).
      this.failure ??= error as Error;
      return;
    }
    timings.copyWait += performance.now() - mark;
    this.advance(partition, lastOffset);
  }

  private ledgerOf(province: string): MutableLedger {
    let ledger = this.ledgers.get(province);
    if (!ledger) {
      ledger = { province, events: new Map() };
      this.ledgers.set(province, ledger);
    }
    return ledger;
  }

  /** Open the COPY of the events table for the bulk phase, on a connection of its own. */
  private async openCopy(schema: string): Promise<void> {
    const client = await this.deps.pool.connect();
    this.copyClient = client;
    // A version being built is not live: its commit need not wait for the disk. (The switch
    // commits synchronously later, which flushes everything written before it.)
    await client.query('SET synchronous_commit = off');
    this.copy = new CopyStream(client, `COPY ${schema}.events (${EVENT_COLUMNS}) FROM STDIN`);
  }

  /**
   * Build the indexes left out of the bulk load, one after the other on one connection without
   * parallel workers: one core for Postgres, the other for computing the statuses meanwhile.
   */
  private async buildIndexes(statements: readonly string[]): Promise<void> {
    const started = performance.now();
    const client = await this.deps.pool.connect();
    try {
      await client.query("SET maintenance_work_mem = '256MB'");
      await client.query('SET max_parallel_maintenance_workers = 0');
      for (const sql of statements) await client.query(sql);
      await client.query('RESET maintenance_work_mem');
      await client.query('RESET max_parallel_maintenance_workers');
      client.release();
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    this.timings.indexes += performance.now() - started;
  }

  /** End the bulk COPY: every event is stored when this returns. */
  private async finishCopy(): Promise<void> {
    const copy = this.copy;
    const client = this.copyClient;
    this.copy = undefined;
    this.copyClient = undefined;
    if (!copy || !client) return;
    try {
      await copy.finish();
      await client.query('RESET synchronous_commit');
      client.release();
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }

  /** Abandon the bulk COPY (the replay failed); its connection is closed. */
  private abortCopy(reason: Error): void {
    const copy = this.copy;
    const client = this.copyClient;
    this.copy = undefined;
    this.copyClient = undefined;
    copy?.abort(reason);
    client?.release(reason);
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

  /** The status of every district in scope (one province for a scoped replay, else all). */
  private async allStatuses(
    ledgers: ReadonlyMap<string, ProvinceLedger>,
  ): Promise<ProvinceStatus[]> {
    const scope = this.options.province
      ? [this.options.province]
      : this.deps.gazetteer.provinces.map((p) => p.pcode);
    const statuses = await this.statuses(
      ledgers,
      new Map(scope.map((province) => [province, undefined])),
    );
    this.release();
    return statuses;
  }

  /**
   * The statuses of the given provinces (all their districts, or those listed), computed from
   * the events they depend on: those are chosen by their facts and loaded first (a full replay
   * keeps its events as facts, see stored-event.ts). Province by province, yielding in between
   * so that I/O in flight (an index build) goes on; the time spent is `timings.status`.
   */
  private async statuses(
    ledgers: ReadonlyMap<string, ProvinceLedger>,
    scope: ReadonlyMap<string, ReadonlySet<string> | undefined>,
  ): Promise<ProvinceStatus[]> {
    const { gazetteer } = this.deps;
    const inScope = [...scope].flatMap(([province, only]) => {
      const ledger = ledgers.get(province);
      return ledger ? [{ province, only, events: ledger.events }] : [];
    });
    const plans: ProvincePlan[] = [];
    for (const { province, only, events } of inScope) {
      const started = performance.now();
      plans.push(plan(province, events, gazetteer, only));
      this.timings.status += performance.now() - started;
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Load a province's events while the statuses of the one before are computed.
    const loadFor = (p: ProvincePlan | undefined) => {
      const loading = p ? this.load(p.districts.flatMap((d) => d.events)) : Promise.resolve();
      loading.catch(() => undefined);
      return loading;
    };
    const statuses: ProvinceStatus[] = [];
    let loading = loadFor(plans[0]);
    for (let i = 0; i < plans.length; i++) {
      let started = performance.now();
      await loading;
      this.timings.statusLoad += performance.now() - started;
      loading = loadFor(plans[i + 1]);
      started = performance.now();
      for (const status of statusesOf(plans[i]!)) statuses.push(status);
      this.timings.status += performance.now() - started;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return statuses;
  }

  /**
   * Read stored events back from the version's events table (the bulk load wrote them there), by
   * log position. They are the bodies the projector itself reads back.
   */
  private async load(events: readonly LoggedEvent[]): Promise<void> {
    const wanted = new Map<string, StoredEvent>();
    for (const e of events)
      if (e instanceof StoredEvent && !e.isLoaded)
        wanted.set(`${e.position.partition}:${e.position.offset}`, e);
    if (wanted.size === 0) return;
    // In log order: the rows were loaded in about that order, so the reads are near each other.
    const all = [...wanted.values()].sort((a, b) => compareLogPosition(a.position, b.position));
    for (let i = 0; i < all.length; i += 100_000) {
      const chunk = all.slice(i, i + 100_000);
      const { rows } = await this.deps.pool.query<{
        partition: number;
        log_offset: string;
        body: ClaimEvent;
      }>(
        // One index lookup per position, (partition, log_offset) (the planner knows nothing of
        // a table just loaded, and might scan it whole instead).
        `SELECT e.partition, e.log_offset, e.body
           FROM unnest($1::int[], $2::bigint[]) AS k(partition, log_offset)
           CROSS JOIN LATERAL (
             SELECT partition, log_offset, body FROM ${this.schema!}.events
              WHERE partition = k.partition AND log_offset = k.log_offset
              LIMIT 1) AS e`,
        [chunk.map((e) => e.position.partition), chunk.map((e) => e.position.offset)],
      );
      for (const row of rows) {
        const stored = wanted.get(`${row.partition}:${row.log_offset}`);
        stored?.load(row.body);
        if (stored) this.loaded.push(stored);
      }
    }
    const missing = all.filter((e) => !e.isLoaded);
    if (missing.length > 0)
      throw new Error(`${missing.length} events are missing from ${this.schema}.events`);
  }

  /** Forget the events loaded so far: the ledgers stay compact. */
  private release(): void {
    for (const stored of this.loaded) stored.release();
    this.loaded = [];
  }

  /** The ledgers as they were when the log had been applied up to `at` (partition → next offset). */
  private visibleAt(
    ledgers: ReadonlyMap<string, ProvinceLedger>,
    at: ReadonlyMap<number, number>,
  ): Map<string, ProvinceLedger> {
    // Caught up exactly (the usual case at the switch): everything is visible, nothing to copy.
    if ([...this.positions].every(([partition, next]) => next <= (at.get(partition) ?? 0)))
      return new Map(ledgers);
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
          // The ledger's keys are the claim ids (stored events are not decoded for this).
          [...l.events].map(([claimId, e]) => ({
            claimId,
            partition: e.position.partition,
            offset: e.position.offset,
          })),
        ),
      ),
      districts: districtsChecksum(await this.allStatuses(rebuilt)),
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
    const seconds = this.readSeconds ?? (performance.now() - this.startedAt) / 1000;
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

/** A province's ledger that grows in place (the domain's `evolve` copies it at every batch). */
interface MutableLedger extends ProvinceLedger {
  readonly events: Map<string, LoggedEvent>;
}

/**
 * The domain's `evolve`, in place: the same events are applied (the first of each claim id) and
 * the same districts reported as affected, without copying the ledger for every batch.
 */
function foldInPlace(
  ledger: MutableLedger,
  batch: readonly LoggedEvent[],
  gazetteer: Gazetteer,
): { applied: LoggedEvent[]; affected: Set<string> } {
  const applied: LoggedEvent[] = [];
  const affected = new Set<string>();
  const lookup = (id: string) => ledger.events.get(id)?.event;
  for (const logged of batch) {
    if (ledger.events.has(logged.event.id)) continue;
    ledger.events.set(logged.event.id, logged);
    applied.push(logged);
    for (const district of districtsTouchedBy(logged.event, lookup, gazetteer))
      affected.add(district);
  }
  return { applied, affected };
}
