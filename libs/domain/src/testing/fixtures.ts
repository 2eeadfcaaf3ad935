/**
 * Test fixtures for the domain: a small in-memory gazetteer built from real rows of
 * data/gazetteer/*.csv, and builders for logged claim events with explicit log positions.
 * No I/O: unit tests never read the CSV files.
 */
import {
  claimAsserted,
  claimCorroborated,
  claimDisputed,
  claimRetracted,
  claimRetractedByCurator,
  EventEnvelope,
} from '../claim-events';
import {
  AssertionKind,
  ClaimTarget,
  Degree,
  LoggedEvent,
  PlaceRef,
  Precision,
  Source,
  Submitter,
} from '../events';
import { AliasRecord, DistrictRecord, Gazetteer, ProvinceRecord } from '../gazetteer';
import { DistrictRef } from '../status';

// ---------------------------------------------------------------------------------------------
// Gazetteer (rows copied from data/gazetteer/*.csv)
// ---------------------------------------------------------------------------------------------

export const KABUL = 'AF01';
export const PANJSHIR = 'AF08';
export const BAGHLAN = 'AF09';

export const BAZARAK = 'AF0801';
export const RUKHA = 'AF0802';
export const DARA = 'AF0803';
export const KHENJ = 'AF0804';
export const ANAWA = 'AF0805';
export const SHUTUL = 'AF0806';
export const PARYAN = 'AF0807';

export const ANDARAB = 'AF0907';
export const DEH_SALAH = 'AF0908';
export const PUL_E_HISAR = 'AF0912';

export const provinceRows: readonly ProvinceRecord[] = [
  { pcode: 'AF01', name: 'Kabul', nameDari: 'کابل' },
  { pcode: 'AF08', name: 'Panjsher', nameDari: 'پنجشیر' },
  { pcode: 'AF09', name: 'Baghlan', nameDari: 'بغلان' },
];

export const districtRows: readonly DistrictRecord[] = [
  { pcode: 'AF0101', province: 'AF01', name: 'Kabul', nameDari: 'کابل' },
  { pcode: 'AF0102', province: 'AF01', name: 'Paghman', nameDari: 'پغمان' },
  { pcode: 'AF0801', province: 'AF08', name: 'Bazarak', nameDari: 'بازارک' },
  { pcode: 'AF0802', province: 'AF08', name: 'Rukha', nameDari: 'رُخه' },
  { pcode: 'AF0803', province: 'AF08', name: 'Dara', nameDari: 'دره' },
  { pcode: 'AF0804', province: 'AF08', name: 'Khenj', nameDari: 'خنج (حصه اول)' },
  { pcode: 'AF0805', province: 'AF08', name: 'Anawa', nameDari: 'عنابه' },
  { pcode: 'AF0806', province: 'AF08', name: 'Shutul', nameDari: 'شُتل' },
  { pcode: 'AF0807', province: 'AF08', name: 'Paryan', nameDari: 'پریان' },
  { pcode: 'AF0901', province: 'AF09', name: 'Pul-e-Khumri', nameDari: 'پلخمری' },
  { pcode: 'AF0906', province: 'AF09', name: 'Khinjan', nameDari: 'خنجان' },
  { pcode: 'AF0907', province: 'AF09', name: 'Andarab', nameDari: 'اندراب' },
  { pcode: 'AF0908', province: 'AF09', name: 'Deh Salah', nameDari: 'ده صلاح' },
  { pcode: 'AF0912', province: 'AF09', name: 'Pul-e-Hisar', nameDari: 'پل حصار' },
];

export const aliasRows: readonly AliasRecord[] = [
  { pcode: 'AF08', alias: 'Panjshir', source: 'acled-hdx' },
  { pcode: 'AF0803', alias: 'Darah', source: 'acled-hdx' },
  { pcode: 'AF0804', alias: 'Hissa-e-Awal', source: 'acled-hdx' },
  { pcode: 'AF0804', alias: 'Khinj', source: 'acled-hdx' },
  { pcode: 'AF0805', alias: 'Onaba', source: 'iec-2019' },
  { pcode: 'AF0805', alias: 'Unaba', source: 'acled-hdx' },
  { pcode: 'AF0901', alias: 'Pul-i-Khumri', source: 'acled-hdx' },
  { pcode: 'AF0907', alias: 'Banu', source: 'ocha-cod-ab-2018-alt' },
  { pcode: 'AF0908', alias: 'Dehsalah', source: 'iec-2019' },
  { pcode: 'AF0908', alias: 'Dih Salah', source: 'geoboundaries-2023' },
  { pcode: 'AF0912', alias: 'Puli Hisar', source: 'geoboundaries-2023' },
];

export const gazetteer = new Gazetteer(provinceRows, districtRows, aliasRows);

/** The districts of a province in the fixture, in gazetteer order. */
export const districtsOf = (province: string): readonly string[] =>
  gazetteer.districtsCoveredBy(province);

/** A district as the status function wants it. */
export function districtRef(pcode: string): DistrictRef {
  const place = gazetteer.place(pcode);
  if (!place || place.level !== 'district') throw new Error(`no district ${pcode} in fixture`);
  return { pcode: place.pcode, province: place.province };
}

/** A place as recorded on an event: resolved by p-code unless told otherwise. */
export function placeRef(pcode: string, input: string = pcode): PlaceRef {
  const place = gazetteer.place(pcode);
  if (!place) throw new Error(`no place ${pcode} in fixture`);
  return { ...place, input, resolution: input === pcode ? 'pcode' : 'name' };
}

// ---------------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------------

const iso = (month: number, day: number, hour: number, minute: number): string =>
  new Date(Date.UTC(2021, month - 1, day, hour, minute)).toISOString();
/** 2021-08-`day` at `hour`:`minute` UTC. */
export const aug = (day: number, hour = 0, minute = 0): string => iso(8, day, hour, minute);
/** 2021-09-`day` at `hour`:`minute` UTC. */
export const sep = (day: number, hour = 0, minute = 0): string => iso(9, day, hour, minute);

// ---------------------------------------------------------------------------------------------
// Event builders
// ---------------------------------------------------------------------------------------------

export const TEST_SOURCE: Source = { outlet: 'Test wire', reliability: 'C' };
/** The key the fixtures' events are submitted with, unless told otherwise. */
export const TEST_SUBMITTER: Submitter = { keyId: 'test-key', name: 'test desk' };

interface Common {
  /** The claim id; `r1#0` means report `r1`, index 0 (unless reportId/index say otherwise). */
  readonly id: string;
  readonly claimant: string;
  readonly observedAt: string;
  /** Defaults to observedAt. */
  readonly recordedAt?: string;
  /** The log offset; the partition is 0 unless given. */
  readonly offset: number;
  readonly partition?: number;
  readonly reportId?: string;
  readonly index?: number;
  readonly source?: Source;
  readonly submittedBy?: Submitter;
}

type TargetRef = LoggedEvent | string;

function envelope(o: Common, place: PlaceRef): EventEnvelope {
  const [report, index] = o.id.split('#');
  return {
    id: o.id,
    reportId: o.reportId ?? report ?? o.id,
    index: o.index ?? Number(index ?? 0),
    reportDigest: `digest-of-${o.reportId ?? report ?? o.id}`,
    claimant: o.claimant,
    observedAt: o.observedAt,
    recordedAt: o.recordedAt ?? o.observedAt,
    place,
    source: o.source ?? TEST_SOURCE,
    submittedBy: o.submittedBy ?? TEST_SUBMITTER,
  };
}

const position = (o: Pick<Common, 'offset' | 'partition'>) => ({
  partition: o.partition ?? 0,
  offset: o.offset,
});
const targetId = (t: TargetRef): string => (typeof t === 'string' ? t : t.event.id);

/** The place of an event that targets a claim: the target's place unless given. */
function targetPlace(t: TargetRef, place: string | undefined): PlaceRef {
  if (place) return placeRef(place);
  if (typeof t !== 'string') return t.event.place;
  throw new Error(`give the place of an event targeting ${t} by id`);
}

/** A `control` (default), `presence` or `contest` claim; the actor defaults to the claimant. */
export function assertion(
  o: Common & {
    readonly place: string;
    readonly kind?: AssertionKind;
    readonly actor?: string | null;
    readonly precision?: Precision;
    readonly input?: string;
  },
): LoggedEvent {
  const kind = o.kind ?? 'control';
  const actor = o.actor !== undefined ? o.actor : kind === 'contest' ? null : o.claimant;
  return {
    event: claimAsserted(envelope(o, placeRef(o.place, o.input)), {
      kind,
      actor,
      precision: o.precision ?? 'exact',
    }),
    position: position(o),
  };
}

/** A dispute of one claim (a logged event or a claim id), or blanket: `{ claimant, place }`. */
export function dispute(
  o: Common & {
    readonly target: TargetRef | { readonly claimant: string; readonly place: string };
    readonly place?: string;
  },
): LoggedEvent {
  const t = o.target;
  const blanket = typeof t !== 'string' && !('event' in t);
  const target: ClaimTarget = blanket
    ? { claimant: t.claimant, place: t.place }
    : { claimId: targetId(t) };
  const place = blanket ? placeRef(o.place ?? t.place) : targetPlace(t, o.place);
  return { event: claimDisputed(envelope(o, place), { target }), position: position(o) };
}

export function corroboration(
  o: Common & { readonly target: TargetRef; readonly degree?: Degree; readonly place?: string },
): LoggedEvent {
  return {
    event: claimCorroborated(envelope(o, targetPlace(o.target, o.place)), {
      target: { claimId: targetId(o.target) },
      degree: o.degree ?? 'full',
    }),
    position: position(o),
  };
}

/** The claimant withdraws a claim (only its own claims are withdrawn). */
export function retraction(
  o: Common & { readonly target: TargetRef; readonly place?: string },
): LoggedEvent {
  return {
    event: claimRetracted(envelope(o, targetPlace(o.target, o.place)), {
      target: { claimId: targetId(o.target) },
    }),
    position: position(o),
  };
}

/** A curator withdraws any claim, with a reason. The claimant defaults to `curator`. */
export function curatorRetraction(
  o: Omit<Common, 'claimant'> & {
    readonly target: TargetRef;
    readonly claimant?: string;
    readonly reason?: string;
    readonly curator?: string;
    readonly place?: string;
  },
): LoggedEvent {
  const claimant = o.claimant ?? 'curator';
  return {
    event: claimRetractedByCurator(envelope({ ...o, claimant }, targetPlace(o.target, o.place)), {
      target: { claimId: targetId(o.target) },
      reason: o.reason ?? 'entered against the wrong place',
      curator: o.curator ?? 'curator@sitrep',
    }),
    position: position(o),
  };
}

/** The same events at new log positions: offset = index in the array, on one partition. */
export const relog = (events: readonly LoggedEvent[], partition = 0): LoggedEvent[] =>
  events.map((e, offset) => ({ event: e.event, position: { partition, offset } }));

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy (Fisher–Yates) driven by `random`. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The worked example of DESIGN.md (Baghlan's Andarab valley)
// ---------------------------------------------------------------------------------------------

/** Reports r1..r4 of the worked example, in log order, with both clocks set. */
export function workedExample() {
  const r1 = [
    assertion({
      id: 'r1#0',
      claimant: 'nrf',
      place: DEH_SALAH,
      observedAt: aug(20, 6),
      recordedAt: aug(20, 10),
      offset: 0,
    }),
    assertion({
      id: 'r1#1',
      claimant: 'nrf',
      place: PUL_E_HISAR,
      observedAt: aug(20, 6),
      recordedAt: aug(20, 10),
      offset: 1,
    }),
  ];
  const r2 = [
    assertion({
      id: 'r2#0',
      claimant: 'taliban',
      place: BAGHLAN,
      observedAt: aug(22, 6),
      recordedAt: aug(22, 9),
      offset: 2,
    }),
  ];
  const r3 = [
    dispute({
      id: 'r3#0',
      claimant: 'nrf',
      target: { claimant: 'taliban', place: BAGHLAN },
      observedAt: aug(22, 6),
      recordedAt: aug(22, 15),
      offset: 3,
    }),
  ];
  const r4 = [
    corroboration({
      id: 'r4#0',
      claimant: 'local-elders',
      target: r1[1]!,
      degree: 'full',
      observedAt: aug(24, 12),
      recordedAt: aug(25, 8),
      offset: 4,
    }),
  ];
  return { r1, r2, r3, r4, all: [...r1, ...r2, ...r3, ...r4] };
}
