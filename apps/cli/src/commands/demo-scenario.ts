/**
 * The demo scenario: the fall of the Panjshir valley in early September 2021, as competing claims.
 * Facts from the article the project started from, told in our own words.
 */
import { claimIdFor } from '@sitrep/platform';

const claim = (reportId: string, index: number) => claimIdFor(reportId, index);

export const DEMO_REPORTS = [
  {
    reportId: 'demo-2021-09-05-taliban-rukha',
    source: {
      outlet: 'Twitter (Taliban spokesman)',
      publishedAt: '2021-09-05T19:30:00Z',
      reliability: 'F',
    },
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
        quote: 'Police headquarters and the district centre are in our hands.',
      },
    ],
  },
  {
    reportId: 'demo-2021-09-05-nrf-denial',
    source: { outlet: 'NRF statement', publishedAt: '2021-09-05T21:00:00Z', reliability: 'E' },
    claims: [
      {
        claimant: 'nrf',
        kind: 'dispute',
        observedAt: '2021-09-05T20:00:00Z',
        target: { claimId: claim('demo-2021-09-05-taliban-rukha', 0) },
        quote: 'The reports of Rukha falling are untrue.',
      },
    ],
  },
  {
    reportId: 'demo-2021-09-05-taliban-khinj-anabah',
    source: {
      outlet: 'Twitter (Taliban spokesman)',
      publishedAt: '2021-09-05T22:00:00Z',
      reliability: 'F',
    },
    claims: [
      {
        claimant: 'taliban',
        kind: 'control',
        actor: 'taliban',
        place: 'Khinj',
        province: 'Panjshir',
        observedAt: '2021-09-05T21:00:00Z',
        precision: 'day',
        credibility: 4,
      },
      {
        claimant: 'taliban',
        kind: 'control',
        actor: 'taliban',
        place: 'Anabah',
        province: 'Panjshir',
        observedAt: '2021-09-05T21:00:00Z',
        precision: 'day',
        credibility: 4,
      },
    ],
  },
  {
    reportId: 'demo-2021-09-06-emergency-anabah',
    source: {
      outlet: 'Emergency (medical NGO)',
      publishedAt: '2021-09-06T09:00:00Z',
      reliability: 'B',
    },
    claims: [
      {
        claimant: 'emergency-ngo',
        kind: 'presence',
        actor: 'taliban',
        place: 'Annaba',
        province: 'AF08',
        observedAt: '2021-09-06T08:00:00Z',
        credibility: 2,
        quote: 'Taliban fighters have arrived in the town where our clinic is.',
      },
      {
        claimant: 'emergency-ngo',
        kind: 'corroborate',
        degree: 'partial',
        observedAt: '2021-09-06T08:00:00Z',
        target: { claimId: claim('demo-2021-09-05-taliban-khinj-anabah', 1) },
      },
    ],
  },
  {
    reportId: 'demo-2021-09-06-taliban-whole-valley',
    source: { outlet: 'Taliban statement', publishedAt: '2021-09-06T07:00:00Z', reliability: 'F' },
    claims: [
      {
        claimant: 'taliban',
        speaker: 'Zabihullah Mujahid',
        kind: 'control',
        actor: 'taliban',
        place: 'Panjshir',
        observedAt: '2021-09-06T06:00:00Z',
        credibility: 4,
        quote: 'The whole province is now under our control.',
      },
    ],
  },
  {
    reportId: 'demo-2021-09-06-nrf-positions',
    source: { outlet: 'NRF on Twitter', publishedAt: '2021-09-06T11:00:00Z', reliability: 'E' },
    claims: [
      {
        claimant: 'nrf',
        kind: 'presence',
        actor: 'nrf',
        place: 'AF08',
        observedAt: '2021-09-06T10:00:00Z',
        credibility: 4,
        quote: 'Our forces hold strategic positions throughout the valley and fight on.',
      },
      {
        claimant: 'nrf',
        kind: 'dispute',
        observedAt: '2021-09-06T10:00:00Z',
        target: { claimant: 'taliban', place: 'Panjshir' },
      },
    ],
  },
] as const;

/** A moment between the two days, to show a read as of the past. */
export const DEMO_EVENING = '2021-09-05T23:59:00Z';
