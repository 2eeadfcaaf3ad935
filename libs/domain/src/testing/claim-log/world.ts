/**
 * The world the claim log reports on: a few hot provinces that most reports are about; in each province a dominant party, maybe a challenger, and
 * the claimants that follow it; in each district who really holds it (the truth), which now and
 * then changes; and what a claimant says about a place given the truth: parties claim what suits
 * them, observers mostly report what is. It draws from the generator's seeded stream, so the
 * order of its calls is part of every generated log.
 */
import { AssertionKind } from '../../events';
import { OBSERVERS, PARTIES } from './cast';
import { pick, shuffle } from './draws';

/** Who holds a district in the simulated world: a party, nobody clearly, or nobody at all. */
type Truth = { readonly holder: string } | 'contested' | 'none';

/** The situation in a province: who dominates, who challenges, who reports on it. */
export interface Situation {
  readonly dominant: string;
  readonly challenger: string | undefined;
  /** The claimants that report on this province (most reports come from them). */
  readonly active: readonly string[];
}

/** What an assertion says: where (a district, or the whole province) and what. */
export interface Said {
  readonly pcode: string;
  readonly kind: AssertionKind;
  readonly actor: string | null;
}

export class SimulatedWorld {
  private readonly situations = new Map<string, Situation>();
  private readonly truths = new Map<string, Truth>();
  private readonly districts = new Map<string, readonly string[]>();
  private readonly provinceWeights: readonly number[];

  constructor(
    private readonly random: () => number,
    private readonly provinces: readonly string[],
    districtsOf: (province: string) => readonly string[],
  ) {
    // A few hot provinces get most of the reports (Zipf-like, in a seeded order).
    const order = shuffle(random, [...provinces]);
    const weight = new Map(order.map((p, rank) => [p, 1 / (rank + 1) ** 0.8]));
    this.provinceWeights = provinces.map((p) => weight.get(p)!);
    for (const p of provinces) {
      this.districts.set(p, districtsOf(p));
      const dominant = random() < 0.65 ? 'taliban' : pick(random, PARTIES);
      const others = PARTIES.filter((party) => party !== dominant);
      const challenger = random() < 0.45 ? pick(random, others) : undefined;
      const observers = shuffle(random, [...OBSERVERS]).slice(0, 8 + Math.floor(random() * 7));
      const active = [dominant, ...(challenger ? [challenger] : []), ...observers];
      const situation = { dominant, challenger, active };
      this.situations.set(p, situation);
      for (const d of this.districts.get(p)!) this.truths.set(d, this.initialTruth(situation));
    }
  }

  /** The province a report is about, hot ones most often. */
  province(): string {
    const total = this.provinceWeights.reduce((a, b) => a + b, 0);
    let x = this.random() * total;
    for (let i = 0; i < this.provinces.length; i++) {
      x -= this.provinceWeights[i]!;
      if (x <= 0) return this.provinces[i]!;
    }
    return this.provinces[this.provinces.length - 1]!;
  }

  situation(province: string): Situation {
    return this.situations.get(province)!;
  }

  /** The front moves: a district of the province changes hands. */
  frontMoves(province: string): void {
    const district = pick(this.random, this.districts.get(province)!);
    this.truths.set(district, this.initialTruth(this.situation(province)));
  }

  /** What `claimant` asserts about the province or one of its districts. */
  assertion(province: string, claimant: string): Said {
    const situation = this.situation(province);
    const party = (PARTIES as readonly string[]).includes(claimant);
    // Parties now and then claim a whole province; observers speak of districts.
    const wide = this.random() < (party ? 0.25 : 0.08);
    const pcode = wide ? province : this.district(province, party ? claimant : undefined);
    const truth: Truth = wide ? { holder: situation.dominant } : this.truths.get(pcode)!;
    const [kind, actor] = party
      ? this.partySays(claimant, truth)
      : this.observerSays(situation, truth);
    return { pcode, kind, actor };
  }

  /** A party claims what suits it: control where it holds or fights, presence elsewhere. */
  private partySays(party: string, truth: Truth): [AssertionKind, string | null] {
    const k = this.random();
    if (typeof truth === 'object' && truth.holder === party)
      return k < 0.8 ? ['control', party] : ['presence', party];
    if (truth === 'contested')
      return k < 0.5 ? ['control', party] : k < 0.8 ? ['contest', null] : ['presence', party];
    return k < 0.2 ? ['control', party] : k < 0.35 ? ['contest', null] : ['presence', party];
  }

  /** An observer mostly reports what is, with some noise. */
  private observerSays(situation: Situation, truth: Truth): [AssertionKind, string | null] {
    const k = this.random();
    if (typeof truth === 'object')
      return k < 0.6
        ? ['control', truth.holder]
        : k < 0.99
          ? ['presence', truth.holder]
          : k < 0.995
            ? ['contest', null]
            : ['presence', situation.challenger ?? pick(this.random, PARTIES)];
    if (truth === 'contested') {
      const involved = situation.challenger ?? pick(this.random, PARTIES);
      return k < 0.6
        ? ['contest', null]
        : k < 0.8
          ? ['presence', situation.dominant]
          : ['presence', involved];
    }
    return k < 0.9 ? ['presence', situation.dominant] : ['contest', null];
  }

  /** A district of the province; a party mostly speaks of those it holds or fights for. */
  private district(province: string, party: string | undefined): string {
    const districts = this.districts.get(province)!;
    if (party === undefined || this.random() < 0.1) return pick(this.random, districts);
    for (let attempt = 0; attempt < 8; attempt++) {
      const d = pick(this.random, districts);
      const truth = this.truths.get(d)!;
      if (truth === 'contested' || (typeof truth === 'object' && truth.holder === party)) return d;
    }
    return pick(this.random, districts);
  }

  private initialTruth(situation: Situation): Truth {
    const t = this.random();
    if (t < 0.7) return { holder: situation.dominant };
    if (t < 0.82 && situation.challenger) return { holder: situation.challenger };
    if (t < 0.95) return 'contested';
    return 'none';
  }
}
