/** The cast of the generated log: parties, observers, outlets, what they say. */
import { Reliability, Submitter } from '../../events';

/** Armed parties: the actors of control and presence claims, and claimants too. */
export const PARTIES = [
  'taliban',
  'nrf',
  'isk',
  'andsf',
  'andarab-resistance',
  'hazara-militia',
  'uzbek-militia',
  'tajik-militia',
] as const;

/** Observers: they report presence and fighting, corroborate and dispute; 32 of them. */
export const OBSERVERS = [
  'emergency-ngo',
  'unama',
  'icrc',
  'msf',
  'afghan-red-crescent',
  'tolo-news',
  'pajhwok',
  'bbc-pashto',
  'azadi-radio',
  'ariana-news',
  'khaama-press',
  'etilaatroz',
  'hasht-e-subh',
  'amu-tv',
  'local-elders',
  'provincial-council',
  'district-governor',
  'village-shura',
  'human-rights-watch',
  'amnesty',
  'acled-analyst',
  'long-war-journal',
  'osint-desk-1',
  'osint-desk-2',
  'osint-desk-3',
  'citizen-reporter-1',
  'citizen-reporter-2',
  'citizen-reporter-3',
  'ulema-council',
  'refugee-network',
  'women-network',
  'teachers-union',
] as const;

export const CLAIMANTS: readonly string[] = [...PARTIES, ...OBSERVERS];

export const OUTLETS: readonly { outlet: string; host: string; reliability: Reliability }[] = [
  { outlet: 'Twitter', host: 'twitter.com', reliability: 'F' },
  { outlet: 'Tolo News', host: 'tolonews.com', reliability: 'B' },
  { outlet: 'Pajhwok', host: 'pajhwok.com', reliability: 'B' },
  { outlet: 'BBC Pashto', host: 'bbc.com', reliability: 'A' },
  { outlet: 'Radio Azadi', host: 'azadiradio.com', reliability: 'B' },
  { outlet: 'Telegram', host: 't.me', reliability: 'E' },
  { outlet: 'Facebook', host: 'facebook.com', reliability: 'E' },
  { outlet: 'Press release', host: 'example.org', reliability: 'C' },
  { outlet: 'Field report', host: 'example.net', reliability: 'C' },
  { outlet: 'Phone call', host: 'example.com', reliability: 'D' },
];

export const SPEAKERS = [
  'spokesman',
  'commander',
  'governor',
  'official',
  'resident',
  'elder',
  'medic',
];
export const QUOTES = [
  'we hold the district centre',
  'our forces entered the valley at dawn',
  'heavy fighting near the bazaar, both sides claim the road',
  'the checkpoints on the main road changed hands twice',
  'residents say "they are everywhere" — nobody knows who controls it',
  'the governor’s compound is under our control',
  'reports of clashes in the northern villages',
  'the district is calm; the new administration is in place',
];
export const REASONS = [
  'entered against the wrong place',
  'duplicate of an earlier report',
  'source retracted the story',
  'misattributed claimant',
];

/** The API keys that submit the reports: desks and analysts. */
export const DESKS: readonly Submitter[] = [
  'kabul desk',
  'panjshir desk',
  'osint team',
  'wire import',
  'night shift',
  'field office',
].map((name, i) => ({ keyId: `00000000-0000-4000-8000-00000000000${i + 1}`, name }));

/** The curator's key. */
export const CURATOR_KEY: Submitter = {
  keyId: '00000000-0000-4000-8000-0000000000c0',
  name: 'curator@sitrep',
};
