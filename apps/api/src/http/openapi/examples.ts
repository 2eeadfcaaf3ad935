/**
 * Examples of the document, from the Panjshir scenario of `npm run demo` (5–6 September 2021: the
 * Taliban claim Rukha, Khinj and Anaba; the NRF denies it). Claim ids are those the demo's reports
 * get. test/openapi.e2e-spec.ts checks every example against its schema.
 */
import { claimIdFor } from '@sitrep/platform';

const RUKHA_REPORT = 'demo-2021-09-05-taliban-rukha';
const DENIAL_REPORT = 'demo-2021-09-05-nrf-denial';
export const RUKHA_CLAIM = claimIdFor(RUKHA_REPORT, 0);
const DENIAL_CLAIM = claimIdFor(DENIAL_REPORT, 0);
const KHINJ_CLAIM = claimIdFor('demo-2021-09-05-taliban-khinj-anabah', 0);
const ANABA_CLAIM = claimIdFor('demo-2021-09-05-taliban-khinj-anabah', 1);

const talibanSource = {
  outlet: 'Twitter (Taliban spokesman)',
  publishedAt: '2021-09-05T19:30:00Z',
  reliability: 'F',
};
const asOf = { asOf: '2021-09-06T00:00:00.000Z', axis: 'recorded' };

export const reportExample = {
  reportId: RUKHA_REPORT,
  source: talibanSource,
  claims: [
    {
      claimant: 'taliban',
      speaker: 'Bilal Karimi',
      kind: 'control',
      actor: 'taliban',
      place: 'Rukhah',
      province: 'Panjshir',
      observedAt: '2021-09-05T18:00:00Z',
      precision: 'approximate',
      credibility: 4,
      quote: 'We have taken the district centre of Rukha.',
    },
  ],
};

export const disputeReportExample = {
  reportId: DENIAL_REPORT,
  source: { outlet: 'NRF statement', publishedAt: '2021-09-05T21:00:00Z', reliability: 'E' },
  claims: [
    {
      claimant: 'nrf',
      kind: 'dispute',
      observedAt: '2021-09-05T20:00:00Z',
      target: { claimId: RUKHA_CLAIM },
      quote: 'Rukha has not fallen.',
    },
  ],
};

export const receiptExample = {
  reportId: RUKHA_REPORT,
  recordedAt: '2021-09-05T19:42:10.512Z',
  claims: [
    {
      index: 0,
      claimId: RUKHA_CLAIM,
      kind: 'control',
      place: {
        pcode: 'AF0802',
        name: 'Rukha',
        level: 'district',
        input: 'Rukhah',
        resolution: 'near',
      },
    },
  ],
};

const talibanPosition = {
  claimant: 'taliban',
  kind: 'control',
  actor: 'taliban',
  observedAt: '2021-09-05T18:00:00.000Z',
  precision: 'approximate',
  claimIds: [RUKHA_CLAIM],
  disputed: true,
  disputedBy: ['nrf'],
  corroboratedBy: [],
  provenance: [
    {
      claimId: RUKHA_CLAIM,
      reportId: RUKHA_REPORT,
      place: 'AF0802',
      observedAt: '2021-09-05T18:00:00.000Z',
      recordedAt: '2021-09-05T19:42:10.512Z',
      source: talibanSource,
      speaker: 'Bilal Karimi',
      credibility: 4,
      quote: 'We have taken the district centre of Rukha.',
    },
  ],
};

/** Rukha late on 5 September: the headline of every document about it. */
export const rukhaHeadline = {
  pcode: 'AF0802',
  name: 'Rukha',
  province: { pcode: 'AF08', name: 'Panjsher' },
  status: 'contested',
  controller: 'taliban',
  verification: 'none',
};

export const districtExample = {
  ...rukhaHeadline,
  positions: [talibanPosition],
  ...asOf,
};

const summary = (pcode: string, name: string, status: string, controller: string | null) => ({
  pcode,
  name,
  province: 'AF08',
  status,
  controller,
  verification: 'none',
});
const panjshir = [
  summary('AF0801', 'Bazarak', 'unclaimed', null),
  summary('AF0802', 'Rukha', 'contested', 'taliban'),
  summary('AF0804', 'Khenj', 'claimed', 'taliban'),
  summary('AF0805', 'Anawa', 'claimed', 'taliban'),
];

export const districtListExample = {
  items: panjshir,
  nextCursor: 'QUYwODA1',
  ...asOf,
};

export const provinceExample = {
  pcode: 'AF08',
  name: 'Panjsher',
  districts: 7,
  byStatus: { claimed: 2, contested: 1, unclaimed: 4 },
  byController: { taliban: 3 },
  items: panjshir,
  ...asOf,
};

export const districtHistoryExample = {
  pcode: 'AF0802',
  name: 'Rukha',
  changes: [
    {
      at: '2021-09-05T19:42:10.512Z',
      status: 'claimed',
      controller: 'taliban',
      verification: 'none',
      causedBy: {
        claimId: RUKHA_CLAIM,
        reportId: RUKHA_REPORT,
        type: 'claim.asserted',
        claimant: 'taliban',
      },
    },
    {
      at: '2021-09-05T21:05:37.020Z',
      status: 'contested',
      controller: 'taliban',
      verification: 'none',
      causedBy: {
        claimId: DENIAL_CLAIM,
        reportId: DENIAL_REPORT,
        type: 'claim.disputed',
        claimant: 'nrf',
      },
    },
  ],
  order: 'oldest',
  nextCursor: null,
  ...asOf,
};

export const actorExample = {
  actor: 'taliban',
  positions: [
    {
      district: 'AF0804',
      name: 'Khenj',
      kind: 'control',
      actor: 'taliban',
      observedAt: '2021-09-05T21:00:00.000Z',
      claimIds: [KHINJ_CLAIM],
      disputedBy: [],
      corroboratedBy: [],
    },
    {
      district: 'AF0805',
      name: 'Anawa',
      kind: 'control',
      actor: 'taliban',
      observedAt: '2021-09-05T21:00:00.000Z',
      claimIds: [ANABA_CLAIM],
      disputedBy: [],
      corroboratedBy: [{ claimant: 'emergency-ngo', degree: 'partial' }],
    },
  ],
  controls: [
    { pcode: 'AF0804', name: 'Khenj', status: 'claimed', verification: 'none' },
    { pcode: 'AF0805', name: 'Anawa', status: 'claimed', verification: 'partial' },
  ],
  ...asOf,
};

const rukha = { pcode: 'AF0802', level: 'district', name: 'Rukha', province: 'AF08' };

export const claimExample = {
  claimId: RUKHA_CLAIM,
  type: 'claim.asserted',
  schema: 3,
  kind: 'control',
  reportId: RUKHA_REPORT,
  index: 0,
  claimant: 'taliban',
  place: { ...rukha, input: 'Rukhah', resolution: 'near' },
  observedAt: '2021-09-05T18:00:00.000Z',
  recordedAt: '2021-09-05T19:42:10.512Z',
  data: {
    kind: 'control',
    actor: 'taliban',
    precision: 'approximate',
    speaker: 'Bilal Karimi',
    credibility: 4,
    quote: 'We have taken the district centre of Rukha.',
  },
  source: talibanSource,
  submittedBy: { keyId: '5b7e2c1a-3f4d-4e8b-9a6c-0d1e2f3a4b5c', name: 'kabul desk' },
  retracted: false,
  evidence: {
    disputes: [
      {
        claimId: DENIAL_CLAIM,
        kind: 'dispute',
        claimant: 'nrf',
        observedAt: '2021-09-05T20:00:00.000Z',
        recordedAt: '2021-09-05T21:05:37.020Z',
        reportId: DENIAL_REPORT,
        submittedBy: { keyId: '5b7e2c1a-3f4d-4e8b-9a6c-0d1e2f3a4b5c', name: 'kabul desk' },
        blanket: false,
      },
    ],
    corroborations: [],
    retractions: [],
  },
  logPosition: { topic: 'sitrep.claims', partition: 2, offset: 14 },
  asOf: null,
  axis: 'recorded',
};

export const placeResolutionExample = {
  query: 'Rukhah',
  province: 'AF08',
  decision: { kind: 'resolved', pcode: 'AF0802', resolution: 'near', matched: 'Rukha' },
  candidates: [{ ...rukha, matched: 'Rukha', resolution: 'near', distance: 1 }],
};

export const timespanExample = {
  recorded: { from: '2021-09-05T14:10:00.000Z', to: '2021-09-06T09:30:00.000Z' },
  observed: { from: '2021-09-05T12:00:00.000Z', to: '2021-09-06T08:00:00.000Z' },
  now: '2021-09-06T10:00:00.000Z',
};
