/**
 * A replay's sink keeps each district's newest versions pending until a later instant comes,
 * because the next batch may continue the instant (ContinuedInstant): it must write exactly the
 * recorded rows the live projector's upserts leave (`keepRecorded` is their model, which the
 * engine's spec and live-equals-replay.int-spec.ts hold to a replay), however the log is batched.
 * A scoped replay cuts its province's events into runs at every other province's event, so its
 * batches split instants all the time.
 */
import { LoggedEvent } from '@sitrep/domain';
import { assertion, aug, gazetteer, prng } from '@sitrep/domain/testing/fixtures';
import { randomLog } from '@sitrep/domain/testing/random-log';
import { BulkStore, positionRow, ProjectionEngine, statusRow } from '@sitrep/projection';
import { projectBatches } from '@sitrep/projection/testing/project-batches';
import { randomBatches } from '@sitrep/projection/testing/random-batches';
import { BulkSink, MemoryRows } from './bulk-sink';

/** The recorded rows of a log projected in these batches, through the sink and through the model. */
async function recordedRows(
  batches: Iterable<{ readonly partition: number; readonly batch: readonly LoggedEvent[] }>,
): Promise<{ sink: string[]; live: string[] }> {
  const engine = new ProjectionEngine(gazetteer);
  const store = new BulkStore(gazetteer);
  const { sink, rows } = BulkSink.inMemory();
  const live = await projectBatches(engine, store, batches, (effects) =>
    sink.write(effects, new Map()),
  );
  sink.endRecorded();
  const lines = (target: MemoryRows) => target.text().split('\n').filter(Boolean);
  return {
    sink: [...lines(rows.statuses), ...lines(rows.positions)].sort(),
    live: [...live.statuses.map(statusRow), ...live.positions.map(positionRow)]
      .map((row) => row.trimEnd())
      .sort(),
  };
}

const recordedAt = (ms: number) => `2021-09-01T10:00:00.${String(ms).padStart(3, '0')}Z`;

describe('given a batch that continues the instant the previous one ended with and goes on past it', () => {
  // One partition: the recorded clock reaches .900 with another province's event, so the next
  // claims all stand at .900 (the API committed them out of recordedAt order), and the last one
  // moves it on in the same batch as the one that continues .900.
  const log = [
    assertion({
      id: 'kabul#0',
      claimant: 'nrf',
      place: 'AF0101',
      observedAt: aug(1),
      recordedAt: recordedAt(900),
      offset: 0,
    }),
    assertion({
      id: 'a#0',
      claimant: 'taliban',
      place: 'AF0908',
      observedAt: aug(12),
      recordedAt: recordedAt(494),
      offset: 1,
    }),
    assertion({
      id: 'b#0',
      claimant: 'nrf',
      place: 'AF0908',
      observedAt: aug(18),
      recordedAt: recordedAt(524),
      offset: 2,
    }),
    assertion({
      id: 'c#0',
      claimant: 'taliban',
      place: 'AF0908',
      observedAt: aug(8),
      recordedAt: recordedAt(913),
      offset: 3,
    }),
  ];

  it('when it is projected in two batches, then the versions it continued take its cause, as the live projector writes them', async () => {
    const { sink, live } = await recordedRows([
      { partition: 0, batch: log.slice(0, 2) },
      { partition: 0, batch: log.slice(2) },
    ]);
    const taliban = sink.filter((row) =>
      row.startsWith('AF0908\ttaliban\tr\t2021-09-01T10:00:00.900Z'),
    );
    expect(taliban).toHaveLength(1);
    expect(taliban[0]!.endsWith('\tb#0')).toBe(true);
    expect(sink).toEqual(live);
  });
});

describe('given random logs cut into random batches', () => {
  it.each([1, 2, 3, 4, 5, 6])(
    'seed %i: then the sink writes the very recorded rows the live projector does',
    async (seed) => {
      const log = randomLog({ seed, events: 200 });
      for (const maxBatch of [1, 3, 8]) {
        const { sink, live } = await recordedRows(
          randomBatches(log, prng(seed * 13 + maxBatch), maxBatch),
        );
        expect(sink.length).toBeGreaterThan(50);
        expect(sink).toEqual(live);
      }
    },
  );
});
