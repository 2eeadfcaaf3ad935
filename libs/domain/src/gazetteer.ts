/** The place registry: provinces (ADM1) and districts (ADM2) by OCHA p-code, with other spellings. */
import { ClaimEvent, PlaceLevel } from './events';

export interface ProvinceRecord {
  readonly pcode: string;
  readonly name: string;
  readonly nameDari: string;
}
export interface DistrictRecord {
  readonly pcode: string;
  readonly province: string;
  readonly name: string;
  readonly nameDari: string;
}
export interface AliasRecord {
  readonly pcode: string;
  readonly alias: string;
  readonly source: string;
}

export interface Place {
  readonly pcode: string;
  readonly level: PlaceLevel;
  readonly name: string;
  /** The province p-code; a province's own p-code for a province. */
  readonly province: string;
}

export class Gazetteer {
  private readonly places = new Map<string, Place>();
  private readonly districtsByProvince = new Map<string, string[]>();

  constructor(
    readonly provinces: readonly ProvinceRecord[],
    readonly districts: readonly DistrictRecord[],
    readonly aliases: readonly AliasRecord[],
  ) {
    for (const p of provinces) {
      this.places.set(p.pcode, {
        pcode: p.pcode,
        level: 'province',
        name: p.name,
        province: p.pcode,
      });
      this.districtsByProvince.set(p.pcode, []);
    }
    for (const d of districts) {
      this.places.set(d.pcode, {
        pcode: d.pcode,
        level: 'district',
        name: d.name,
        province: d.province,
      });
      this.districtsByProvince.get(d.province)?.push(d.pcode);
    }
  }

  place(pcode: string): Place | undefined {
    return this.places.get(pcode.toUpperCase());
  }

  /** The districts a place covers: itself for a district, all of its districts for a province. */
  districtsCoveredBy(pcode: string): readonly string[] {
    const place = this.place(pcode);
    if (!place) return [];
    return place.level === 'district'
      ? [place.pcode]
      : (this.districtsByProvince.get(place.pcode) ?? []);
  }

  /** Does the place `cover` (a province or district) include district `district`? */
  covers(cover: string, district: string): boolean {
    const place = this.place(district);
    return cover === district || (place !== undefined && place.province === cover);
  }

  allPlaces(): IterableIterator<Place> {
    return this.places.values();
  }
}

/** Why an event cannot be placed on any district of the gazetteer, if it cannot. */
export function placeProblem(event: ClaimEvent, gazetteer: Gazetteer): string | undefined {
  const place = gazetteer.place(event.place.pcode);
  if (!place) return `unknown place ${event.place.pcode}`;
  if (place.province !== event.place.province) {
    return `place ${event.place.pcode} is not in province ${event.place.province}`;
  }
  return undefined;
}
