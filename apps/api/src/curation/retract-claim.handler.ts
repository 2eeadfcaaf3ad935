import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideCuratorRetraction, Submitter } from '@sitrep/domain';
import { claimIds, CLOCK, Clock } from '@sitrep/platform';
import { conflict, notFound, unprocessable } from '../http/problem';
import { ClaimLogWriter } from '../ingest/claim-log.writer';
import { KnownClaimsLoader } from '../ingest/known-claims.loader';
import { StoredClaim } from '../ingest/report-claims.repository';
import { ReadModelReader } from '../queries/read-model.reader';

export class RetractClaimCommand {
  constructor(
    readonly claimId: string,
    readonly reason: string,
    readonly curator: Submitter,
  ) {}
}

export interface RetractionReceipt {
  readonly created: boolean;
  readonly body: {
    readonly claimId: string;
    readonly reportId: string;
    readonly target: {
      readonly claimId: string;
      readonly reportId: string;
      readonly claimant: string;
      readonly kind: string;
      readonly place: string;
    };
    readonly reason: string;
    readonly curator: string;
    readonly recordedAt: string;
  };
}

/**
 * A curator (admin key) withdraws any claim with a reason: a `claim.curator-retracted` event,
 * written like a report through the ClaimLogWriter (one Kafka transaction, then `report_claims`),
 * in the target's partition (its place, so its province key). Never an edit of the claim.
 */
@CommandHandler(RetractClaimCommand)
export class RetractClaimHandler implements ICommandHandler<
  RetractClaimCommand,
  RetractionReceipt
> {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly known: KnownClaimsLoader,
    private readonly writer: ClaimLogWriter,
    private readonly reader: ReadModelReader,
  ) {}

  async execute({ claimId, reason, curator }: RetractClaimCommand): Promise<RetractionReceipt> {
    const target = (await this.known.load([claimId])).get(claimId);
    const decision = decideCuratorRetraction(
      { claimId, reason },
      {
        target: target && { ...target, observedAt: await this.observedAtOf(target) },
        clock: this.clock,
        ids: claimIds,
        curator,
      },
    );
    if (!decision.accepted) {
      if (decision.reason === 'unknown-claim') throw notFound(`claim ${claimId}`);
      throw unprocessable('a curator retraction cannot be retracted; nothing was recorded', [
        { field: 'claimId', input: claimId, problem: decision.problem },
      ]);
    }
    const accepted = target!; // a retraction is accepted only of a known claim
    const written = await this.writer.write(decision);
    const stored = written.claims[0]!;
    // On a resubmission, the curator and reason are those first recorded (when already projected).
    const earlier =
      written.outcome === 'created' ? undefined : (await this.reader.event(stored.claimId))?.event;
    const first =
      earlier?.type === 'claim.curator-retracted'
        ? { reason: earlier.data.reason, curator: earlier.data.curator }
        : undefined;
    if (written.outcome === 'conflict') {
      throw conflict(
        `claim ${claimId} was already retracted by a curator with another reason; a retraction is immutable`,
        {
          retraction: {
            claimId: stored.claimId,
            recordedAt: stored.recordedAt,
            ...(first && { reason: first.reason, curator: first.curator }),
          },
        },
      );
    }
    return {
      created: written.outcome === 'created',
      body: {
        claimId: stored.claimId,
        reportId: decision.reportId,
        target: {
          claimId,
          reportId: accepted.reportId,
          claimant: accepted.claimant,
          kind: accepted.kind,
          place: accepted.place.pcode,
        },
        reason,
        curator: first?.curator ?? curator.name,
        recordedAt: stored.recordedAt,
      },
    };
  }

  /**
   * The retraction is observed when its target was: a correction of what is known is not an event
   * in the world, so on the observed axis the withdrawn claim never reappears in the past
   * (DECISIONS.md), and observed-axis reads and histories that filter by `observedAt` agree. Until
   * the target is projected, its recordedAt stands in.
   */
  private async observedAtOf(target: StoredClaim): Promise<string> {
    const logged = await this.reader.event(target.claimId);
    return logged?.event.observedAt ?? target.recordedAt;
  }
}
