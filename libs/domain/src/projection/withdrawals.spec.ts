/** Which claims are withdrawn, one event at a time (the rule of status.ts `retractedClaimIds`). */
import { LoggedEvent } from '../events';
import { retractedClaimIds } from '../status';
import { assertion, curatorRetraction, DEH_SALAH, retraction, sep } from '../testing/fixtures';
import { factsOf } from './claim-facts';
import { Withdrawals } from './withdrawals';

const claim = assertion({
  id: 'c#0',
  claimant: 'nrf',
  place: DEH_SALAH,
  observedAt: sep(1),
  offset: 0,
});
const first = retraction({
  id: 'r1#0',
  claimant: 'nrf',
  target: claim,
  observedAt: sep(2),
  offset: 1,
});
const second = retraction({
  id: 'r2#0',
  claimant: 'nrf',
  target: claim,
  observedAt: sep(3),
  offset: 2,
});
const undoFirst = curatorRetraction({ id: 'k1#0', target: first, observedAt: sep(4), offset: 3 });
const undoSecond = curatorRetraction({ id: 'k2#0', target: second, observedAt: sep(5), offset: 4 });

/** The standing of `claim` after each event, as the ledger tells it and as the rule does. */
function standings(known: readonly LoggedEvent[], arriving: readonly LoggedEvent[]) {
  const ledger = new Withdrawals();
  const reference = retractedClaimIds(known).has(claim.event.id);
  for (const k of known) {
    const facts = factsOf(k);
    if (facts.targetId !== undefined)
      ledger.knowRetraction(facts, retractedClaimIds(known).has(facts.id));
    else ledger.know(facts, reference);
  }
  const log = [...known];
  return arriving.map((e) => {
    ledger.arrive(factsOf(e));
    log.push(e);
    return [ledger.isWithdrawn(claim.event.id), retractedClaimIds(log).has(claim.event.id)];
  });
}

describe('withdrawals', () => {
  describe('given a claim withdrawn by two retractions of its claimant', () => {
    it('when a curator withdraws both retractions, then the claim comes back after the second only', () => {
      expect(standings([claim, first, second], [undoFirst, undoSecond])).toEqual([
        [true, true],
        [false, false],
      ]);
    });

    it('when the retractions are known as the targets of the curators’ (the same batch), then the same', () => {
      // The ledger knows both retractions as claims (targets) before it knows them as retractions.
      const ledger = new Withdrawals();
      ledger.know(factsOf(claim), true);
      ledger.know(factsOf(first), false);
      ledger.know(factsOf(second), false);
      ledger.knowRetraction(factsOf(first), false);
      ledger.knowRetraction(factsOf(second), false);
      const afterFirst = ledger.arrive(factsOf(undoFirst));
      expect(afterFirst.flips.map((f) => [f.claim.id, f.withdrawn])).toEqual([['r1#0', true]]);
      const afterSecond = ledger.arrive(factsOf(undoSecond));
      expect(afterSecond.flips.map((f) => [f.claim.id, f.withdrawn])).toEqual([
        ['r2#0', true],
        ['c#0', false],
      ]);
    });
  });

  describe('given a retraction by another claimant', () => {
    it('then it withdraws nothing', () => {
      const foreign = retraction({
        id: 'f#0',
        claimant: 'taliban',
        target: claim,
        observedAt: sep(2),
        offset: 1,
      });
      expect(standings([claim], [foreign])).toEqual([[false, false]]);
    });
  });

  describe('given a retraction that arrives before the claim it targets', () => {
    it('then the claim arrives withdrawn', () => {
      const ledger = new Withdrawals();
      ledger.arrive(factsOf(first));
      expect(ledger.arrive(factsOf(claim)).withdrawn).toBe(true);
    });
  });
});
