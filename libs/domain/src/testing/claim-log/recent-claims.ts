/**
 * The recent claims of each province, which later claims dispute, corroborate or retract: a ring
 * of a few hundred per province, replaced at random once full (draws from the generator's stream).
 */
import { PlaceRef } from '../../events';
import { pick } from './draws';

const RING = 256;

/** A recent claim of a province, as a target. */
export interface Recent {
  readonly id: string;
  readonly claimant: string;
  readonly observedAt: string;
  readonly place: PlaceRef;
  readonly assertion: boolean;
}

export class RecentClaims {
  private readonly byProvince = new Map<string, Recent[]>();

  constructor(private readonly random: () => number) {}

  remember(province: string, claim: Recent): void {
    const list = this.byProvince.get(province) ?? [];
    if (list.length >= RING) list[Math.floor(this.random() * RING)] = claim;
    else list.push(claim);
    this.byProvince.set(province, list);
  }

  /** A random recent claim of the province that satisfies `test`, if one is found quickly. */
  where(province: string, test: (c: Recent) => boolean): Recent | undefined {
    const recent = this.byProvince.get(province);
    if (!recent || recent.length === 0) return undefined;
    for (let attempt = 0; attempt < 24; attempt++) {
      const candidate = pick(this.random, recent);
      if (test(candidate)) return candidate;
    }
    return recent.find(test);
  }
}
