import { Inject, Injectable } from '@nestjs/common';
import { METRICS } from '@sitrep/platform';
import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The ingest path's series. The write path calls these hooks; it knows what was accepted and
 * how long each Kafka transaction took.
 */
@Injectable()
export class IngestMetrics {
  private readonly reports: Counter<'outcome'>;
  private readonly claims: Counter;
  private readonly commits: Histogram<'outcome'>;
  private readonly groups: Histogram;

  constructor(@Inject(METRICS) registry: Registry) {
    this.reports = new Counter({
      name: 'sitrep_reports_accepted_total',
      help: 'Reports answered 201 (outcome "created") or 200 (outcome "identical")',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.claims = new Counter({
      name: 'sitrep_claims_accepted_total',
      help: 'Claims of created reports, committed to the claim topic',
      registers: [registry],
    });
    this.commits = new Histogram({
      name: 'sitrep_kafka_commit_duration_seconds',
      help: 'One Kafka transaction of the write path, from its first send to its commit (outcome "committed" or "failed")',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.groups = new Histogram({
      name: 'sitrep_ingest_group_reports',
      help: 'Reports written together in one Kafka transaction (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [registry],
    });
  }

  /** A report answered: created (with its claims) or an identical resubmission. */
  accepted(outcome: 'created' | 'identical', claims: number): void {
    this.reports.inc({ outcome });
    if (outcome === 'created') this.claims.inc(claims);
  }

  /** A Kafka transaction of `reports` reports ended after `seconds`. */
  kafkaTransaction(seconds: number, committed: boolean, reports: number): void {
    this.commits.observe({ outcome: committed ? 'committed' : 'failed' }, seconds);
    if (committed) this.groups.observe(reports);
  }
}
