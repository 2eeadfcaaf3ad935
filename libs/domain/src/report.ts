/**
 * A report as an analyst submits it (DESIGN.md, "Domain"): a report id chosen by the client, a
 * source and one or more claims, with places named as the analyst typed them and targets by
 * claim id, by index in the same report, or (disputes) by claimant and place.
 */
import { AssertionKind, Degree, Precision, Source } from './events';

interface Statement {
  readonly claimant: string;
  readonly speaker?: string;
  /** ISO time with an offset. */
  readonly observedAt: string;
  readonly credibility?: number;
  readonly quote?: string;
}

interface Where {
  /** A p-code or a name. */
  readonly place: string;
  /** A province (p-code or name) the place lies in: a hint for near matches. */
  readonly province?: string;
  readonly precision?: Precision;
}

export type ById = { readonly claimId: string };
export type ByIndex = { readonly index: number };
/** Every assertion of `claimant` about `place` (or within it) observed at or before the dispute. */
export type Blanket = {
  readonly claimant: string;
  readonly place: string;
  readonly province?: string;
};

export type ReportClaim =
  | (Statement &
      Where & { readonly kind: Exclude<AssertionKind, 'contest'>; readonly actor: string })
  | (Statement & Where & { readonly kind: 'contest' })
  | (Statement & { readonly kind: 'dispute'; readonly target: ById | ByIndex | Blanket })
  | (Statement & {
      readonly kind: 'corroborate';
      readonly degree: Degree;
      readonly target: ById | ByIndex;
    })
  | (Statement & { readonly kind: 'retract'; readonly target: ById | ByIndex });

export interface Report {
  readonly reportId: string;
  readonly source: Source;
  readonly claims: readonly ReportClaim[];
}

/** The claim ids a report targets by id: the caller looks them up before the decision. */
export function targetIdsOf(report: Report): string[] {
  return report.claims.flatMap((c) =>
    'target' in c && 'claimId' in c.target ? [c.target.claimId] : [],
  );
}
