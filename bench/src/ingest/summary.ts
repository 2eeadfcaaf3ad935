/** What the ingest benchmark prints: the load phases, Kafka's yardstick, the projection check. */
import { table } from '@sitrep/platform';
import { cpus, totalmem } from 'node:os';
import { ProducerPerfResult } from '../kafka-perf';
import { mib, rate } from '../support/output';
import type { IngestBenchOptions, PhaseFigures } from './ingest.bench';
import { ProjectionCheck } from './projection-check';

const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;

export function printIngestSummary(
  options: IngestBenchOptions,
  phases: readonly PhaseFigures[],
  kafka: ProducerPerfResult | undefined,
  check: ProjectionCheck,
  projectSeconds: number,
): void {
  const ratio = (recordsPerSecond: number) =>
    kafka ? (recordsPerSecond / kafka.recordsPerSecond).toFixed(3) : '-';
  console.log('');
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mib(totalmem())} RAM, Node ${process.version}; ${options.apis} API process(es), ${options.partitions} partitions, projector ${options.projectorDuring ? 'running during the load' : 'started after the load'}`,
  );
  console.log('');
  console.log(
    table(
      [
        'phase',
        'conns',
        'secs',
        'reports/s',
        'claims/s',
        'p50',
        'p99',
        'max',
        'failed',
        'answers',
        'API CPU',
        'ratio to Kafka',
        'load avg',
      ],
      phases.map((p) => [
        p.label,
        String(p.connections),
        p.seconds.toFixed(1),
        rate(p.reportsPerSecond),
        rate(p.claimsPerSecond),
        ms(p.latencyMs.p50),
        ms(p.latencyMs.p99),
        ms(p.latencyMs.max),
        String(p.failed),
        Object.entries(p.statuses)
          .map(([code, n]) => `${code}×${n}`)
          .join(' '),
        `${p.apiCpu.toFixed(2)} cores`,
        ratio(p.claimsPerSecond),
        `${p.load[0].toFixed(2)} → ${p.load[1].toFixed(2)}`,
      ]),
    ),
  );
  console.log('');
  const figures: [string, string][] = [
    [
      'Kafka ProducerPerformance records/s',
      kafka
        ? `${rate(kafka.recordsPerSecond)} (${kafka.records.toLocaleString('en')} records of ${kafka.recordSize} bytes, acks=all, transactions of 20 ms; p50 ${kafka.latencyMs.p50} ms, p99 ${kafka.latencyMs.p99} ms)`
        : '-',
    ],
    [
      'accepted reports (claims)',
      `${check.acceptedReports.toLocaleString('en')} (${check.acceptedClaims.toLocaleString('en')}), warm-up included`,
    ],
    [
      'accepted but not in the read model',
      `${check.missingReports} reports, ${check.missingClaims} claims`,
    ],
    ['events in the read model', check.events.toLocaleString('en')],
    ['dead letters', String(check.deadLetters)],
    [
      options.projectorDuring ? 'projector catch-up after the load' : 'projector: whole topic',
      `${projectSeconds.toFixed(1)} s`,
    ],
  ];
  console.log(table(['figure', 'value'], figures));
  if (kafka) console.log(`ProducerPerformance: ${kafka.raw}`);
  console.log(
    `\nJSON ${JSON.stringify({
      apis: options.apis,
      connections: options.connections,
      phases: phases.map((p) => ({
        label: p.label,
        reportsPerSecond: Math.round(p.reportsPerSecond),
        claimsPerSecond: Math.round(p.claimsPerSecond),
        p50: p.latencyMs.p50,
        p99: p.latencyMs.p99,
        max: p.latencyMs.max,
        failed: p.failed,
        apiCores: Number(p.apiCpu.toFixed(2)),
        load: p.load,
      })),
      kafkaRecordsPerSecond: kafka ? Math.round(kafka.recordsPerSecond) : null,
      ratio: phases[0] && kafka ? Number(ratio(phases[0].claimsPerSecond)) : null,
      missingReports: check.missingReports,
    })}`,
  );
}
