import { districtStatus } from '@sitrep/domain';
import {
  assertion,
  districtRef,
  dispute,
  DEH_SALAH,
  ANDARAB,
  BAGHLAN,
  aug,
} from '../../domain/src/testing/fixtures';
import { districtsChecksum, eventsChecksum } from './checksum';

describe('read-model checksums', () => {
  const events = [
    assertion({
      id: 'r1#0',
      claimant: 'nrf',
      actor: 'nrf',
      place: DEH_SALAH,
      observedAt: aug(20),
      offset: 0,
    }),
    assertion({
      id: 'r2#0',
      claimant: 'taliban',
      actor: 'taliban',
      place: BAGHLAN,
      observedAt: aug(22),
      offset: 1,
    }),
    dispute({
      id: 'r3#0',
      claimant: 'nrf',
      target: { claimant: 'taliban', place: BAGHLAN },
      observedAt: aug(22, 18),
      offset: 2,
    }),
  ];
  const statuses = [DEH_SALAH, ANDARAB].map((pcode) => districtStatus(districtRef(pcode), events));

  it('does not depend on the order of rows', () => {
    expect(districtsChecksum([...statuses].reverse())).toBe(districtsChecksum(statuses));
    const rows = events.map((e) => ({
      claimId: e.event.id,
      partition: e.position.partition,
      offset: e.position.offset,
    }));
    expect(eventsChecksum([...rows].reverse())).toBe(eventsChecksum(rows));
  });

  it('changes when any row changes, and ignores districts that say nothing', () => {
    const changed = [{ ...statuses[0]!, controller: 'someone' }, statuses[1]!];
    expect(districtsChecksum(changed)).not.toBe(districtsChecksum(statuses));
    const empty = districtStatus(districtRef('AF0912'), []);
    expect(districtsChecksum([...statuses, empty])).toBe(districtsChecksum(statuses));
  });
});
