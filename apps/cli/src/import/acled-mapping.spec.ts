import { acledDay, acledReport, AcledRow, actorSlug } from './acled-mapping';

const row = (overrides: Record<string, string> = {}): AcledRow => ({
  event_id_cnty: 'AFG52311',
  event_date: '2021-09-05',
  time_precision: '1',
  event_type: 'Battles',
  sub_event_type: 'Non-state actor overtakes territory',
  actor1: 'Taliban',
  actor2: 'NRF: National Resistance Front',
  country: 'Afghanistan',
  admin1: 'Panjshir',
  admin2: 'Rukha',
  location: 'Rukha',
  source: 'Twitter; Pajhwok Afghan News',
  notes: 'Taliban forces took the district centre of Rukha.',
  ...overrides,
});

describe('given an ACLED row about territory', () => {
  it('then one control claim by acled, actor from actor1, place from admin2 within admin1', () => {
    expect(acledReport(row())).toEqual({
      report: {
        reportId: 'acled:AFG52311',
        source: { outlet: 'ACLED' },
        claims: [
          {
            claimant: 'acled',
            speaker: 'Twitter; Pajhwok Afghan News',
            kind: 'control',
            actor: 'taliban',
            place: 'Rukha',
            province: 'Panjshir',
            observedAt: '2021-09-05T00:00:00Z',
            precision: 'day',
            quote: 'Taliban forces took the district centre of Rukha.',
          },
        ],
      },
    });
  });

  it('then the same row always gives the same report id (re-runs are idempotent)', () => {
    expect(acledReport(row())).toEqual(acledReport(row()));
  });

  it.each([
    ['Government regains territory', 'control'],
    ['Non-violent transfer of territory', 'control'],
    ['Headquarters or base established', 'presence'],
    ['Arrests', 'presence'],
    ['Armed clash', 'contest'],
  ])('then "%s" becomes a %s claim', (subEvent, kind) => {
    const mapped = acledReport(row({ sub_event_type: subEvent }));
    expect('report' in mapped && mapped.report.claims[0].kind).toBe(kind);
    if (kind === 'contest')
      expect('report' in mapped && mapped.report.claims[0].actor).toBeUndefined();
  });

  it('then without admin2 the location names the district, and a week-precise date is approximate', () => {
    const mapped = acledReport(row({ admin2: '', location: 'Anabah', time_precision: '2' }));
    expect('report' in mapped && mapped.report.claims[0]).toMatchObject({
      place: 'Anabah',
      province: 'Panjshir',
      precision: 'approximate',
    });
  });
});

describe('given rows that cannot be mapped', () => {
  it.each([
    [{ sub_event_type: 'Air/drone strike' }, 'sub_event_type'],
    [{ sub_event_type: 'Peaceful protest' }, 'sub_event_type'],
    [{ event_id_cnty: '' }, 'event_id_cnty'],
    [{ event_id_cnty: 'AFG 1/2' }, 'event_id_cnty'],
    [{ event_date: '2021-02-30' }, 'event_date'],
    [{ event_date: 'yesterday' }, 'event_date'],
    [{ actor1: 'Unidentified Armed Group (Afghanistan)' }, 'actor1'],
    [{ actor1: '' }, 'actor1'],
    [{ admin2: '', location: '' }, 'admin2'],
    [{ country: 'Pakistan' }, 'country'],
  ])('then %j is refused, naming %s', (overrides, field) => {
    const mapped = acledReport(row(overrides));
    expect(mapped).toEqual({ field, reason: expect.any(String) });
  });
});

describe('given ACLED names and dates', () => {
  it.each([
    ['Taliban', 'taliban'],
    ['NRF: National Resistance Front', 'nrf'],
    ['Islamic State (Afghanistan)', 'islamic-state'],
    ['Military Forces of Afghanistan (2004-2021)', 'military-forces-of-afghanistan'],
    ['Hezb-e-Islami Gulbuddin', 'hezb-e-islami-gulbuddin'],
  ])('then actor "%s" is the slug %s', (name, slug) => {
    expect(actorSlug(name)).toBe(slug);
  });

  it('then both date forms of the exports are read as the day at 00:00 UTC', () => {
    expect(acledDay('2021-09-05')).toBe('2021-09-05T00:00:00Z');
    expect(acledDay('05 September 2021')).toBe('2021-09-05T00:00:00Z');
    expect(acledDay('5-Sep-2021')).toBe('2021-09-05T00:00:00Z');
    expect(acledDay('31 June 2021')).toBeUndefined();
  });

  it('then long notes and sources are cut to what the API takes', () => {
    const mapped = acledReport(row({ notes: 'n'.repeat(5000), source: 's'.repeat(500) }));
    const claim = 'report' in mapped ? mapped.report.claims[0] : undefined;
    expect(claim?.quote).toHaveLength(1000);
    expect(claim?.speaker).toHaveLength(200);
  });
});
