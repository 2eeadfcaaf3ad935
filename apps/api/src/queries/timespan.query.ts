import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@sitrep/platform';
import { TimelineReader } from './timeline.reader';

/** The span of the log on both axes: when the first and the last change of a status took effect. */
export class GetTimespanQuery {}

@QueryHandler(GetTimespanQuery)
export class GetTimespanHandler implements IQueryHandler<GetTimespanQuery> {
  constructor(
    private readonly timelines: TimelineReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute() {
    return { ...(await this.timelines.span()), now: this.clock.now().toISOString() };
  }
}
