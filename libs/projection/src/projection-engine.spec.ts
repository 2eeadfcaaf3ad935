/**
 * The projection engine against the reference rules: random logs (late events, province claims,
 * blanket disputes, retractions of every kind, duplicates) go through the engine in random batches,
 * the partitions interleaved at random, and every district's document read from the timelines at
 * random instants on both axes must be what `districtStatus` gives over the events visible then.
 * Twice: through a store that keeps partial states as the live projector's does (lines loaded as
 * they need, observed timelines rewritten a few batches later, coalesced), and through a replay's
 * bulk store.
 */
import {
  Axis,
  DistrictRef,
  districtHistory,
  districtStatus,
  LoggedEvent,
  Position,
  PositionCore,
  visibleAt,
} from '@sitrep/domain';
import {
  BAGHLAN,
  districtRef,
  districtsOf,
  gazetteer,
  PANJSHIR,
  prng,
} from '@sitrep/domain/testing/fixtures';
import { randomLog } from '@sitrep/domain/testing/random-log';
import { BulkStore } from './bulk-store';
import { PositionVersion, StatusVersion } from './projection-effects';
import { ProjectionEngine } from './projection-engine';
import { ProjectionStore } from './projection-store';
import { projectBatches } from './testing/project-batches';
import { TableStore } from './testing/table-store';
import { randomBatches } from './testing/random-batches';
import { observedFromStart, replayedTimelines } from './testing/replayed-timelines';
import { documentAt, historyOf, TimelineRows } from './testing/timeline-reads';

const DISTRICTS = [...districtsOf(BAGHLAN), ...districtsOf(PANJSHIR)].map(districtRef);
/** Every district and the province lanes: the places with timelines. */
const PLACES = [...DISTRICTS.map((d) => d.pcode), BAGHLAN, PANJSHIR];

const core = ({ provenance: _provenance, ...rest }: Position): PositionCore => rest;

/** Feed a log through the engine: partitions interleaved at random, batches of random size. */
async function project(
  engine: ProjectionEngine,
  store: ProjectionStore & {
    commit(effects: Awaited<ReturnType<ProjectionEngine['project']>>): void;
    settle?(engine: ProjectionEngine): Promise<void>;
  },
  log: readonly LoggedEvent[],
  random: () => number,
  maxBatch: number,
): Promise<TimelineRows> {
  const recorded = await projectBatches(
    engine,
    store,
    randomBatches(log, random, maxBatch),
    // Pending observed rewrites are settled now and then: several batches' late events at once.
    async () => {
      if (store.settle && random() < 0.3) await store.settle(engine);
    },
  );
  await store.settle?.(engine);
  return recorded;
}

/** Instants worth reading at: every instant of the log on the axis, just before it, and between. */
function cuts(log: readonly LoggedEvent[], axis: Axis, random: () => number, count: number) {
  const instants = [
    ...new Set(
      log.map((e) => Date.parse(axis === 'recorded' ? e.event.recordedAt : e.event.observedAt)),
    ),
  ];
  const picked = new Set<number>();
  while (picked.size < count && picked.size < instants.length * 2) {
    const at = instants[Math.floor(random() * instants.length)]!;
    picked.add(random() < 0.3 ? at - 1 : at);
  }
  return [...picked, Math.min(...instants) - 1, Math.max(...instants) + 1];
}

function expectSameAsReference(
  rows: TimelineRows,
  log: readonly LoggedEvent[],
  random: () => number,
  label: string,
) {
  for (const axis of ['recorded', 'observed'] as const) {
    for (const at of cuts(log, axis, random, 40)) {
      const visible = visibleAt(log, new Date(at).toISOString(), axis);
      for (const district of DISTRICTS) {
        const expected = districtStatus(district, visible);
        const actual = documentAt(rows, district, axis, at);
        const where = `${label}: ${district.pcode} as of ${new Date(at).toISOString()} (${axis})`;
        expect({ where, positions: actual.positions }).toEqual({
          where,
          positions: expected.positions.map(core),
        });
        expect({ where, status: actual.status, controller: actual.controller }).toEqual({
          where,
          status: expected.status,
          controller: expected.controller,
        });
        expect({ where, verification: actual.verification }).toEqual({
          where,
          verification: expected.verification,
        });
        expect(actual.decided.rules).toEqual(expected.rules);
      }
    }
  }
}

function expectReferenceHistory(rows: TimelineRows, log: readonly LoggedEvent[], label: string) {
  for (const axis of ['recorded', 'observed'] as const)
    for (const district of DISTRICTS) {
      const where = `${label}: ${district.pcode} (${axis})`;
      const expected = districtHistory(district, log, gazetteer, axis).map((c) => ({
        at: c.at,
        status: c.status,
        controller: c.controller,
        verification: c.verification,
        cause: c.causedBy.claimId,
      }));
      const actual = historyOf(rows, district.pcode, axis).map((v) => ({
        at: new Date(v.from).toISOString(),
        status: v.status,
        controller: v.controller,
        verification: v.verification,
        cause: v.cause,
      }));
      expect({ where, history: actual }).toEqual({ where, history: expected });
    }
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('the projection engine, given random logs in random batches', () => {
  describe.each(SEEDS)('seed %i', (seed) => {
    const log = randomLog({ seed, events: 260 });

    it('then the log exercises every kind of claim', () => {
      const types = new Set(log.map((e) => e.event.type));
      expect(types.size).toBe(5);
      expect(new Set(log.map((e) => e.event.id)).size).toBeLessThan(log.length);
    });

    it('then, through partial states (the live path), every district at every instant on both axes is the reference status', async () => {
      const store = new TableStore(gazetteer);
      const engine = new ProjectionEngine(gazetteer, { olderPage: 2 });
      await project(engine, store, log, prng(seed * 7), 12);
      const rows = { statuses: store.statuses, positions: store.positions };
      expectSameAsReference(rows, log, prng(seed * 11), `partial, seed ${seed}`);
      expectReferenceHistory(rows, log, `partial, seed ${seed}`);
      // The current state is the end of the recorded timeline.
      for (const district of DISTRICTS) {
        const current = store.currentRows.get(district.pcode);
        const expected = districtStatus(district, log);
        expect(current?.positions ?? []).toEqual(expected.positions.map(core));
        expect(current?.decision.status ?? 'unclaimed').toBe(expected.status);
      }
    });

    it('then, through a bulk store with observed timelines at the end (a replay), the same', async () => {
      const rows = await replayRows(log, seed, 40);
      expectSameAsReference(rows, log, prng(seed * 17), `bulk, seed ${seed}`);
      expectReferenceHistory(rows, log, `bulk, seed ${seed}`);
    });

    it.each([1, 3])(
      'then the live path in batches of up to %i events writes the very rows a replay writes (what the checksums compare)',
      async (maxBatch) => {
        const live = new TableStore(gazetteer);
        await project(new ProjectionEngine(gazetteer), live, log, prng(seed * 19), maxBatch);
        const replayed = await replayedTimelines(new ProjectionEngine(gazetteer), log, PLACES);
        const liveRows = [...live.statuses, ...live.positions].map(rowText).sort();
        const replayedRows = [...replayed.statuses, ...replayed.positions].map(rowText).sort();
        expect(liveRows).toEqual(replayedRows);
      },
    );
  });
});

/** A replay's rows, from the log in random batches of up to `maxBatch` through a bulk store. */
async function replayRows(
  log: readonly LoggedEvent[],
  seed: number,
  maxBatch: number,
): Promise<TimelineRows> {
  const store = new BulkStore(gazetteer);
  const engine = new ProjectionEngine(gazetteer);
  const recorded = await project(engine, store, log, prng(seed * 13), maxBatch);
  const observed = await observedFromStart(engine, store, PLACES);
  return {
    statuses: [...recorded.statuses, ...observed.statuses],
    positions: [...recorded.positions, ...observed.positions],
  };
}

/** A timeline row as the replay's checksum reads it: every column. */
const rowText = (v: StatusVersion | PositionVersion): string => JSON.stringify(v);

describe('given a district that is a DistrictRef', () => {
  it('then the fixture districts are the test’s scope', () => {
    const refs: DistrictRef[] = DISTRICTS;
    expect(refs.length).toBe(12);
  });
});
