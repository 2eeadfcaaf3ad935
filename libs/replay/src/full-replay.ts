/**
 * A full replay: every read model rebuilt from offset 0 of the claim log into a new version
 * (schema rm_N) while the live one keeps serving, then a switch.
 *
 * 1. Bulk phase: the log is read to the high watermarks it had at the start; the projection
 *    engine keeps every district's state in memory (BulkStore) and its recorded versions and the
 *    events go into the new version by COPY as they come (BulkSink). Then the observed timeline of
 *    every district is folded once, the events' indexes build meanwhile, and the current states,
 *    standings and checkpoints are written.
 * 2. Following: the same batches as the live projector's (BatchProjector) into the new version,
 *    never past what the live version has applied.
 * 3. Switch, in one transaction that holds the live projector: once the new version stands at the
 *    live version's log positions, checksums of both at those positions, and the new one is live.
 */
import { LoggedEvent } from '@sitrep/domain';
import { inTransaction } from '@sitrep/platform';
import {
  BatchProjector,
  CheckpointsRepository,
  BulkStore,
  DeadLetter,
  DeadLetterProducer,
  decodeBatch,
  Letter,
  LogMessage,
  ProjectionEngine,
  settleObserved,
  StatisticsRepository,
} from '@sitrep/projection';
import { BulkSink } from './bulk-sink';
import { writeCurrentRows } from './current-rows';
import { LogReader } from './log-reader';
import {
  combined,
  ModelChecksums,
  ReadModelVersions,
  Version,
} from './read-model-versions.repository';
import { readProgress, replayParts } from './replay-parts';
import { ReplayChecksum } from './replay-store';
import { ReplayDeps, ReplayOptions, ReplayTimings, topicOffsets } from './replay-run';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long the live version may stand still behind the rebuilt one before the switch goes on. */
const LIVE_IDLE_MS = 2000;

export class FullReplay {
  private readonly versions: ReadModelVersions;
  private readonly store: BulkStore;
  private readonly engine: ProjectionEngine;
  private readonly deadLetters: DeadLetterProducer;
  private readonly reader: LogReader;
  private mode: 'bulk' | 'following' | 'switched' = 'bulk';
  private sink: BulkSink | undefined;
  private following: BatchProjector | undefined;
  private readonly clocks = new Map<number, number>();
  private readonly letters: DeadLetter[] = [];
  private targets = new Map<number, number>();
  /** The schema this replay builds; dropped if it fails. */
  building: string | undefined;
  readSeconds: number | undefined;

  constructor(
    private readonly deps: ReplayDeps,
    private readonly id: string,
    private readonly options: ReplayOptions,
    private readonly timings: ReplayTimings,
    private readonly started: number,
  ) {
    ({
      versions: this.versions,
      store: this.store,
      engine: this.engine,
      deadLetters: this.deadLetters,
      reader: this.reader,
    } = replayParts(deps, id, (partition, messages, lastOffset) =>
      this.onBatch(partition, messages, lastOffset),
    ));
  }

  /** Events read so far, and the events to read in the bulk phase. */
  progress(): { processed: number; total: number } {
    return readProgress(this.reader, this.targets);
  }

  async run(onVersion: (version: number) => Promise<void>): Promise<ReplayChecksum> {
    const { timings } = this;
    let mark = performance.now();
    const version = await this.versions.create(true);
    this.building = version.schema;
    await onVersion(version.version);
    const offsets = await topicOffsets(this.deps);
    this.targets = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    this.sink = await BulkSink.copyingInto(this.deps.pool, version.schema);
    timings.setup = performance.now() - mark;

    mark = performance.now();
    await this.reader.start(offsets);
    await this.reader.reach(this.targets);
    timings.read = performance.now() - mark;
    await this.reader.mutex.run(() => this.finishBulk(version, version.deferredIndexes));
    timings.bulk = performance.now() - this.started;
    this.readSeconds = timings.bulk / 1000;

    mark = performance.now();
    const { checksum, old } = await this.switchWhenCaughtUp(version);
    timings.switch = performance.now() - mark;
    this.building = undefined;
    await this.stop();
    this.deps.logger.write('info', 'replay switched the live read model', {
      replay: this.id,
      version: version.version,
      schema: version.schema,
    });
    mark = performance.now();
    if (!this.options.keepOld) {
      await sleep(this.options.dropGraceMs ?? 5000);
      await this.versions.dropSchema(old.schema);
    }
    timings.drop = performance.now() - mark;
    return checksum;
  }

  private async onBatch(
    partition: number,
    messages: readonly LogMessage[],
    lastOffset: string,
  ): Promise<void> {
    if (this.mode === 'switched') return;
    if (this.mode === 'following') {
      await this.following!.projectBatch(this.deps.topics.claims, partition, messages, lastOffset);
      return;
    }
    const { timings } = this;
    const started = performance.now();
    const { events, letters, bodies } = decodeBatch(partition, messages, this.deps.gazetteer);
    let mark = performance.now();
    timings.decode += mark - started;
    await this.setAside(letters);
    const effects = await this.engine.project(
      this.store,
      events as LoggedEvent[],
      this.clocks.get(partition) ?? 0,
    );
    this.store.commit(effects);
    this.clocks.set(partition, effects.clock);
    let now = performance.now();
    timings.engine += now - mark;
    mark = now;
    const waiting = this.sink!.write(effects, bodies);
    now = performance.now();
    timings.copyEncode += now - mark;
    mark = now;
    if (waiting) await waiting;
    now = performance.now();
    timings.copyWait += now - mark;
    timings.handler += now - started;
  }

  /** Dead letters: to the dead-letter topic now, into the version's table with the rest. */
  private async setAside(letters: readonly Letter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.deadLetters.publish(this.deps.topics.claims, letters);
    for (const { partition, offset, reason } of letters)
      this.letters.push({ partition, offset, reason });
  }

  /** The log is read: timelines, indexes, current states and checkpoints, then follow the log. */
  private async finishBulk(version: Version, deferred: readonly string[]): Promise<void> {
    const { timings, deps } = this;
    const sink = this.sink!;
    let mark = performance.now();
    sink.endRecorded();
    await sink.finishEvents();
    timings.eventsDrain = performance.now() - mark;

    // Postgres builds the events' indexes while the observed timelines are folded.
    const onEvents = deferred.filter((sql) => sql.includes('.events'));
    const onTimelines = deferred.filter((sql) => !sql.includes('.events'));
    const indexStart = performance.now();
    const indexed = this.versions.buildIndexes(onEvents);
    indexed.catch(() => undefined);

    mark = performance.now();
    // Every district's observed timeline, and each province lane's.
    const places = [...deps.gazetteer.districts, ...deps.gazetteer.provinces];
    for (const place of places) {
      const [timeline] = await this.engine.rewriteObserved(this.store, [
        { district: place.pcode, from: -Infinity },
      ]);
      const waiting = sink.addObserved(timeline!);
      if (waiting) await waiting;
    }
    timings.observed = performance.now() - mark;
    mark = performance.now();
    await sink.finishTimelines();
    timings.timelinesDrain = performance.now() - mark;
    mark = performance.now();
    await indexed;
    await this.versions.buildIndexes(onTimelines);
    // Fresh planner statistics: a bulk-loaded table looks empty to the planner until analyzed.
    await new StatisticsRepository(deps.pool, version.schema).analyze();
    timings.indexWait = performance.now() - mark;
    timings.indexes = performance.now() - indexStart;

    mark = performance.now();
    await this.writeCurrent(version.schema, sink);
    timings.current = performance.now() - mark;
    this.sink = undefined;
    this.following = new BatchProjector({
      pool: deps.pool,
      gazetteer: deps.gazetteer,
      clock: deps.clock,
      deadLetters: (topic, letters) => this.deadLetters.publish(topic, letters),
      schema: async () => version.schema,
    });
    this.mode = 'following';
  }

  /** Current states, claimants, actors, standings, dead letters and checkpoints. */
  private async writeCurrent(schema: string, sink: BulkSink): Promise<void> {
    const { deps } = this;
    const updatedAt = deps.clock.now().toISOString();
    await inTransaction(deps.pool, async (client) => {
      await writeCurrentRows(client, schema, this.store, sink, updatedAt);
      const checkpoints = new CheckpointsRepository(client, schema);
      await checkpoints.recordDeadLetters(deps.topics.claims, this.letters);
      await checkpoints.save(
        deps.topics.claims,
        [...this.reader.positions].map(([partition, nextOffset]) => ({
          partition,
          nextOffset,
          clock: this.clocks.get(partition) ?? 0,
        })),
      );
    });
  }

  /**
   * Follow the log, never past the live version, until both stand at the same positions; then,
   * holding the live projector, compare checksums there and switch. If the live version stands
   * still behind the rebuilt one (its projector is not running), only the events it has are
   * compared, and the switch goes on.
   */
  private async switchWhenCaughtUp(
    version: Version,
  ): Promise<{ checksum: ReplayChecksum; old: Version }> {
    const { deps } = this;
    let liveSeen = '';
    let liveMoved = performance.now();
    for (;;) {
      this.reader.throwIfFailed();
      const live = await inTransaction(deps.pool, async (client) => {
        const current = await this.versions.liveForUpdate(client);
        return {
          current,
          at: await this.versions.checkpoints(client, current.schema, deps.topics.claims),
        };
      });
      const liveAt = new Map([...live.at].map(([p, c]) => [p, c.next]));
      await this.reader.setCeiling(liveAt);
      const seen = JSON.stringify([...liveAt]);
      if (seen !== liveSeen) [liveSeen, liveMoved] = [seen, performance.now()];

      const outcome = await this.reader.mutex.run(() =>
        inTransaction(deps.pool, async (client) => {
          // FOR UPDATE waits for the live projector's batch in flight and holds the next one.
          const current = await this.versions.liveForUpdate(client);
          const at = await this.versions.checkpoints(client, current.schema, deps.topics.claims);
          const positions = this.reader.positions;
          const partitions = new Set([...at.keys(), ...positions.keys()]);
          const low = (p: number) => this.reader.low.get(p) ?? 0;
          const liveNext = (p: number) => at.get(p)?.next ?? low(p);
          if ([...partitions].some((p) => (positions.get(p) ?? low(p)) < liveNext(p)))
            return undefined; // the rebuilt version is behind: read on
          const ahead = [...partitions].some((p) => (positions.get(p) ?? low(p)) > liveNext(p));
          if (ahead && performance.now() - liveMoved < LIVE_IDLE_MS) return undefined;
          const compareAt = new Map([...partitions].map((p) => [p, liveNext(p)]));
          // Both versions' observed timelines as every applied event has them.
          for (const schema of [current.schema, version.schema])
            while ((await settleObserved(client, schema, deps.gazetteer, 1000, true)) > 0);
          const sums = async (schema: string): Promise<ModelChecksums> =>
            this.versions.checksums(client, schema, compareAt, { eventsOnly: ahead });
          const liveSums = await sums(current.schema);
          const rebuiltSums = await sums(version.schema);
          await this.versions.switch(client, current, version);
          // From now on the live projector owns this version: this replay writes nothing more.
          this.mode = 'switched';
          const checksum: ReplayChecksum = {
            live: combined(liveSums),
            rebuilt: combined(rebuiltSums),
            match: combined(liveSums) === combined(rebuiltSums),
            models: { live: liveSums, rebuilt: rebuiltSums },
            positions: Object.fromEntries([...compareAt].map(([p, o]) => [String(p), o])),
          };
          return { checksum, old: current };
        }),
      );
      if (outcome) return outcome;
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    await this.reader.stop();
    await this.deadLetters.close();
  }

  /** Abandon the replay (it failed): the COPYs are rolled back, the schema dropped. */
  async abandon(error: Error): Promise<void> {
    this.sink?.abort(error);
    await this.stop();
    if (this.building) await this.versions.dropSchema(this.building).catch(() => undefined);
  }
}
