/**
 * Turns a validated report into claim events: resolves places in tiers (a near match only within
 * the province given or implied by the report's other claims), resolves targets, assigns ids.
 * Everything that cannot be resolved is reported at once, as one 422 with candidates.
 */
import {
  Candidate,
  ClaimEvent,
  CURRENT_SCHEMA,
  Gazetteer,
  PlaceRef,
  PlaceResolution,
  PlaceResolver,
} from '@sitrep/domain';
import { canonicalDigest, claimIdFor } from '@sitrep/platform';
import { unprocessable } from '../http/problem';
import { ClaimInput, ReportInput } from './report.schema';

/** A claim already in the log, as far as target checks need it. */
export interface KnownClaim {
  readonly claimId: string;
  readonly claimant: string;
  readonly kind: string;
  readonly place: PlaceRef;
}

export interface ClaimReceipt {
  readonly index: number;
  readonly claimId: string;
  readonly kind: ClaimInput['kind'];
  readonly place: Omit<PlaceRef, 'province'>;
}

export interface ReportPlan {
  readonly reportId: string;
  readonly digest: string;
  readonly recordedAt: string;
  readonly events: readonly ClaimEvent[];
}

interface ClaimError {
  index: number;
  field: string;
  input?: unknown;
  problem: string;
  candidates?: readonly ReturnType<typeof candidateView>[];
}

const ASSERTIONS = new Set(['control', 'presence', 'contest']);

const candidateView = (c: Candidate) => ({
  pcode: c.pcode,
  name: c.name,
  level: c.level,
  province: c.province,
  matched: c.matched,
  distance: c.distance,
});

export const digestOf = (report: ReportInput): string => canonicalDigest(report);

/** The claim ids a report targets by id, to look up before planning. */
export function targetIdsOf(report: ReportInput): string[] {
  return report.claims.flatMap((c) =>
    'target' in c && 'claimId' in c.target ? [c.target.claimId] : [],
  );
}

export class ReportPlanner {
  private readonly resolver: PlaceResolver;

  constructor(private readonly gazetteer: Gazetteer) {
    this.resolver = new PlaceResolver(gazetteer);
  }

  plan(
    report: ReportInput,
    known: ReadonlyMap<string, KnownClaim>,
    recordedAt: string,
  ): ReportPlan {
    const errors: ClaimError[] = [];
    const ids = report.claims.map((_, i) => claimIdFor(report.reportId, i));
    const places = this.resolvePlaces(report, errors);

    // Targets: by index inside this report, or by id of a claim already accepted.
    const ownClaims = new Map<string, KnownClaim>();
    report.claims.forEach((c, i) => {
      const place = places.get(i);
      if (place && c.kind !== 'dispute' && c.kind !== 'corroborate' && c.kind !== 'retract') {
        ownClaims.set(ids[i]!, { claimId: ids[i]!, claimant: c.claimant, kind: c.kind, place });
      }
    });
    const targets = new Map<number, KnownClaim>();
    report.claims.forEach((claim, index) => {
      if (!('target' in claim) || !('claimId' in claim.target || 'index' in claim.target)) return;
      const target = claim.target;
      let found: KnownClaim | undefined;
      if ('index' in target) {
        if (target.index === index || target.index >= report.claims.length) {
          errors.push({
            index,
            field: 'target.index',
            input: target.index,
            problem: 'no other claim of this report has that index',
          });
          return;
        }
        found = ownClaims.get(ids[target.index]!);
        if (!found) return; // that claim has its own error, or is not an assertion (checked below)
      } else {
        found = ownClaims.get(target.claimId) ?? known.get(target.claimId);
        if (!found) {
          errors.push({
            index,
            field: 'target.claimId',
            input: target.claimId,
            problem: 'no accepted claim has this id',
          });
          return;
        }
      }
      if (claim.kind === 'retract') {
        if (found.claimant !== claim.claimant) {
          errors.push({
            index,
            field: 'target',
            problem: `a claimant retracts only its own claims (the target is ${found.claimant}'s); curators use POST /v1/claims/{claimId}/retractions`,
          });
          return;
        }
        if (found.kind === 'retract' || found.kind === 'curator-retract') {
          errors.push({ index, field: 'target', problem: 'a retraction cannot be retracted' });
          return;
        }
      } else if (!ASSERTIONS.has(found.kind)) {
        errors.push({
          index,
          field: 'target',
          problem: `a ${claim.kind} targets an assertion (control, presence or contest), not a ${found.kind}`,
        });
        return;
      }
      targets.set(index, found);
    });
    report.claims.forEach((claim, index) => {
      if (claim.kind !== 'dispute' && claim.kind !== 'corroborate' && claim.kind !== 'retract')
        return;
      if (
        'index' in claim.target &&
        !targets.has(index) &&
        !errors.some((e) => e.index === index)
      ) {
        const other = report.claims[claim.target.index];
        errors.push({
          index,
          field: 'target.index',
          input: claim.target.index,
          problem:
            other && !ASSERTIONS.has(other.kind) && claim.kind !== 'retract'
              ? `a ${claim.kind} targets an assertion, not a ${other.kind}`
              : 'the target claim could not be resolved',
        });
      }
    });

    if (errors.length > 0) {
      throw unprocessable(
        `${errors.length} claim field(s) could not be resolved; nothing was recorded. Fix them (use a p-code or one of the candidates) and submit again`,
        errors.sort((a, b) => a.index - b.index),
      );
    }

    const digest = digestOf(report);
    const events = report.claims.map((claim, index) =>
      this.event(
        report,
        claim,
        index,
        ids[index]!,
        places.get(index) ?? targets.get(index)!.place,
        targets.get(index),
        digest,
        recordedAt,
      ),
    );
    return { reportId: report.reportId, digest, recordedAt, events };
  }

  private event(
    report: ReportInput,
    claim: ClaimInput,
    index: number,
    id: string,
    place: PlaceRef,
    target: KnownClaim | undefined,
    reportDigest: string,
    recordedAt: string,
  ): ClaimEvent {
    const envelope = {
      id,
      reportId: report.reportId,
      index,
      reportDigest,
      claimant: claim.claimant,
      observedAt: new Date(claim.observedAt).toISOString(),
      recordedAt,
      place,
      source: report.source,
    };
    const statement = {
      ...(claim.speaker !== undefined && { speaker: claim.speaker }),
      ...(claim.credibility !== undefined && { credibility: claim.credibility }),
      ...(claim.quote !== undefined && { quote: claim.quote }),
    };
    switch (claim.kind) {
      case 'control':
      case 'presence':
      case 'contest':
        return {
          ...envelope,
          type: 'claim.asserted',
          schema: CURRENT_SCHEMA['claim.asserted'],
          data: {
            ...statement,
            kind: claim.kind,
            actor: claim.kind === 'contest' ? null : claim.actor,
            precision: claim.precision ?? 'exact',
          },
        };
      case 'dispute':
        return {
          ...envelope,
          type: 'claim.disputed',
          schema: 1,
          data: {
            ...statement,
            target: target
              ? { claimId: target.claimId }
              : { claimant: (claim.target as { claimant: string }).claimant, place: place.pcode },
          },
        };
      case 'corroborate':
        return {
          ...envelope,
          type: 'claim.corroborated',
          schema: 1,
          data: { ...statement, degree: claim.degree, target: { claimId: target!.claimId } },
        };
      case 'retract':
        return {
          ...envelope,
          type: 'claim.retracted',
          schema: 1,
          data: { ...statement, target: { claimId: target!.claimId } },
        };
    }
  }

  /** Places of assertions and blanket disputes, by claim index. */
  private resolvePlaces(report: ReportInput, errors: ClaimError[]): Map<number, PlaceRef> {
    const wanted: { index: number; field: string; name: string; hint?: string }[] = [];
    report.claims.forEach((c, index) => {
      if (c.kind === 'control' || c.kind === 'presence' || c.kind === 'contest') {
        wanted.push({ index, field: 'place', name: c.place, hint: c.province });
      } else if (c.kind === 'dispute' && 'claimant' in c.target) {
        wanted.push({
          index,
          field: 'target.place',
          name: c.target.place,
          hint: c.target.province,
        });
      }
    });

    const hints = new Map<number, string>();
    for (const w of wanted) {
      if (w.hint === undefined) continue;
      const r = this.resolver.resolve(w.hint);
      if (r.kind === 'resolved' && r.place.level === 'province') hints.set(w.index, r.place.pcode);
      else
        errors.push(
          this.placeError(
            w.index,
            w.field.replace('place', 'province'),
            w.hint,
            r,
            'is not a province',
          ),
        );
    }

    // Pass 1: p-codes and exact spellings. Pass 2: near matches within the known province.
    const first = new Map(
      wanted.map((w) => [w.index, this.resolver.resolve(w.name, hints.get(w.index))] as const),
    );
    const provinces = new Set(
      [...first.values()]
        .flatMap((r) => (r.kind === 'resolved' ? [r.place.province] : []))
        .concat([...hints.values()]),
    );
    const implied = provinces.size === 1 ? [...provinces][0] : undefined;

    const places = new Map<number, PlaceRef>();
    for (const w of wanted) {
      if (w.hint !== undefined && !hints.has(w.index)) continue;
      let r = first.get(w.index)!;
      const province = hints.get(w.index) ?? implied;
      if (r.kind === 'unknown' && province) r = this.resolver.resolve(w.name, province);
      if (r.kind === 'resolved') {
        places.set(w.index, { ...r.place, input: w.name, resolution: r.resolution });
      } else {
        errors.push(
          this.placeError(w.index, w.field, w.name, r, province ? `in province ${province}` : ''),
        );
      }
    }
    return places;
  }

  private placeError(
    index: number,
    field: string,
    input: string,
    r: PlaceResolution,
    scope: string,
  ): ClaimError {
    if (r.kind === 'ambiguous') {
      return {
        index,
        field,
        input,
        problem: 'ambiguous: several places match; name one by p-code',
        candidates: r.candidates.map(candidateView),
      };
    }
    if (r.kind === 'resolved')
      return {
        index,
        field,
        input,
        problem: `resolves to ${r.place.level} ${r.place.pcode}, which ${scope}`,
      };
    return {
      index,
      field,
      input,
      problem: `no place of the gazetteer matches${scope ? ' ' + scope : ''}${scope ? '' : ' (give a province to allow near matches)'}`,
      candidates: r.candidates.map(candidateView),
    };
  }
}
