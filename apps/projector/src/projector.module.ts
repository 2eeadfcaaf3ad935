import { DynamicModule, Module } from '@nestjs/common';
import { Config, PlatformModule } from '@sitrep/platform';
import { ClaimProjector } from './claim-projector';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { ObservedSettlerService } from './observed-settler.service';
import { ProjectorConsumer } from './projector.consumer';

@Module({})
export class ProjectorModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [PlatformModule.forRoot('projector', config)],
      providers: [ClaimProjector, DeadLetterPublisher, ObservedSettlerService, ProjectorConsumer],
    };
  }
}
