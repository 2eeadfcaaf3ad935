import { PositionVersion, StatusVersion } from '../projection-effects';
import { diffPositions, diffStatuses, StoredPosition, StoredStatus } from './timeline-diff';

const T = Date.parse('2021-09-05T12:00:00Z');
const cause = '00000000-0000-4000-8000-000000000001';
const other = '00000000-0000-4000-8000-000000000002';

const status = (from: number, controller: string | null, by = cause): StatusVersion => ({
  district: 'AF0805',
  axis: 'observed',
  from,
  status: controller ? 'claimed' : 'unclaimed',
  controller,
  verification: 'none',
  cause: by,
});
const stored = (v: StatusVersion): StoredStatus => ({
  district: v.district,
  from: v.from,
  status: v.status,
  controller: v.controller,
  verification: v.verification,
  cause: v.cause,
});

describe('an observed rewrite writes only what changed', () => {
  it('given the same versions as stored, then nothing is deleted or written', () => {
    const versions = [status(T, 'taliban'), status(T + 1000, null)];
    const { stale, fresh } = diffStatuses(versions.map(stored), versions);
    expect(stale).toEqual([]);
    expect(fresh).toEqual([]);
  });

  it('given a version that changed, one that is gone and one that is new, then those', () => {
    const before = [status(T, 'taliban'), status(T + 1000, null), status(T + 2000, 'nrf')];
    const after = [status(T, 'taliban'), status(T + 1000, 'nrf'), status(T + 3000, null)];
    const { stale, fresh } = diffStatuses(before.map(stored), after);
    expect(stale.map((s) => s.from)).toEqual([T + 1000, T + 2000]);
    expect(fresh.map((v) => v.from)).toEqual([T + 1000, T + 3000]);
  });

  it('given the same content with another cause, then the version is rewritten', () => {
    const { stale, fresh } = diffStatuses(
      [stored(status(T, 'taliban'))],
      [status(T, 'taliban', other)],
    );
    expect(stale).toHaveLength(1);
    expect(fresh).toEqual([status(T, 'taliban', other)]);
  });

  it('given positions, then they are told apart by claimant and compared by record', () => {
    const position = (claimant: string, record: string | null): PositionVersion => ({
      district: 'AF0805',
      claimant,
      axis: 'observed',
      from: T,
      kind: record ? 'control' : null,
      actor: record ? 'taliban' : null,
      record,
      cause,
    });
    const storedPosition = (v: PositionVersion): StoredPosition => ({
      district: v.district,
      claimant: v.claimant,
      from: v.from,
      kind: v.kind,
      actor: v.actor,
      record: v.record,
      cause: v.cause,
    });
    const before = [
      position('taliban', '{"a":1}'),
      position('nrf', '{"b":1}'),
      position('unama', '{"c":1}'),
    ];
    // nrf's position ends; unama's run gains a claim (same kind and actor, another record).
    const after = [
      position('taliban', '{"a":1}'),
      position('nrf', null),
      position('unama', '{"c":2}'),
    ];
    const { stale, fresh } = diffPositions(before.map(storedPosition), after);
    expect(stale.map((s) => s.claimant)).toEqual(['nrf', 'unama']);
    expect(fresh).toEqual([position('nrf', null), position('unama', '{"c":2}')]);
  });
});
