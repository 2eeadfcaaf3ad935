/**
 * A realistic claim log for benchmarks and tests, generated from a seed: the same seed and size give the
 * same messages. Every message is a valid envelope exactly as the API writes it (ids from
 * the API's claim ids and digests, places from the gazetteer, the report's digest, headers `type` and `schema`),
 * keyed by province p-code. The mix: control, presence and contest assertions at district and
 * province level by many claimants, explicit and blanket disputes, full and partial
 * corroborations, own retractions and curator retractions, late reports (observed hours or days
 * before they were recorded, so out of order), about 3% duplicates of earlier claims, and a few
 * assertions in the old schema 1 (no `precision`).
 */
import {
  claimAsserted,
  claimCorroborated,
  claimDisputed,
  claimRetracted,
  claimRetractedByCurator,
  EventEnvelope,
} from '../../claim-events';
import { SUBMITTED_BY_SINCE } from '../../codec';
import {
  CURATION_SOURCE,
  CURATOR_CLAIMANT,
  curatorRetractionReportId,
} from '../../decide-curator-retraction';
import { ClaimIds } from '../../decision-context';
import { AssertionKind, ClaimEvent, PlaceRef, Precision, Source } from '../../events';
import { Gazetteer } from '../../gazetteer';
import { prng } from '../fixtures';
import { legacyEncoding } from '../legacy';
import {
  CLAIMANTS,
  CURATOR_KEY,
  DESKS,
  OBSERVERS,
  OUTLETS,
  PARTIES,
  QUOTES,
  REASONS,
  SPEAKERS,
} from './cast';

export interface GeneratedMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: { readonly type: string; readonly schema: string };
  /** The claim id; a duplicate repeats an earlier message with the same id. */
  readonly id: string;
  readonly duplicate: boolean;
}

/** A claim of a report: its input (for the report's digest) and how to make its event. */
interface Claim {
  readonly input: Record<string, unknown>;
  readonly claimant: string;
  readonly observedAt: string;
  readonly place: PlaceRef;
  readonly make: (envelope: EventEnvelope) => ClaimEvent;
  /** Written in assertion schema 1 (before `precision`). */
  readonly v1?: boolean;
}

/** Recent claims of a province, for targets. */
interface Recent {
  readonly id: string;
  readonly claimant: string;
  readonly observedAt: string;
  readonly place: PlaceRef;
  readonly assertion: boolean;
}

/** Who holds a district in the simulated world: a party, nobody clearly, or nobody at all. */
type Truth = { readonly holder: string } | 'contested' | 'none';

/** The situation in a province: who dominates, who challenges, who reports on it. */
interface Situation {
  readonly dominant: string;
  readonly challenger: string | undefined;
  /** The claimants that report on this province (most reports come from them). */
  readonly active: readonly string[];
}

const RING = 256;
const DUPLICATE_POOL = 50_000;

export interface ClaimLogOptions {
  readonly events: number;
  readonly seed: number;
  /** recordedAt of the first report; the log spans `days` days of system time. */
  readonly start?: string;
  readonly days?: number;
}

/**
 * Generates the log, chunk by chunk: `next(n)` returns up to n messages (fewer at the end).
 * About 3% of the messages are duplicates of earlier claims (same id, same bytes).
 */
export class ClaimLogGenerator {
  private readonly random: () => number;
  private readonly provinces: readonly string[];
  private readonly provinceWeights: readonly number[];
  private readonly districts = new Map<string, readonly string[]>();
  private readonly aliases = new Map<string, string[]>();
  private readonly recent = new Map<string, Recent[]>();
  private readonly sent: GeneratedMessage[] = [];
  private readonly curated = new Set<string>();
  private readonly situations = new Map<string, Situation>();
  private readonly truths = new Map<string, Truth>();
  private produced = 0;
  private reports = 0;
  private clock: number;
  private readonly step: number;
  /** Counts by kind, for the summary. */
  readonly counts: Record<string, number> = {};

  constructor(
    private readonly gazetteer: Gazetteer,
    private readonly ids: ClaimIds,
    private readonly options: ClaimLogOptions,
  ) {
    this.random = prng(options.seed);
    this.clock = Date.parse(options.start ?? '2021-06-01T00:00:00Z');
    // About 1.8 claims per report on average; spread the reports over the span.
    this.step = ((options.days ?? 180) * 86_400_000 * 1.8) / Math.max(1, options.events);
    this.provinces = gazetteer.provinces.map((p) => p.pcode);
    // A few hot provinces get most of the reports (Zipf-like, in a seeded order).
    const order = this.shuffle([...this.provinces]);
    const weight = new Map(order.map((p, rank) => [p, 1 / (rank + 1) ** 0.8]));
    this.provinceWeights = this.provinces.map((p) => weight.get(p)!);
    for (const p of this.provinces) {
      this.districts.set(p, gazetteer.districtsCoveredBy(p));
      const dominant = this.random() < 0.65 ? 'taliban' : this.pick(PARTIES);
      const others = PARTIES.filter((party) => party !== dominant);
      const challenger = this.random() < 0.45 ? this.pick(others) : undefined;
      const observers = this.shuffle([...OBSERVERS]).slice(0, 8 + Math.floor(this.random() * 7));
      const active = [dominant, ...(challenger ? [challenger] : []), ...observers];
      const situation = { dominant, challenger, active };
      this.situations.set(p, situation);
      for (const d of this.districts.get(p)!) this.truths.set(d, this.initialTruth(situation));
    }
    for (const a of gazetteer.aliases) {
      const list = this.aliases.get(a.pcode) ?? [];
      list.push(a.alias);
      this.aliases.set(a.pcode, list);
    }
  }

  get done(): boolean {
    return this.produced >= this.options.events;
  }

  /** Up to `n` more messages. */
  next(n: number): GeneratedMessage[] {
    const out: GeneratedMessage[] = [];
    while (out.length < n && this.produced < this.options.events) {
      // A report has 1.8 claims on average: 5.3% of draws make 3% of the messages duplicates.
      if (this.sent.length > 100 && this.random() < 0.053) {
        const earlier = this.sent[Math.floor(this.random() * this.sent.length)]!;
        out.push({ ...earlier, duplicate: true });
        this.produced += 1;
        this.count('duplicate');
        continue;
      }
      for (const message of this.report(
        Math.min(n - out.length, this.options.events - this.produced),
      )) {
        out.push(message);
        this.produced += 1;
        if (this.sent.length < DUPLICATE_POOL) this.sent.push(message);
        else this.sent[Math.floor(this.random() * DUPLICATE_POOL)] = message;
      }
    }
    return out;
  }

  // ---- one report ------------------------------------------------------------------------

  private report(room: number): GeneratedMessage[] {
    const r = this.random;
    this.reports += 1;
    this.clock += this.step * (0.2 + 1.6 * r());
    const recordedAt = new Date(Math.floor(this.clock)).toISOString();
    const province = this.weightedProvince();
    if (r() < 0.006) {
      const retraction = this.curatorRetraction(province, recordedAt);
      if (retraction) return [retraction];
    }
    const reportId = `bench-${this.options.seed}-${this.reports}`;
    const outlet = this.pick(OUTLETS);
    const publishedAt = new Date(Math.floor(this.clock - r() * 3_600_000)).toISOString();
    const source: Source = {
      outlet: outlet.outlet,
      ...(r() < 0.7 && { url: `https://${outlet.host}/${reportId}` }),
      publishedAt,
      reliability: outlet.reliability,
    };
    // Now and then the front moves: a district changes hands.
    if (r() < 0.004) {
      const district = this.pick(this.districts.get(province)!);
      this.truths.set(district, this.initialTruth(this.situations.get(province)!));
    }
    const size = Math.min(room, r() < 0.45 ? 1 : r() < 0.7 ? 2 : r() < 0.9 ? 3 : 4);
    // Plan the claims first (inputs and events), then digest the report as the API does.
    const active = this.situations.get(province)!.active;
    const claimant = r() < 0.97 ? this.pick(active) : this.pick(CLAIMANTS);
    const planned: Claim[] = [];
    for (let index = 0; index < size; index++) {
      const by = index === 0 || r() < 0.3 ? claimant : this.pick(active);
      planned.push(this.claim(province, by, index === 0));
    }
    const reportDigest = this.ids.digest({ reportId, source, claims: planned.map((c) => c.input) });
    // About 1% of reports were written before events named their submitter.
    const old = r() < 0.01;
    const submittedBy = this.pick(DESKS);
    return planned.map((claim, index) => {
      const event = claim.make({
        id: this.ids.claimId(reportId, index),
        reportId,
        index,
        reportDigest,
        claimant: claim.claimant,
        observedAt: claim.observedAt,
        recordedAt,
        place: claim.place,
        source,
        submittedBy,
      });
      if (old) this.count('before-submittedBy');
      return this.message(event, claim.v1 ? 1 : old ? olderSchema(event) : undefined);
    });
  }

  /**
   * A curator (admin key) withdraws any recent claim of the province, with a reason: a one-claim
   * "report" of its own, as POST /v1/claims/{claimId}/retractions writes it.
   */
  private curatorRetraction(province: string, recordedAt: string): GeneratedMessage | undefined {
    const target = this.recentWhere(
      province,
      (c) => c.claimant !== 'curator' && !this.curated.has(c.id),
    );
    if (!target) return undefined;
    // Retracting the same claim again would be a resubmission (same id): the API writes nothing.
    this.curated.add(target.id);
    const reason = this.pick(REASONS);
    const reportId = curatorRetractionReportId(target.id);
    this.count('curator-retract');
    return this.message(
      claimRetractedByCurator(
        {
          id: this.ids.claimId(reportId, 0),
          reportId,
          index: 0,
          reportDigest: this.ids.digest({ claimId: target.id, reason }),
          claimant: CURATOR_CLAIMANT,
          observedAt: target.observedAt,
          recordedAt,
          place: target.place,
          source: CURATION_SOURCE,
          submittedBy: CURATOR_KEY,
        },
        { target: { claimId: target.id }, reason, curator: CURATOR_KEY.name },
      ),
    );
  }

  /** The message of one event, in the current schema or an older one. */
  private message(event: ClaimEvent, schema?: number): GeneratedMessage {
    this.remember(event.place.province, {
      id: event.id,
      claimant: event.claimant,
      observedAt: event.observedAt,
      place: event.place,
      assertion: event.type === 'claim.asserted',
    });
    const value = JSON.stringify(schema === undefined ? event : legacyEncoding(event, schema));
    return {
      key: event.place.province,
      value,
      headers: { type: event.type, schema: String(schema ?? event.schema) },
      id: event.id,
      duplicate: false,
    };
  }

  /** One claim of a report: its input (for the report's digest) and its event's fields. */
  private claim(province: string, claimant: string, first: boolean): Claim {
    const r = this.random();
    const observedAt = this.observedAt();
    const statement = {
      ...(this.random() < 0.6 && { speaker: this.pick(SPEAKERS) }),
      ...(this.random() < 0.8 && { credibility: 1 + Math.floor(this.random() * 6) }),
      ...(this.random() < 0.25 && { quote: this.pick(QUOTES) }),
    };
    const common = { claimant, observedAt, ...statement };
    if (r < 0.6) return this.assertion(province, claimant, observedAt, statement);
    const other =
      r < 0.87 && this.recentWhere(province, (c) => c.assertion && c.claimant !== claimant);
    if (r < 0.69 && other) {
      // Explicit dispute of another claimant's assertion: it takes the target's place.
      const target = other;
      this.count('dispute');
      return {
        input: { ...common, kind: 'dispute', target: { claimId: target.id } },
        claimant,
        observedAt,
        place: target.place,
        make: (e) => claimDisputed(e, { ...statement, target: { claimId: target.id } }),
      };
    }
    if (r < 0.73 && other) {
      // Blanket dispute: every assertion of that claimant about that place (or its province).
      const target = other;
      const place =
        this.random() < 0.5
          ? this.placeRef(target.place.pcode)
          : this.placeRef(target.place.province);
      this.count('dispute-blanket');
      return {
        input: {
          ...common,
          kind: 'dispute',
          target: { claimant: target.claimant, place: place.input },
        },
        claimant,
        observedAt,
        place,
        make: (e) =>
          claimDisputed(e, {
            ...statement,
            target: { claimant: target.claimant, place: place.pcode },
          }),
      };
    }
    if (r < 0.87 && other) {
      const target = other;
      const degree = this.random() < 0.45 ? 'full' : 'partial';
      this.count(`corroborate-${degree}`);
      return {
        input: { ...common, kind: 'corroborate', degree, target: { claimId: target.id } },
        claimant,
        observedAt,
        place: target.place,
        make: (e) => claimCorroborated(e, { ...statement, degree, target: { claimId: target.id } }),
      };
    }
    const own =
      r < 0.9 && first && this.recentWhere(province, (c) => c.assertion && c.claimant === claimant);
    if (own) {
      const target = own;
      this.count('retract');
      return {
        input: { ...common, kind: 'retract', target: { claimId: target.id } },
        claimant,
        observedAt,
        place: target.place,
        make: (e) => claimRetracted(e, { ...statement, target: { claimId: target.id } }),
      };
    }
    return this.assertion(province, claimant, observedAt, statement);
  }

  private assertion(
    province: string,
    claimant: string,
    observedAt: string,
    statement: Record<string, unknown>,
  ): Claim {
    const situation = this.situations.get(province)!;
    const party = (PARTIES as readonly string[]).includes(claimant);
    // Parties now and then claim a whole province; observers speak of districts.
    const wide = this.random() < (party ? 0.25 : 0.08);
    const pcode = wide ? province : this.district(province, party ? claimant : undefined);
    const truth: Truth = wide ? { holder: situation.dominant } : this.truths.get(pcode)!;
    const [kind, actor] = party
      ? this.partySays(claimant, truth)
      : this.observerSays(situation, truth);
    const place = this.placeRef(pcode);
    const v1 = this.random() < 0.005;
    const precision: Precision =
      this.random() < 0.8 ? 'exact' : this.random() < 0.7 ? 'day' : 'approximate';
    this.count(v1 ? `${kind}-v1` : kind);
    return {
      input: {
        claimant,
        kind,
        ...(actor !== null && { actor }),
        place: place.input,
        observedAt,
        ...statement,
        ...(!v1 && precision !== 'exact' && { precision }),
      },
      claimant,
      observedAt,
      place,
      // Schema 1, as written before `precision` existed, was always read as exact.
      make: (e) =>
        claimAsserted(e, { ...statement, kind, actor, precision: v1 ? 'exact' : precision }),
      v1,
    };
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
            : ['presence', situation.challenger ?? this.pick(PARTIES)];
    if (truth === 'contested') {
      const involved = situation.challenger ?? this.pick(PARTIES);
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
    if (party === undefined || this.random() < 0.1) return this.pick(districts);
    for (let attempt = 0; attempt < 8; attempt++) {
      const d = this.pick(districts);
      const truth = this.truths.get(d)!;
      if (truth === 'contested' || (typeof truth === 'object' && truth.holder === party)) return d;
    }
    return this.pick(districts);
  }

  private initialTruth(situation: Situation): Truth {
    const t = this.random();
    if (t < 0.7) return { holder: situation.dominant };
    if (t < 0.82 && situation.challenger) return { holder: situation.challenger };
    if (t < 0.95) return 'contested';
    return 'none';
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A place as an analyst would type it (p-code, name or alias), resolved as the API does. */
  private placeRef(pcode: string): PlaceRef {
    const place = this.gazetteer.place(pcode)!;
    const aliases = this.aliases.get(pcode) ?? [];
    const how = this.random();
    const [input, resolution] =
      how < 0.2
        ? [pcode, 'pcode' as const]
        : how < 0.4 && aliases.length > 0
          ? [this.pick(aliases), 'alias' as const]
          : [place.name, 'name' as const];
    return {
      pcode: place.pcode,
      level: place.level,
      name: place.name,
      province: place.province,
      input,
      resolution,
    };
  }

  /** Mostly minutes to hours before recording; some late reports days or weeks before. */
  private observedAt(): string {
    const r = this.random();
    const hour = 3_600_000;
    const lag =
      r < 0.85
        ? this.random() * 6 * hour
        : r < 0.97
          ? 6 * hour + this.random() * 5 * 24 * hour
          : 5 * 24 * hour + this.random() * 25 * 24 * hour;
    return new Date(Math.floor(this.clock - lag)).toISOString();
  }

  private remember(province: string, claim: Recent): void {
    const list = this.recent.get(province) ?? [];
    if (list.length >= RING) list[Math.floor(this.random() * RING)] = claim;
    else list.push(claim);
    this.recent.set(province, list);
  }

  /** A random recent claim of the province that satisfies `test`, if one is found quickly. */
  private recentWhere(province: string, test: (c: Recent) => boolean): Recent | undefined {
    const recent = this.recent.get(province);
    if (!recent || recent.length === 0) return undefined;
    for (let attempt = 0; attempt < 24; attempt++) {
      const candidate = this.pick(recent);
      if (test(candidate)) return candidate;
    }
    return recent.find(test);
  }

  private weightedProvince(): string {
    const total = this.provinceWeights.reduce((a, b) => a + b, 0);
    let x = this.random() * total;
    for (let i = 0; i < this.provinces.length; i++) {
      x -= this.provinceWeights[i]!;
      if (x <= 0) return this.provinces[i]!;
    }
    return this.provinces[this.provinces.length - 1]!;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  }

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
}

/** The schema of the event's type just before events named their submitter. */
const olderSchema = (event: ClaimEvent): number => SUBMITTED_BY_SINCE[event.type] - 1;
