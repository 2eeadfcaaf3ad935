import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { METRICS } from '@sitrep/platform';
import { Registry } from 'prom-client';
import { RequireScope } from '../auth/scopes';
import { healthDocs } from '../health/health.docs';
import { ApiDoc } from '../http/openapi/api-doc.decorator';

@ApiTags('metrics')
@RequireScope('audit')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly registry: Registry) {}

  /** Prometheus text format; the series are listed in README.md, "Metrics". */
  @Get()
  @ApiDoc(healthDocs.metrics)
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
