/**
 * Place resolution in tiers (DESIGN.md, "Place names"): p-code; exact name or alias after
 * normalisation; then a unique near match within the province given or implied by the report.
 * Anything ambiguous is refused with candidates, never guessed.
 */
import { Resolution } from './events';
import { Gazetteer, Place } from './gazetteer';

/** Case, diacritics, hyphens and spaces, doubled letters and a trailing `h` do not matter. */
export function normalisePlaceName(input: string): string {
  const folded = input
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '')
    .replace(/(\p{L})\1+/gu, '$1');
  return folded.length > 2 && folded.endsWith('h') ? folded.slice(0, -1) : folded;
}

/** Edit distance where an adjacent transposition counts once (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** How far a near match may be: one edit for short names, two for longer ones. */
export const nearMatchLimit = (normalised: string): number => (normalised.length <= 4 ? 1 : 2);

export interface Candidate extends Place {
  /** The spelling that matched: the official name, a Dari name or an alias. */
  readonly matched: string;
  readonly resolution: Resolution;
  readonly distance: number;
}

export type PlaceResolution =
  | {
      readonly kind: 'resolved';
      readonly place: Place;
      readonly resolution: Resolution;
      readonly matched: string;
    }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly Candidate[] }
  | { readonly kind: 'unknown'; readonly candidates: readonly Candidate[] };

interface Spelling {
  readonly key: string;
  readonly text: string;
  readonly place: Place;
  readonly resolution: 'name' | 'alias';
}

const PCODE = /^AF\d{2}(\d{2})?$/i;
const TIER: Record<Resolution, number> = { pcode: 0, name: 1, alias: 2, near: 3 };

/** Resolutions remembered per resolver (names repeat: the same few hundred places). */
const REMEMBERED = 10_000;

export class PlaceResolver {
  private readonly spellings: Spelling[] = [];
  private readonly byKey = new Map<string, Spelling[]>();
  private readonly remembered = new Map<string, PlaceResolution>();

  constructor(private readonly gazetteer: Gazetteer) {
    for (const p of gazetteer.provinces)
      this.add(p.pcode, p.name, 'name').add(p.pcode, p.nameDari, 'name');
    for (const d of gazetteer.districts)
      this.add(d.pcode, d.name, 'name').add(d.pcode, d.nameDari, 'name');
    for (const a of gazetteer.aliases) this.add(a.pcode, a.alias, 'alias');
  }

  private add(pcode: string, text: string, resolution: 'name' | 'alias'): this {
    const place = this.gazetteer.place(pcode);
    const key = normalisePlaceName(text);
    if (!place || !key) return this;
    const spelling = { key, text, place, resolution };
    this.spellings.push(spelling);
    this.byKey.set(key, [...(this.byKey.get(key) ?? []), spelling]);
    return this;
  }

  /**
   * Resolve one name. `province` (a p-code) limits every tier to that province and enables the
   * near-match tier; without it only p-codes and exact spellings resolve.
   */
  resolve(input: string, province?: string): PlaceResolution {
    const key = `${province ?? ''}\u0000${input}`;
    let resolution = this.remembered.get(key);
    if (!resolution) {
      if (this.remembered.size >= REMEMBERED) this.remembered.clear();
      resolution = this.resolveAnew(input, province);
      this.remembered.set(key, resolution);
    }
    return resolution;
  }

  private resolveAnew(input: string, province?: string): PlaceResolution {
    const trimmed = input.trim();
    if (PCODE.test(trimmed)) {
      const place = this.gazetteer.place(trimmed);
      if (place && (!province || place.province === province)) {
        return { kind: 'resolved', place, resolution: 'pcode', matched: place.pcode };
      }
      return { kind: 'unknown', candidates: this.rank(trimmed, province).slice(0, 5) };
    }
    const key = normalisePlaceName(trimmed);
    const inScope = (p: Place) => !province || p.province === province;

    const exact = (this.byKey.get(key) ?? []).filter((s) => inScope(s.place));
    const exactPlaces = unique(exact.map((s) => s.place));
    if (exactPlaces.length === 1) {
      const best = exact.find((s) => s.resolution === 'name') ?? exact[0]!;
      return {
        kind: 'resolved',
        place: best.place,
        resolution: best.resolution,
        matched: best.text,
      };
    }
    if (exactPlaces.length > 1) {
      return {
        kind: 'ambiguous',
        candidates: this.rank(trimmed, province).filter((c) => c.distance === 0),
      };
    }
    const ranked = this.rank(trimmed, province);
    if (province) {
      const nearest = ranked[0];
      if (nearest && nearest.distance <= nearMatchLimit(key)) {
        const tied = ranked.filter((c) => c.distance === nearest.distance);
        if (unique(tied).length === 1) {
          const place = {
            pcode: nearest.pcode,
            level: nearest.level,
            name: nearest.name,
            province: nearest.province,
          };
          return { kind: 'resolved', place, resolution: 'near', matched: nearest.matched };
        }
        return { kind: 'ambiguous', candidates: tied };
      }
    }
    // Nothing within reach: with a province, still offer its closest places to choose from.
    const nearby = ranked.length > 0 || !province ? ranked : this.closest(trimmed, province);
    return { kind: 'unknown', candidates: nearby.slice(0, 5) };
  }

  /** Every place within reach of `input`, best first: one row per place, its closest spelling. */
  rank(input: string, province?: string): Candidate[] {
    const key = normalisePlaceName(input.trim());
    return this.closest(input, province).filter(
      (c) => c.distance <= Math.max(3, Math.ceil(key.length / 2)),
    );
  }

  /** Every place (of `province`, if given), best first, however far from `input`. */
  private closest(input: string, province?: string): Candidate[] {
    const trimmed = input.trim();
    const key = normalisePlaceName(trimmed);
    const best = new Map<string, Candidate>();
    for (const s of this.spellings) {
      if (province && s.place.province !== province) continue;
      const distance = editDistance(key, s.key);
      const resolution: Resolution =
        s.place.pcode.toLowerCase() === trimmed.toLowerCase()
          ? 'pcode'
          : distance === 0
            ? s.resolution
            : 'near';
      const candidate: Candidate = {
        ...s.place,
        matched: s.text,
        resolution,
        distance: resolution === 'pcode' ? 0 : distance,
      };
      const seen = best.get(s.place.pcode);
      if (!seen || better(candidate, seen)) best.set(s.place.pcode, candidate);
    }
    return [...best.values()].sort((a, b) =>
      better(a, b) ? -1 : better(b, a) ? 1 : a.pcode.localeCompare(b.pcode),
    );
  }
}

function better(a: Candidate, b: Candidate): boolean {
  return (
    a.distance < b.distance ||
    (a.distance === b.distance && TIER[a.resolution] < TIER[b.resolution])
  );
}

function unique<T extends Place>(places: readonly T[]): Place[] {
  return [...new Map(places.map((p) => [p.pcode, p as Place])).values()];
}
