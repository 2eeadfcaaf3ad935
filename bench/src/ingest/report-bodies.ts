/**
 * Distinct report bodies for the ingest benchmark, from a seed: every body has a report id of its
 * own, claims by the cast of the generated claim log about places named as analysts name them
 * (p-code, name or alias; only spellings that resolve exactly, so no report is refused). From
 * its fourth claim on, a report also disputes and corroborates its first claims, by index.
 */
import { Gazetteer, PlaceResolver } from '@sitrep/domain';
import { prng } from '@sitrep/domain/testing/fixtures';
import {
  OBSERVERS,
  OUTLETS,
  PARTIES,
  QUOTES,
  SPEAKERS,
} from '@sitrep/domain/testing/claim-log/cast';

export class ReportBodies {
  private readonly random: () => number;
  private readonly places: readonly (readonly string[])[];
  private sequence = 0;

  constructor(
    gazetteer: Gazetteer,
    private readonly runTag: string,
    seed: number,
  ) {
    this.random = prng(seed);
    const resolver = new PlaceResolver(gazetteer);
    const spellings = new Map<string, string[]>();
    const add = (pcode: string, input: string) => {
      const r = resolver.resolve(input);
      if (r.kind === 'resolved' && r.place.pcode === pcode)
        spellings.set(pcode, [...(spellings.get(pcode) ?? []), input]);
    };
    for (const d of gazetteer.districts) {
      add(d.pcode, d.pcode);
      add(d.pcode, d.name);
    }
    for (const a of gazetteer.aliases) if (gazetteer.place(a.pcode)) add(a.pcode, a.alias);
    this.places = [...spellings.values()];
  }

  /** How many bodies were made. */
  get count(): number {
    return this.sequence;
  }

  /** The JSON body of the next report, with `claims` claims. */
  next(claims: number): string {
    const n = ++this.sequence;
    const r = this.random;
    const outlet = this.pick(OUTLETS);
    const day = 1 + Math.floor(r() * 28);
    const at = (hour: number) =>
      `2021-08-${String(day).padStart(2, '0')}T${String(hour % 24).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}:00Z`;
    const reportId = `ingest-${this.runTag}-${n}`;
    const list: object[] = [];
    for (let index = 0; index < claims; index++) {
      const targeted = index >= 3 && r() < 0.25;
      const claimant = this.pick(r() < 0.5 ? PARTIES : OBSERVERS);
      const statement = {
        ...(r() < 0.6 && { speaker: this.pick(SPEAKERS) }),
        credibility: 1 + Math.floor(r() * 6),
        ...(r() < 0.3 && { quote: this.pick(QUOTES) }),
      };
      if (targeted) {
        const target = { index: Math.floor(r() * Math.min(index, 3)) };
        const kind = r() < 0.5 ? 'dispute' : 'corroborate';
        list.push({
          claimant,
          kind,
          ...(kind === 'corroborate' && { degree: r() < 0.5 ? 'full' : 'partial' }),
          observedAt: at(20),
          target,
          ...statement,
        });
        continue;
      }
      const k = r();
      const kind = k < 0.5 ? 'control' : k < 0.85 ? 'presence' : 'contest';
      list.push({
        claimant,
        kind,
        ...(kind !== 'contest' && { actor: this.pick(PARTIES) }),
        place: this.pick(this.pick(this.places)),
        observedAt: at(Math.floor(r() * 20)),
        ...(r() < 0.2 && { precision: 'day' }),
        ...statement,
      });
    }
    return JSON.stringify({
      reportId,
      source: {
        outlet: outlet.outlet,
        url: `https://${outlet.host}/${reportId}`,
        publishedAt: at(23),
        reliability: outlet.reliability,
      },
      claims: list,
    });
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }
}
