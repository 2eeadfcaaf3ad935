/**
 * Report bodies for the reads benchmark, as a desk would send them over weeks, from a seed:
 * 200-claim reports, 45 % of the claims about three hot provinces, 10 % of them late (observed up
 * to 30 days before the reports around them), district and province claims of every kind,
 * disputes and corroborations of claims accepted earlier (by id) or of the same report (by index),
 * blanket disputes, and claimants retracting their own earlier claims.
 */
import { Gazetteer } from '@sitrep/domain';
import { prng } from '@sitrep/domain/testing/fixtures';
import {
  OBSERVERS,
  OUTLETS,
  PARTIES,
  QUOTES,
  SPEAKERS,
} from '@sitrep/domain/testing/claim-log/cast';

const DAY = 86_400_000;

/** An accepted claim a later report may target. */
interface Known {
  readonly claimId: string;
  readonly claimant: string;
}

export interface ReportStreamOptions {
  readonly seed: number;
  readonly runTag: string;
  /** The provinces that get 45 % of the claims. */
  readonly hot: readonly string[];
  /** Observed time of the first report, and how far it advances per report. */
  readonly start: number;
  readonly stepMs: number;
}

export class ReportStream {
  private readonly random: () => number;
  private readonly provinces: readonly string[];
  private readonly districts = new Map<string, readonly string[]>();
  /** Recent accepted assertions per province (a ring), for targets by id. */
  private readonly known = new Map<string, Known[]>();
  private sequence = 0;
  private clock: number;

  constructor(
    gazetteer: Gazetteer,
    private readonly options: ReportStreamOptions,
  ) {
    this.random = prng(options.seed);
    this.provinces = gazetteer.provinces.map((p) => p.pcode);
    for (const p of this.provinces) this.districts.set(p, gazetteer.districtsCoveredBy(p));
    this.clock = options.start;
  }

  /** The observed span so far: first and latest report time (ms). */
  get span(): { readonly from: number; readonly to: number } {
    return { from: this.options.start, to: this.clock };
  }

  /** The next report (its JSON body and, per claim, the province it is about). */
  next(claims = 200): { readonly body: string; readonly provinces: readonly string[] } {
    const r = this.random;
    const n = ++this.sequence;
    this.clock += this.options.stepMs;
    const reportId = `reads-${this.options.runTag}-${n}`;
    const outlet = this.pick(OUTLETS);
    const list: object[] = [];
    const provinces: string[] = [];
    const assertions: number[] = [];
    for (let index = 0; index < claims; index++) {
      const province = r() < 0.45 ? this.pick(this.options.hot) : this.pick(this.provinces);
      provinces.push(province);
      const late = r() < 0.1;
      const observed = late ? this.clock - r() * 30 * DAY : this.clock - r() * 6 * 3_600_000;
      const observedAt = new Date(Math.floor(observed / 1000) * 1000).toISOString();
      const statement = {
        ...(r() < 0.5 && { speaker: this.pick(SPEAKERS) }),
        credibility: 1 + Math.floor(r() * 6),
        ...(r() < 0.2 && { quote: this.pick(QUOTES) }),
      };
      const known = this.known.get(province) ?? [];
      const k = r();
      if (k < 0.1 && known.length > 0) {
        const target = this.pick(known);
        const claimant = this.pickOther(target.claimant);
        list.push({
          claimant,
          kind: 'dispute',
          observedAt,
          target: { claimId: target.claimId },
          ...statement,
        });
        continue;
      }
      if (k < 0.12) {
        list.push({
          claimant: this.pick(PARTIES),
          kind: 'dispute',
          observedAt,
          target: { claimant: this.pick(PARTIES), place: province },
          ...statement,
        });
        continue;
      }
      if (k < 0.2 && known.length > 0) {
        const target = this.pick(known);
        list.push({
          claimant: this.pickOther(target.claimant),
          kind: 'corroborate',
          degree: r() < 0.5 ? 'full' : 'partial',
          observedAt,
          target: { claimId: target.claimId },
          ...statement,
        });
        continue;
      }
      if (k < 0.22 && assertions.length > 0) {
        list.push({
          claimant: this.pick(OBSERVERS),
          kind: 'corroborate',
          degree: 'partial',
          observedAt,
          target: { index: this.pick(assertions) },
          ...statement,
        });
        continue;
      }
      if (k < 0.24 && known.length > 0) {
        // A claimant takes back one of its own claims.
        const target = known.splice(Math.floor(r() * known.length), 1)[0]!;
        list.push({
          claimant: target.claimant,
          kind: 'retract',
          observedAt,
          target: { claimId: target.claimId },
          ...statement,
        });
        continue;
      }
      const a = r();
      const kind = a < 0.5 ? 'control' : a < 0.85 ? 'presence' : 'contest';
      const place = r() < 0.1 ? province : this.pick(this.districts.get(province)!);
      assertions.push(index);
      list.push({
        claimant: r() < 0.5 ? this.pick(PARTIES) : this.pick(OBSERVERS),
        kind,
        ...(kind !== 'contest' && { actor: this.pick(PARTIES) }),
        place,
        observedAt,
        ...statement,
      });
    }
    const body = JSON.stringify({
      reportId,
      source: {
        outlet: outlet.outlet,
        url: `https://${outlet.host}/${reportId}`,
        reliability: outlet.reliability,
      },
      claims: list,
    });
    return { body, provinces };
  }

  /** Remember the assertions of an accepted report, as targets for later ones. */
  accepted(
    body: string,
    provinces: readonly string[],
    answer: { readonly claims: readonly { readonly claimId: string; readonly kind: string }[] },
  ): void {
    const sent = (JSON.parse(body) as { claims: { claimant: string }[] }).claims;
    answer.claims.forEach((c, i) => {
      if (!['control', 'presence', 'contest'].includes(c.kind)) return;
      const province = provinces[i]!;
      const ring = this.known.get(province) ?? [];
      ring.push({ claimId: c.claimId, claimant: sent[i]!.claimant });
      if (ring.length > 500) ring.splice(0, ring.length - 500);
      this.known.set(province, ring);
    });
  }

  private pickOther(claimant: string): string {
    for (;;) {
      const other = this.random() < 0.5 ? this.pick(PARTIES) : this.pick(OBSERVERS);
      if (other !== claimant) return other;
    }
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }
}
