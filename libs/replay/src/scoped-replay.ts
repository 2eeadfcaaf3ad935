/**
 * A scoped replay: one province's events and districts re-derived from the log, up to the live
 * version's checkpoints, and put in place of its rows in the live version, in one transaction
 * that holds the live projector. Checksums of the province's rows before and after say whether
 * they had drifted from the log (and are now repaired).
 */
import { LoggedEvent } from '@sitrep/domain';
import { inTransaction, liveReadModel } from '@sitrep/platform';
import {
  BulkStore,
  DeadLetterProducer,
  decodeBatch,
  DistrictChangesRepository,
  EVENT_COLUMNS,
  LogMessage,
  POSITION_COLUMNS,
  ProjectionEngine,
  settleObserved,
  STATUS_COLUMNS,
} from '@sitrep/projection';
import { PoolClient } from 'pg';
import { BulkSink } from './bulk-sink';
import { writeCurrentRows } from './current-rows';
import { LogReader } from './log-reader';
import { combined, ReadModelVersions } from './read-model-versions.repository';
import { readProgress, replayParts } from './replay-parts';
import { ReplayChecksum } from './replay-store';
import { ReplayDeps, topicOffsets } from './replay-run';

export class ScopedReplay {
  private readonly versions: ReadModelVersions;
  private readonly store: BulkStore;
  private readonly engine: ProjectionEngine;
  private readonly deadLetters: DeadLetterProducer;
  private readonly reader: LogReader;
  private readonly buffer = BulkSink.inMemory();
  private readonly clocks = new Map<number, number>();
  /** The claims of other provinces met in the log (their duplicates leave the clock as it is). */
  private readonly othersApplied = new Set<string>();
  private targets = new Map<number, number>();

  constructor(
    private readonly deps: ReplayDeps,
    id: string,
    private readonly province: string,
  ) {
    ({
      versions: this.versions,
      store: this.store,
      engine: this.engine,
      deadLetters: this.deadLetters,
      reader: this.reader,
    } = replayParts(deps, id, (partition, messages) => this.onBatch(partition, messages)));
  }

  progress(): { processed: number; total: number } {
    return readProgress(this.reader, this.targets);
  }

  async run(): Promise<ReplayChecksum> {
    const { deps, province } = this;
    const place = deps.gazetteer.place(province);
    if (!place || place.level !== 'province')
      throw new Error(`${province} is not a province p-code`);
    const live = await liveReadModel(deps.pool);
    const offsets = await topicOffsets(deps);
    const at = await this.versions.checkpoints(deps.pool, live.schema, deps.topics.claims);
    this.targets = new Map(
      offsets.map((o) => [o.partition, at.get(o.partition)?.next ?? Number(o.low)]),
    );
    await this.reader.setCeiling(this.targets);
    await this.reader.start(offsets);
    await this.reader.reach(this.targets);

    try {
      return await inTransaction(deps.pool, async (client) => {
        const current = await this.versions.liveForUpdate(client);
        if (current.schema !== live.schema)
          throw new Error('the live read model changed during the replay; run it again');
        // The live projector is held now: read what it applied since, then replace the rows.
        const now = await this.versions.checkpoints(client, live.schema, deps.topics.claims);
        const positions = new Map(
          offsets.map((o) => [o.partition, now.get(o.partition)?.next ?? Number(o.low)]),
        );
        await this.reader.setCeiling(positions);
        await this.reader.reach(positions);
        await this.reader.stop();
        // Observed timelines the live projector has yet to rewrite (late events, retractions
        // applied seconds ago) are brought up to date first: they are not drift.
        while ((await settleObserved(client, live.schema, deps.gazetteer, 50, true)) > 0);
        const before = await this.versions.checksums(client, live.schema, positions, { province });
        await this.replaceRows(client, live.schema);
        const after = await this.versions.checksums(client, live.schema, positions, { province });
        return {
          live: combined(before),
          rebuilt: combined(after),
          match: combined(before) === combined(after),
          models: { live: before, rebuilt: after },
          positions: Object.fromEntries([...positions].map(([p, o]) => [String(p), o])),
        };
      });
    } finally {
      await this.stop();
    }
  }

  /**
   * The province's events, projected with the partition's recorded clock as the live projector
   * had it: that clock also advances with the other provinces' events of the partition (a version
   * on the recorded axis takes the latest `recordedAt` applied so far, in log order), except with
   * a claim applied before (a duplicate), which the live projector skips. So the province's events
   * are projected in runs, the clock carried over the others' events between them.
   */
  private async onBatch(partition: number, messages: readonly LogMessage[]): Promise<void> {
    const { events, letters, bodies } = decodeBatch(partition, messages, this.deps.gazetteer);
    // Dead letters were recorded by the live version as it met them; the topic gets them again.
    await this.deadLetters.publish(this.deps.topics.claims, letters);
    let clock = this.clocks.get(partition) ?? 0;
    let run: LoggedEvent[] = [];
    const project = async () => {
      if (run.length === 0) return;
      const effects = await this.engine.project(this.store, run, clock);
      this.store.commit(effects);
      clock = effects.clock;
      await this.buffer.sink.write(effects, bodies);
      run = [];
    };
    for (const logged of events) {
      if (logged.event.place.province === this.province) {
        run.push(logged);
        continue;
      }
      if (this.othersApplied.has(logged.event.id)) continue;
      this.othersApplied.add(logged.event.id);
      await project();
      clock = Math.max(clock, Date.parse(logged.event.recordedAt));
    }
    await project();
    this.clocks.set(partition, clock);
  }

  /** Delete the province's rows in the live version and write the rebuilt ones. */
  private async replaceRows(client: PoolClient, schema: string): Promise<void> {
    const { deps, province } = this;
    const districts = deps.gazetteer.districtsCoveredBy(province);
    const { sink, rows } = this.buffer;
    sink.endRecorded();
    for (const place of [...districts, province]) {
      const [timeline] = await this.engine.rewriteObserved(this.store, [
        { district: place, from: -Infinity },
      ]);
      sink.addObserved(timeline!);
    }
    await client.query(`DELETE FROM ${schema}.events WHERE province = $1`, [province]);
    await client.query(`DELETE FROM ${schema}.district_status WHERE province = $1`, [province]);
    // The province's districts and its lane.
    const places = [...districts, province];
    for (const table of [
      'positions',
      'status_timeline',
      'position_timeline',
      'district_claimants',
      'observed_pending',
    ])
      await client.query(`DELETE FROM ${schema}.${table} WHERE district = ANY($1::text[])`, [
        places,
      ]);
    await client.query(`DELETE FROM ${schema}.lane_status WHERE province = $1`, [province]);
    await rows.events.copyInto(client, `COPY ${schema}.events (${EVENT_COLUMNS}) FROM STDIN`);
    await rows.statuses.copyInto(
      client,
      `COPY ${schema}.status_timeline (${STATUS_COLUMNS}) FROM STDIN`,
    );
    await rows.positions.copyInto(
      client,
      `COPY ${schema}.position_timeline (${POSITION_COLUMNS}) FROM STDIN`,
    );
    await writeCurrentRows(client, schema, this.store, sink, deps.clock.now().toISOString());
    // Live streams: every district of the province may read differently now.
    const changes = new DistrictChangesRepository(client, schema);
    await changes.append(districts.map((pcode) => ({ pcode, province })));
    await changes.announce();
  }

  async stop(): Promise<void> {
    await this.reader.stop();
    await this.deadLetters.close();
  }
}
