import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Gazetteer } from '@sitrep/domain';
import { CLOCK, Clock, GAZETTEER, PG_POOL } from '@sitrep/platform';
import { Pool } from 'pg';
import { conflict } from '../http/problem';
import { ClaimLogWriter } from './claim-log.writer';
import { claimsById, StoredClaim } from './report-claims.repository';
import { ReportPlanner, targetIdsOf } from './report-planner';
import { ReportInput } from './report.schema';

export class SubmitReportCommand {
  constructor(readonly report: ReportInput) {}
}

export interface ReportReceipt {
  readonly created: boolean;
  readonly body: {
    readonly reportId: string;
    readonly recordedAt: string;
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
): ReportReceipt {
  return {
    created,
    body: {
      reportId,
      recordedAt: claims[0]?.recordedAt ?? '',
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

@CommandHandler(SubmitReportCommand)
export class SubmitReportHandler implements ICommandHandler<SubmitReportCommand, ReportReceipt> {
  private readonly planner: ReportPlanner;

  constructor(
    @Inject(GAZETTEER) gazetteer: Gazetteer,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly writer: ClaimLogWriter,
  ) {
    this.planner = new ReportPlanner(gazetteer);
  }

  async execute({ report }: SubmitReportCommand): Promise<ReportReceipt> {
    const known = await claimsById(this.pool, targetIdsOf(report));
    const plan = this.planner.plan(report, known, this.clock.now().toISOString());
    const written = await this.writer.write(plan);
    if (written.outcome === 'conflict') {
      throw conflict(
        `report ${report.reportId} was already accepted with other content; a report is immutable: submit the change under a new reportId (and retract claims if needed)`,
        { claimIds: written.claims.map((c) => c.claimId) },
      );
    }
    return receipt(report.reportId, written.claims, written.outcome === 'created');
  }
}
