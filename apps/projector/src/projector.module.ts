import { DynamicModule, Module } from '@nestjs/common';
import { Config, PlatformModule } from '@sitrep/platform';
import { ChangesPrunerService } from './changes-pruner.service';
import { ClaimProjector } from './claim-projector';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { MetricsServer } from './metrics.server';
import { ObservedSettlerService } from './observed-settler.service';
import { ProjectorConsumer } from './projector.consumer';
import { ProjectorMetrics } from './projector-metrics';
import { StatisticsService } from './statistics.service';

@Module({})
export class ProjectorModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [PlatformModule.forRoot('projector', config)],
      providers: [
        ProjectorMetrics,
        MetricsServer,
        ClaimProjector,
        DeadLetterPublisher,
        ObservedSettlerService,
        StatisticsService,
        ChangesPrunerService,
        ProjectorConsumer,
      ],
    };
  }
}
