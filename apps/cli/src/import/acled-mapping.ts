/**
 * ACLED's export (one event a row, its documented columns) as Sitrep reports: one report per
 * event, one claim by the claimant `acled`, of the kind its sub-event type says. Pure: a row in,
 * a report (the wire shape of `POST /v1/reports`) or the reason it cannot be mapped out. The
 * README's "Bulk import" section documents this mapping field by field; keep them in step.
 */

/** Columns the mapping reads; every other column of the export is ignored. */
export const ACLED_REQUIRED = [
  'event_id_cnty',
  'event_date',
  'sub_event_type',
  'actor1',
  'admin1',
  'admin2',
  'location',
] as const;

export const ACLED_CLAIMANT = 'acled';
export const ACLED_OUTLET = 'ACLED';

type Kind = 'control' | 'presence' | 'contest';

/** Sub-event types that say something about control or presence, and the claim each becomes. */
export const ACLED_KINDS: Readonly<Record<string, Kind>> = {
  'Non-state actor overtakes territory': 'control',
  'Government regains territory': 'control',
  'Non-violent transfer of territory': 'control',
  'Headquarters or base established': 'presence',
  Arrests: 'presence',
  Attack: 'presence',
  'Abduction/forced disappearance': 'presence',
  'Looting/property destruction': 'presence',
  'Armed clash': 'contest',
};

/** ACLED's time_precision: 1 the day is known, 2 the week, 3 the month. */
const PRECISION: Readonly<Record<string, 'day' | 'approximate'>> = {
  '1': 'day',
  '2': 'approximate',
  '3': 'approximate',
};

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

export type AcledRow = Readonly<Record<string, string | undefined>>;

export interface AcledClaim {
  readonly claimant: string;
  readonly speaker?: string;
  readonly kind: Kind;
  readonly actor?: string;
  readonly place: string;
  readonly province?: string;
  readonly observedAt: string;
  readonly precision: 'day' | 'approximate';
  readonly quote?: string;
}

export interface AcledReport {
  readonly reportId: string;
  readonly source: { readonly outlet: string };
  readonly claims: readonly [AcledClaim];
}

export type AcledMapping =
  { readonly report: AcledReport } | { readonly reason: string; readonly field: string };

/**
 * An actor's slug from ACLED's name: the acronym before a colon ("NRF: National Resistance
 * Front" → `nrf`), without parenthesised qualifiers ("Islamic State (Afghanistan)" →
 * `islamic-state`), diacritics dropped, lower-case, hyphens for anything else, at most 64.
 */
export function actorSlug(name: string): string {
  const head = name.includes(':') ? name.slice(0, name.indexOf(':')) : name;
  return head
    .replace(/\([^)]*\)/g, ' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** ACLED's event_date, `2021-09-05` or `05 September 2021`, as that day at 00:00 UTC. */
export function acledDay(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const written = /^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})$/.exec(text);
  let day: string;
  if (iso) day = `${iso[1]}-${iso[2]}-${iso[3]}`;
  else if (written) {
    const month = MONTHS.findIndex((m) => m.startsWith(written[2]!.toLowerCase()));
    if (month < 0 || written[2]!.length < 3) return undefined;
    day = `${written[3]}-${String(month + 1).padStart(2, '0')}-${written[1]!.padStart(2, '0')}`;
  } else return undefined;
  const time = `${day}T00:00:00Z`;
  const parsed = new Date(time);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day
    ? undefined
    : time;
}

const cut = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

/** The report of one ACLED row, or why it has none. */
export function acledReport(row: AcledRow): AcledMapping {
  const value = (column: string) => (row[column] ?? '').trim();
  const refuse = (field: string, reason: string): AcledMapping => ({ field, reason });

  const eventId = value('event_id_cnty');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(eventId))
    return refuse('event_id_cnty', `event_id_cnty "${eventId}" is missing or not an ACLED id`);
  const country = value('country');
  if (country && country.toLowerCase() !== 'afghanistan')
    return refuse('country', `${country}: the gazetteer covers Afghanistan only`);
  const subEvent = value('sub_event_type');
  const kind = ACLED_KINDS[subEvent];
  if (!kind)
    return refuse(
      'sub_event_type',
      `sub_event_type "${subEvent}" says nothing about who controls or is present in a place (mapped: ${Object.keys(ACLED_KINDS).join(', ')})`,
    );
  const observedAt = acledDay(value('event_date'));
  if (!observedAt)
    return refuse(
      'event_date',
      `event_date "${value('event_date')}" is not a date (2021-09-05 or 05 September 2021)`,
    );
  const actorName = value('actor1');
  const actor = actorSlug(actorName);
  if (kind !== 'contest' && !actor)
    return refuse('actor1', `actor1 "${actorName}" is empty or has no letters or digits`);
  if (kind !== 'contest' && /^unidentified\b/i.test(actorName))
    return refuse('actor1', `actor1 "${actorName}" is unidentified: a claim needs a named actor`);
  const district = value('admin2') || value('location');
  if (!district)
    return refuse(
      'admin2',
      'admin2 and location are both empty: a claim needs a district (a province-wide claim is never derived from one event)',
    );
  const province = value('admin1');
  const speaker = value('source');
  const notes = value('notes');

  return {
    report: {
      reportId: `acled:${eventId}`,
      source: { outlet: ACLED_OUTLET },
      claims: [
        {
          claimant: ACLED_CLAIMANT,
          ...(speaker && { speaker: cut(speaker, 200) }),
          kind,
          ...(kind !== 'contest' && { actor }),
          place: cut(district, 120),
          ...(province && { province: cut(province, 120) }),
          observedAt,
          precision: PRECISION[value('time_precision')] ?? 'day',
          ...(notes && { quote: cut(notes, 1000) }),
        },
      ],
    },
  };
}
