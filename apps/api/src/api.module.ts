import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { Config, PlatformModule } from '@sitrep/platform';
import { auditParts } from './audit/audit.parts';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyRepository } from './auth/api-key.repository';
import { KeysController } from './auth/keys.controller';
import { curationParts } from './curation/curation.parts';
import { CheckpointsReader } from './consistency/checkpoints.reader';
import { ConsistencyInterceptor } from './consistency/consistency.interceptor';
import { ConsistencyWaiter } from './consistency/consistency-waiter';
import { HealthController } from './health/health.controller';
import { DistrictChangesReader } from './live/district-changes.reader';
import { LiveStreams } from './live/live-streams';
import { ProjectionListener } from './live/projection-listener';
import { StreamController } from './live/stream.controller';
import { ProblemFilter } from './http/problem.filter';
import { ClaimLogWriter } from './ingest/claim-log.writer';
import { KnownClaimsLoader } from './ingest/known-claims.loader';
import { ReportClaimsRepository } from './ingest/report-claims.repository';
import { ReportBatchesController } from './ingest/report-batches.controller';
import { ReportsController } from './ingest/reports.controller';
import { SubmitReportBatchHandler } from './ingest/submit-batch.handler';
import { IngestMetrics } from './metrics/ingest-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { SubmitReportHandler } from './ingest/submit-report.handler';
import {
  GetActorHandler,
  GetClaimHandler,
  ResolvePlaceHandler,
} from './queries/actors-claims.queries';
import {
  GetDistrictHandler,
  GetDistrictHistoryHandler,
  GetProvinceHandler,
  ListDistrictsHandler,
} from './queries/districts.queries';
import { ReadController } from './queries/read.controllers';
import { GetTimespanHandler } from './queries/timespan.query';
import { ClaimsReader } from './queries/claims.reader';
import { DistrictDocuments } from './queries/district-documents';
import { ReadModelReader } from './queries/read-model.reader';
import { TimelineReader } from './queries/timeline.reader';
import { ReplayService } from './replays/replay.service';
import { ReplaysController } from './replays/replays.controller';

const parts = {
  controllers: [
    ReportsController,
    ReportBatchesController,
    ReadController,
    StreamController,
    KeysController,
    HealthController,
    ReplaysController,
    MetricsController,
    ...auditParts.controllers,
    ...curationParts.controllers,
  ],
  providers: [
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_INTERCEPTOR, useClass: ConsistencyInterceptor },
    CheckpointsReader,
    ConsistencyWaiter,
    ApiKeyRepository,
    IngestMetrics,
    ReportClaimsRepository,
    KnownClaimsLoader,
    ClaimLogWriter,
    SubmitReportHandler,
    SubmitReportBatchHandler,
    ReadModelReader,
    TimelineReader,
    ClaimsReader,
    DistrictDocuments,
    GetDistrictHandler,
    ListDistrictsHandler,
    GetProvinceHandler,
    GetDistrictHistoryHandler,
    GetActorHandler,
    GetClaimHandler,
    ResolvePlaceHandler,
    GetTimespanHandler,
    ReplayService,
    ProjectionListener,
    DistrictChangesReader,
    LiveStreams,
    ...auditParts.providers,
    ...curationParts.providers,
  ],
};

@Module({})
export class ApiModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forRoot('api', config), CqrsModule.forRoot()],
      ...parts,
    };
  }
}
