/**
 * Random claim logs for property tests of the projection, from a seed: reports of one to three
 * claims about the fixture's provinces (each province on a partition of its own, as the topic
 * keys them), recorded in log order, observed up to hours before and sometimes days or weeks
 * before (late reports), often at the same hour (ties). Every kind of claim: assertions about
 * districts and whole provinces, disputes by id (some of a claim later in the same report) and
 * blanket, corroborations, claimants' retractions (of their own claims, of others', of
 * retractions) and curators' (of anything, retractions included), and duplicates of earlier
 * claims logged again. Ids are UUIDs, so the same logs can go through Postgres.
 */
import { AssertionKind, Degree, LoggedEvent } from '../events';
import {
  assertion,
  BAGHLAN,
  corroboration,
  curatorRetraction,
  dispute,
  gazetteer,
  PANJSHIR,
  prng,
  retraction,
} from './fixtures';

export interface RandomLogOptions {
  readonly seed: number;
  /** Messages on the log, duplicates included. */
  readonly events: number;
  readonly provinces?: readonly string[];
  /** Claimants (the curator comes on top). */
  readonly claimants?: readonly string[];
  /** When the log's first report is recorded (default 1 August 2021). */
  readonly start?: string;
}

const CLAIMANTS = ['taliban', 'nrf', 'local-elders', 'emergency-ngo', 'un-ocha'];
const ACTORS = ['taliban', 'nrf', 'isk'];
const HOUR = 3_600_000;

/** A claim id as the API makes them (a UUID), from a counter. */
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function randomLog(options: RandomLogOptions): LoggedEvent[] {
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const provinces = options.provinces ?? [BAGHLAN, PANJSHIR];
  const claimants = options.claimants ?? CLAIMANTS;
  const offsets = provinces.map(() => 0);
  const log: LoggedEvent[] = [];
  const byProvince = new Map<string, LoggedEvent[]>(provinces.map((p) => [p, []]));
  let clock = Date.parse(options.start ?? '2021-08-01T00:00:00Z');
  let ids = 0;
  let reports = 0;

  const observedAt = () => {
    const r = random();
    const lag =
      r < 0.7
        ? random() * 6 * HOUR
        : r < 0.9
          ? random() * 3 * 24 * HOUR
          : random() * 30 * 24 * HOUR;
    const at = clock - lag;
    // Often on the hour: claims observed at the same instant (ties of rule 2).
    return new Date(random() < 0.4 ? Math.floor(at / HOUR) * HOUR : Math.floor(at)).toISOString();
  };

  while (log.length < options.events) {
    const p = Math.floor(random() * provinces.length);
    const province = provinces[p]!;
    const earlier = byProvince.get(province)!;
    const place = () => (random() < 0.2 ? province : pick(gazetteer.districtsCoveredBy(province)));
    const at = (offset: number) => ({ partition: p, offset });
    const put = (event: LoggedEvent) => {
      const logged = { event: event.event, position: at(offsets[p]!++) };
      log.push(logged);
      earlier.push(logged);
    };

    // A duplicate: an earlier claim logged again.
    if (earlier.length > 5 && random() < 0.04) {
      put(pick(earlier));
      continue;
    }
    clock += random() * 2 * HOUR;
    reports += 1;
    const recordedAt = new Date(clock).toISOString();
    const reportId = `random-${options.seed}-${reports}`;
    const size = 1 + Math.floor(random() * 3);
    const claims: LoggedEvent[] = [];
    const common = (index: number, claimant: string) => ({
      id: uuid(++ids),
      reportId,
      index,
      claimant,
      observedAt: observedAt(),
      recordedAt,
      offset: 0,
    });
    const assertions = earlier.filter((e) => e.event.type === 'claim.asserted');
    for (let index = 0; index < size; index++) {
      const claimant = pick(claimants);
      const roll = random();
      if (assertions.length < 4 || roll < 0.45) {
        const kind: AssertionKind = pick(['control', 'control', 'control', 'presence', 'contest']);
        claims.push(
          assertion({
            ...common(index, claimant),
            kind,
            actor: kind === 'contest' ? null : random() < 0.6 ? claimant : pick(ACTORS),
            place: place(),
            precision: pick(['exact', 'exact', 'day', 'approximate']),
          }),
        );
      } else if (roll < 0.58) {
        claims.push(dispute({ ...common(index, claimant), target: pick(assertions) }));
      } else if (roll < 0.66) {
        const where = place();
        claims.push(
          dispute({
            ...common(index, claimant),
            target: { claimant: pick(claimants), place: where },
          }),
        );
      } else if (roll < 0.78) {
        const degree: Degree = pick(['full', 'partial']);
        claims.push(
          corroboration({ ...common(index, claimant), target: pick(assertions), degree }),
        );
      } else if (roll < 0.86) {
        const target = pick(earlier);
        const by = random() < 0.75 ? target.event.claimant : claimant;
        claims.push(retraction({ ...common(index, by), target }));
      } else if (roll < 0.91) {
        claims.push(curatorRetraction({ ...common(index, 'curator'), target: pick(earlier) }));
      } else {
        // A dispute of the claim that comes next in the same report (targets by index may point
        // forward), then that claim.
        const target = assertion({
          ...common(index + 1, pick(claimants)),
          kind: 'control',
          place: place(),
        });
        claims.push(dispute({ ...common(index, claimant), target }), target);
        index += 1;
      }
    }
    for (const claim of claims) put(claim);
  }
  return log.slice(0, options.events);
}
