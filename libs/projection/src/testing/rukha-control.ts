/** A claim the row and decoding specs share: the Taliban claim control of Rukha (AF0802). */
import { assertion } from '@sitrep/domain/testing/fixtures';

export const rukhaControl = assertion({
  id: '00000000-0000-4000-8000-000000000010',
  reportId: 'r1',
  index: 0,
  claimant: 'taliban',
  observedAt: '2021-09-05T16:00:00.000Z',
  offset: 0,
  place: 'AF0802',
  precision: 'day',
});
