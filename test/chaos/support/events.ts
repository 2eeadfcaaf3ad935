/** Claim events put on the log directly (bypassing the API), for what the API would refuse. */
import { loadGazetteer } from '@sitrep/platform';
import { randomUUID } from 'node:crypto';

const gazetteer = loadGazetteer();

/** A `claim.asserted` event as the API writes it, with extra `data` and `source` fields. */
export function directEvent(pcode: string, data: object = {}, source: object = {}): string {
  const place = gazetteer.place(pcode)!;
  const id = randomUUID();
  return JSON.stringify({
    id,
    type: 'claim.asserted',
    schema: 2,
    reportId: `direct-${id}`,
    index: 0,
    reportDigest: 'direct',
    claimant: 'taliban',
    observedAt: '2021-09-02T12:00:00.000Z',
    recordedAt: new Date().toISOString(),
    place: {
      pcode,
      level: place.level,
      name: place.name,
      province: place.province,
      input: pcode,
      resolution: 'pcode',
    },
    data: { kind: 'control', actor: 'taliban', precision: 'exact', ...data },
    source: { outlet: 'Chaos desk', ...source },
  });
}
