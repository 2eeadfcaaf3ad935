/** A curator's retraction (DECISIONS.md, "Audit and curation"), decided. */
import { CURRENT_SCHEMA } from './codec';
import {
  CuratorRetractionContext,
  curatorRetractionReportId,
  decideCuratorRetraction,
} from './decide-curator-retraction';
import { ClaimIds } from './decision-context';
import { placeRef } from './testing/fixtures';

const ids: ClaimIds = {
  claimId: (reportId, index) => `${reportId}#${index}`,
  digest: (value) => `digest:${JSON.stringify(value)}`,
};
const CURATOR = { keyId: 'k-admin', name: 'ann (curator)' };
const context = (target: CuratorRetractionContext['target']): CuratorRetractionContext => ({
  target,
  clock: { now: () => new Date('2021-09-07T09:00:00Z') },
  ids,
  curator: CURATOR,
});
const target = {
  claimId: 'r-1#0',
  claimant: 'taliban',
  kind: 'control' as const,
  place: placeRef('AF0802'),
  observedAt: '2021-09-05T16:00:00.000Z',
};

describe('given a known claim and a reason', () => {
  const decision = decideCuratorRetraction(
    { claimId: 'r-1#0', reason: 'entered against the wrong place' },
    context(target),
  );

  it('then one curator-retracted event of claimant curator, in the target’s place and time', () => {
    if (!decision.accepted) throw new Error('refused');
    expect(decision.reportId).toBe(curatorRetractionReportId('r-1#0'));
    expect(decision.events).toEqual([
      expect.objectContaining({
        id: 'curator-retraction:r-1#0#0',
        type: 'claim.curator-retracted',
        schema: CURRENT_SCHEMA['claim.curator-retracted'],
        claimant: 'curator',
        place: target.place,
        observedAt: target.observedAt,
        recordedAt: '2021-09-07T09:00:00.000Z',
        data: {
          target: { claimId: 'r-1#0' },
          reason: 'entered against the wrong place',
          curator: 'ann (curator)',
        },
        submittedBy: CURATOR,
      }),
    ]);
  });

  it('then the same reason again has the same digest, another reason another', () => {
    const again = decideCuratorRetraction(
      { claimId: 'r-1#0', reason: 'entered against the wrong place' },
      context(target),
    );
    const other = decideCuratorRetraction(
      { claimId: 'r-1#0', reason: 'duplicate' },
      context(target),
    );
    expect(decision.accepted && again.accepted && again.digest === decision.digest).toBe(true);
    expect(decision.accepted && other.accepted && other.digest !== decision.digest).toBe(true);
  });
});

describe('given a claim that cannot be retracted by a curator', () => {
  it('then an unknown claim is refused', () => {
    expect(decideCuratorRetraction({ claimId: 'x#0', reason: 'r' }, context(undefined))).toEqual(
      expect.objectContaining({ accepted: false, reason: 'unknown-claim' }),
    );
  });

  it('then a curator retraction is refused', () => {
    const decision = decideCuratorRetraction(
      { claimId: 'c#0', reason: 'r' },
      context({ ...target, claimId: 'c#0', kind: 'curator-retract' }),
    );
    expect(decision).toEqual(
      expect.objectContaining({ accepted: false, reason: 'retraction-of-curator-retraction' }),
    );
  });
});
