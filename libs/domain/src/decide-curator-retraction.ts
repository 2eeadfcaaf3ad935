/**
 * A curator (admin key) withdraws any claim, with a reason (DECISIONS.md, "Audit and curation"):
 * a `claim.curator-retracted` event of claimant `curator`, written like a one-claim report with id
 * `curator-retraction:<claimId>`, in the target's place (so its partition), observed when the
 * target was: on the observed axis the withdrawn claim never reappears in the past. A curator's
 * retraction cannot itself be retracted.
 */
import { claimRetractedByCurator } from './claim-events';
import { AcceptedReport } from './decide-report';
import { ClaimIds, Clock, KnownClaim } from './decision-context';
import { Source, Submitter } from './events';

/** The pseudo-claimant of curator retractions; the curator (key name) is in `data.curator`. */
export const CURATOR_CLAIMANT = 'curator';
export const CURATION_SOURCE: Source = { outlet: 'Sitrep curation' };

/** A curator's retraction is its own one-claim "report": the same again is a resubmission. */
export const curatorRetractionReportId = (claimId: string): string =>
  `curator-retraction:${claimId}`;

export type CuratorRetractionDecision =
  | AcceptedReport
  | {
      readonly accepted: false;
      readonly reason: 'unknown-claim' | 'retraction-of-curator-retraction';
      readonly problem: string;
    };

export interface CuratorRetractionContext {
  /** The claim to withdraw, if accepted, with its observedAt (its recordedAt until projected). */
  readonly target: (KnownClaim & { readonly observedAt: string }) | undefined;
  readonly clock: Clock;
  readonly ids: ClaimIds;
  /** The curator's key. */
  readonly curator: Submitter;
}

export function decideCuratorRetraction(
  request: { readonly claimId: string; readonly reason: string },
  { target, clock, ids, curator }: CuratorRetractionContext,
): CuratorRetractionDecision {
  if (!target)
    return {
      accepted: false,
      reason: 'unknown-claim',
      problem: `claim ${request.claimId} does not exist`,
    };
  if (target.kind === 'curator-retract')
    return {
      accepted: false,
      reason: 'retraction-of-curator-retraction',
      problem: 'the target is a curator retraction',
    };
  const reportId = curatorRetractionReportId(request.claimId);
  const digest = ids.digest({ claimId: request.claimId, reason: request.reason });
  const recordedAt = clock.now().toISOString();
  const event = claimRetractedByCurator(
    {
      id: ids.claimId(reportId, 0),
      reportId,
      index: 0,
      reportDigest: digest,
      claimant: CURATOR_CLAIMANT,
      observedAt: target.observedAt,
      recordedAt,
      place: target.place,
      source: CURATION_SOURCE,
      submittedBy: curator,
    },
    { target: { claimId: request.claimId }, reason: request.reason, curator: curator.name },
  );
  return { accepted: true, reportId, digest, recordedAt, events: [event] };
}
