import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  Candidate,
  ClaimProblem,
  decideReport,
  Gazetteer,
  PlaceResolver,
  Submitter,
  targetIdsOf,
} from '@sitrep/domain';
import { claimIds, CLOCK, Clock, GAZETTEER } from '@sitrep/platform';
import { encodeConsistencyToken, LogPositions } from '../consistency/consistency-token';
import { conflict, unprocessable } from '../http/problem';
import { ReadModelReader } from '../queries/read-model.reader';
import { ClaimLogWriter } from './claim-log.writer';
import { KnownClaimsLoader } from './known-claims.loader';
import { StoredClaim } from './report-claims.repository';
import { ReportInput } from './report.schema';

export class SubmitReportCommand {
  constructor(
    readonly report: ReportInput,
    readonly submittedBy: Submitter,
  ) {}
}

export interface ReportReceipt {
  readonly created: boolean;
  readonly body: {
    readonly reportId: string;
    readonly recordedAt: string;
    /** Where the report's events sit in the log, for `?after=` on reads (when known). */
    readonly consistencyToken?: string;
    readonly claims: readonly {
      index: number;
      claimId: string;
      kind: string;
      place: { pcode: string; name: string; level: string; input: string; resolution: string };
    }[];
  };
}

function receipt(
  reportId: string,
  claims: readonly StoredClaim[],
  created: boolean,
  positions: LogPositions | undefined,
): ReportReceipt {
  return {
    created,
    body: {
      reportId,
      recordedAt: claims[0]?.recordedAt ?? '',
      ...(positions && { consistencyToken: encodeConsistencyToken(positions) }),
      claims: claims.map((c) => ({
        index: c.index,
        claimId: c.claimId,
        kind: c.kind,
        place: {
          pcode: c.place.pcode,
          name: c.place.name,
          level: c.place.level,
          input: c.place.input,
          resolution: c.place.resolution,
        },
      })),
    },
  };
}

const candidateView = (c: Candidate) => ({
  pcode: c.pcode,
  name: c.name,
  level: c.level,
  province: c.province,
  matched: c.matched,
  distance: c.distance,
});

const problemView = (p: ClaimProblem) => ({
  index: p.index,
  field: p.field,
  ...(p.input !== undefined && { input: p.input }),
  reason: p.reason,
  problem: p.problem,
  ...(p.candidates && { candidates: p.candidates.map(candidateView) }),
});

/** The domain decides (decideReport); the writer appends to the log and checks resubmissions. */
@CommandHandler(SubmitReportCommand)
export class SubmitReportHandler implements ICommandHandler<SubmitReportCommand, ReportReceipt> {
  private readonly places: PlaceResolver;

  constructor(
    @Inject(GAZETTEER) gazetteer: Gazetteer,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly known: KnownClaimsLoader,
    private readonly writer: ClaimLogWriter,
    private readonly readModel: ReadModelReader,
  ) {
    this.places = new PlaceResolver(gazetteer);
  }

  async execute({ report, submittedBy }: SubmitReportCommand): Promise<ReportReceipt> {
    const known = await this.known.load(targetIdsOf(report));
    const decision = decideReport(report, {
      places: this.places,
      known,
      clock: this.clock,
      ids: claimIds,
      submittedBy,
    });
    if (!decision.accepted)
      throw unprocessable(
        `${decision.problems.length} claim field(s) could not be resolved; nothing was recorded. Fix them (use a p-code or one of the candidates) and submit again`,
        decision.problems.map(problemView),
      );
    const written = await this.writer.write(decision);
    if (written.outcome === 'conflict') {
      throw conflict(
        `report ${report.reportId} was already accepted with other content; a report is immutable: submit the change under a new reportId (and retract claims if needed)`,
        { claimIds: written.claims.map((c) => c.claimId) },
      );
    }
    // An identical resubmission written by another process: its positions, once projected.
    const positions =
      written.positions ??
      (await this.readModel
        .logPositions(written.claims.map((c) => c.claimId))
        .catch(() => undefined));
    return receipt(report.reportId, written.claims, written.outcome === 'created', positions);
  }
}
