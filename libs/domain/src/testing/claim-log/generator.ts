/**
 * A realistic claim log for benchmarks and tests, generated from a seed: the same seed and size give the
 * same messages. Every message is a valid envelope exactly as the API writes it (ids from
 * the API's claim ids and digests, places from the gazetteer, the report's digest, headers `type` and `schema`),
 * keyed by province p-code. The mix: control, presence and contest assertions at district and
 * province level by many claimants, explicit and blanket disputes, full and partial
 * corroborations, own retractions and curator retractions, late reports (observed hours or days
 * before they were recorded, so out of order), about 3% duplicates of earlier claims, and a few
 * assertions in the old schema 1 (no `precision`).
 *
 * The world it reports on (hot provinces, who holds each district, what each claimant says) is
 * world.ts; the targets of later claims, recent-claims.ts; places as analysts type them,
 * typed-places.ts. All draw from one seeded stream, so the order of their calls makes the log.
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
import { ClaimEvent, PlaceRef, Precision, Source } from '../../events';
import { Gazetteer } from '../../gazetteer';
import { prng } from '../fixtures';
import { legacyEncoding } from '../legacy';
import { CLAIMANTS, CURATOR_KEY, DESKS, OUTLETS, QUOTES, REASONS, SPEAKERS } from './cast';
import { pick } from './draws';
import { RecentClaims } from './recent-claims';
import { TypedPlaces } from './typed-places';
import { SimulatedWorld } from './world';

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
  private readonly places: TypedPlaces;
  private readonly recent: RecentClaims;
  private readonly sent: GeneratedMessage[] = [];
  private readonly curated = new Set<string>();
  private readonly world: SimulatedWorld;
  private produced = 0;
  private reports = 0;
  private clock: number;
  private readonly step: number;
  /** Counts by kind, for the summary. */
  readonly counts: Record<string, number> = {};

  constructor(
    gazetteer: Gazetteer,
    private readonly ids: ClaimIds,
    private readonly options: ClaimLogOptions,
  ) {
    this.random = prng(options.seed);
    this.recent = new RecentClaims(this.random);
    this.clock = Date.parse(options.start ?? '2021-06-01T00:00:00Z');
    // About 1.8 claims per report on average; spread the reports over the span.
    this.step = ((options.days ?? 180) * 86_400_000 * 1.8) / Math.max(1, options.events);
    this.world = new SimulatedWorld(
      this.random,
      gazetteer.provinces.map((p) => p.pcode),
      (p) => gazetteer.districtsCoveredBy(p),
    );
    this.places = new TypedPlaces(this.random, gazetteer);
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
    const province = this.world.province();
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
    if (r() < 0.004) this.world.frontMoves(province);
    const size = Math.min(room, r() < 0.45 ? 1 : r() < 0.7 ? 2 : r() < 0.9 ? 3 : 4);
    // Plan the claims first (inputs and events), then digest the report as the API does.
    const active = this.world.situation(province).active;
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
    const target = this.recent.where(
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
    this.recent.remember(event.place.province, {
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
      r < 0.87 && this.recent.where(province, (c) => c.assertion && c.claimant !== claimant);
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
          ? this.places.ref(target.place.pcode)
          : this.places.ref(target.place.province);
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
      r < 0.9 &&
      first &&
      this.recent.where(province, (c) => c.assertion && c.claimant === claimant);
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
    const { pcode, kind, actor } = this.world.assertion(province, claimant);
    const place = this.places.ref(pcode);
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

  // ---- helpers -------------------------------------------------------------------------------

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

  private pick<T>(list: readonly T[]): T {
    return pick(this.random, list);
  }

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
}

/** The schema of the event's type just before events named their submitter. */
const olderSchema = (event: ClaimEvent): number => SUBMITTED_BY_SINCE[event.type] - 1;
