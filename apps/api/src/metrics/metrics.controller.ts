import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { METRICS } from '@sitrep/platform';
import { Registry } from 'prom-client';
import { RequireScope } from '../auth/scopes';

@ApiTags('metrics')
@ApiBearerAuth()
@RequireScope('audit')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly registry: Registry) {}

  /** Prometheus text format; the series are listed in README.md, "Metrics". */
  @Get()
  @ApiProduces('text/plain')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
