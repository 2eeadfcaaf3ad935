/**
 * Given random logs, when the live projector's code applies them to a real Postgres in small
 * batches (partitions interleaved, observed timelines settled now and then), then its timeline
 * rows are exactly those a replay writes for the same log: what a replay's checksums compare.
 * (A report split between two batches once made them differ: docs/DECISIONS.md, "Timeline rows
 * do not depend on how batches split the log".) Its current states are the reference's too.
 */
import { districtStatus, LoggedEvent, Position, PositionCore } from '@sitrep/domain';
import {
  ANDARAB,
  assertion,
  aug,
  BAGHLAN,
  gazetteer,
  PANJSHIR,
  prng,
} from '@sitrep/domain/testing/fixtures';
import { randomLog } from '@sitrep/domain/testing/random-log';
import { BatchProjector } from './batch-projector';
import { ObservedSettler } from './observed-settler';
import { PositionVersion, StatusVersion } from './projection-effects';
import { ProjectionEngine } from './projection-engine';
import { ReadModelDatabase, readModelDatabase } from './testing/read-model-database';
import { randomBatches } from './testing/random-batches';
import { replayedTimelines } from './testing/replayed-timelines';

const TOPIC = 'live-equals-replay.claims';
const core = ({ provenance: _provenance, ...rest }: Position): PositionCore => rest;
const AXIS = { recorded: 'r', observed: 'o' } as const;

/** A row as both sides give it: every column the checksums read. */
const statusText = (v: StatusVersion) =>
  [v.district, AXIS[v.axis], v.from, v.status, v.controller, v.verification, v.cause].join('|');
const positionText = (v: PositionVersion) =>
  [v.district, v.claimant, AXIS[v.axis], v.from, v.record ?? '-', v.cause].join('|');

/** The live projector's code on a database: batches applied, observed timelines settled, rows read. */
function liveProjector(db: ReadModelDatabase) {
  const projector = new BatchProjector({
    pool: db.pool,
    gazetteer,
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    deadLetters: async (_topic, letters) => {
      if (letters.length > 0) throw new Error(`unexpected dead letters: ${letters.length}`);
    },
    schema: async () => db.schema,
  });
  const settler = new ObservedSettler({ pool: db.pool, gazetteer, schema: async () => db.schema });
  return {
    settler,
    async apply(partition: number, batch: readonly LoggedEvent[]): Promise<void> {
      const messages = batch.map((e) => ({
        offset: String(e.position.offset),
        key: Buffer.from(e.event.place.province),
        value: Buffer.from(JSON.stringify(e.event)),
      }));
      await projector.projectBatch(TOPIC, partition, messages, messages.at(-1)!.offset);
    },
    async rows() {
      while ((await settler.settle(50)) > 0);
      const statuses = await db.pool.query<{ row: string }>(
        `SELECT concat_ws('|', district, axis, (extract(epoch FROM valid_from) * 1000)::bigint, status,
                COALESCE(controller, ''), verification, caused_by) AS row
           FROM ${db.schema}.status_timeline`,
      );
      const positions = await db.pool.query<{ row: string }>(
        `SELECT concat_ws('|', district, claimant, axis, (extract(epoch FROM valid_from) * 1000)::bigint,
                COALESCE(record, '-'), caused_by) AS row
           FROM ${db.schema}.position_timeline`,
      );
      return {
        statuses: statuses.rows.map((r) => r.row).sort(),
        positions: positions.rows.map((r) => r.row).sort(),
      };
    },
  };
}

/** The live projector's code on the log: random batches of 1–3 events, settled now and then. */
async function projectLive(db: ReadModelDatabase, log: readonly LoggedEvent[]) {
  const random = prng(log.length);
  const live = liveProjector(db);
  for (const { partition, batch } of randomBatches(log, random, 3)) {
    await live.apply(partition, batch);
    if (random() < 0.2) await live.settler.settle(5);
  }
  return live.rows();
}

/** A replay's rows for the log (testing/replayed-timelines.ts), as text. */
async function replay(log: readonly LoggedEvent[]) {
  const places = [BAGHLAN, PANJSHIR].flatMap((p) => [...gazetteer.districtsCoveredBy(p), p]);
  const rows = await replayedTimelines(new ProjectionEngine(gazetteer), log, places);
  return {
    statuses: rows.statuses.map(statusText).sort(),
    positions: rows.positions.map(positionText).sort(),
  };
}

describe.each([1, 3, 5, 7])(
  'given random log %i through the live projector in small batches',
  (seed) => {
    const db = readModelDatabase(2);

    it('then its timeline rows are the very rows a replay writes, and its current states the reference statuses', async () => {
      const log = randomLog({ seed, events: 300 });
      const live = await projectLive(db, log);
      const replayed = await replay(log);
      expect(live.positions.length).toBeGreaterThan(50);
      expect(live.statuses).toEqual(replayed.statuses);
      expect(live.positions).toEqual(replayed.positions);
      // And each district's current state is what the rules give over the whole log.
      const current = await db.pool.query<{
        pcode: string;
        province: string;
        status: string;
        controller: string | null;
        positions: unknown;
      }>(`SELECT pcode, province, status, controller, positions FROM ${db.schema}.district_status`);
      expect(current.rows.length).toBeGreaterThan(0);
      for (const row of current.rows) {
        const expected = districtStatus({ pcode: row.pcode, province: row.province }, log);
        expect(row).toEqual({
          ...row,
          status: expected.status,
          controller: expected.controller,
          positions: JSON.parse(JSON.stringify(expected.positions.map(core))),
        });
      }
    }, 120_000);
  },
);

describe('given a district whose province lane has a change still to settle', () => {
  const db = readModelDatabase(2);
  const claim = (n: number) => `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`;

  it('when a later claim in the district is settled in the same round as the lane, then the district keeps the run the province claim began', async () => {
    const live = liveProjector(db);
    // An nrf claim about Andarab, then a Taliban claim about the whole of Baghlan: Andarab's
    // marks are older, so a round of one district settles it and leaves the lane pending.
    const nrf = assertion({
      id: claim(1),
      reportId: 'r1',
      claimant: 'nrf',
      place: ANDARAB,
      observedAt: aug(5),
      recordedAt: aug(20),
      offset: 0,
    });
    const province = assertion({
      id: claim(2),
      reportId: 'r2',
      claimant: 'taliban',
      place: BAGHLAN,
      observedAt: aug(6),
      recordedAt: aug(21),
      offset: 1,
    });
    // The Taliban say the same of Andarab itself: their run there holds both claims.
    const district = assertion({
      id: claim(3),
      reportId: 'r3',
      claimant: 'taliban',
      place: ANDARAB,
      observedAt: aug(8),
      recordedAt: aug(22),
      offset: 2,
    });
    await live.apply(0, [nrf]);
    await live.apply(0, [province]);
    expect(await live.settler.settle(1)).toBe(1);
    await live.apply(0, [district]);
    const rows = await live.rows();
    const andarab = rows.positions.filter((r) =>
      r.startsWith(`${ANDARAB}|taliban|o|${Date.parse(aug(8))}|`),
    );
    expect(andarab).toHaveLength(1);
    expect(andarab[0]).toContain(`"${claim(2)}"`);
    const replayed = await replay([nrf, province, district]);
    expect(rows.statuses).toEqual(replayed.statuses);
    expect(rows.positions).toEqual(replayed.positions);
  });
});
