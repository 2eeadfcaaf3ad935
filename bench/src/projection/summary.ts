/** What the projection benchmark prints: the catch-up tenth by tenth, against Kafka's consumer. */
import { cpus, totalmem } from 'node:os';
import { table } from '@sitrep/platform';
import { ConsumerPerfResult } from '../kafka-perf';
import { Produced } from '../replay/produce-log';
import { Verification } from '../replay/verify';
import { mib, rate } from '../support/output';
import { cpuFigure, cpuJson, ServerCpu } from '../support/server-cpu';
import { ProjectionBenchOptions } from './projection.bench';

/**
 * The moments the applied count crossed each tenth of the log, interpolated between two looks,
 * and the events/s over each tenth. The first tenth starts at the first event applied (the group
 * join before it is reported apart).
 */
export class Tenths {
  private readonly crossed: number[] = [];
  private last: { applied: number; ms: number } | undefined;
  private firstMs: number | undefined;

  constructor(private readonly total: number) {}

  observe(applied: number, ms: number): void {
    if (applied > 0 && this.firstMs === undefined) this.firstMs = this.last ? this.last.ms : ms; // the first event came after the last look
    const previous = this.last ?? { applied: 0, ms };
    while (this.crossed.length < 10) {
      const mark = (this.total * (this.crossed.length + 1)) / 10;
      if (applied < mark) break;
      const span = applied - previous.applied;
      const at =
        span > 0 ? previous.ms + ((mark - previous.applied) / span) * (ms - previous.ms) : ms;
      this.crossed.push(at);
    }
    this.last = { applied, ms };
  }

  /** Milliseconds from the wait's start to the first event applied. */
  get joinMs(): number {
    return this.firstMs ?? 0;
  }

  /** Events per second over each tenth. */
  rates(): number[] {
    const tenth = this.total / 10;
    return this.crossed.map((at, i) => {
      const from = i === 0 ? this.joinMs : this.crossed[i - 1]!;
      return (tenth * 1000) / Math.max(1, at - from);
    });
  }
}

export interface CatchUp {
  /** Starting the projector process (migrations included). */
  readonly startSeconds: number;
  /** From the projector's start to every event applied (checkpoints at the end of the log). */
  readonly appliedSeconds: number;
  /** Until the observed timelines were rewritten too (nothing pending). */
  readonly settledSeconds: number;
  readonly cpuSeconds: number;
  /**
   * The projector's longest event-loop stall while catching up, and the 99th percentile of its
   * delays: Kafka heartbeats wait that long (a stall past the session timeout costs the group).
   */
  readonly eventLoop: { readonly maxMs: number; readonly p99Ms: number };
  /** CPU the Postgres server and the broker used over the same span. */
  readonly servers: ServerCpu;
  readonly load: readonly [number, number];
  readonly tenths: readonly number[];
}

export function printProjectionSummary(
  options: ProjectionBenchOptions,
  produced: Produced,
  catchUp: CatchUp,
  checks: {
    readonly verification: Verification | undefined;
    /** Whether a full replay of the same log gave the same checksums (undefined: not run). */
    readonly replayMatches: boolean | undefined;
  },
  perf: ConsumerPerfResult | undefined,
): void {
  const { verification, replayMatches } = checks;
  const overall = produced.messages / Math.max(0.001, catchUp.appliedSeconds);
  const first = catchUp.tenths[0] ?? 0;
  const lastTenth = catchUp.tenths[catchUp.tenths.length - 1] ?? 0;
  const figures: [string, string][] = [
    [
      'machine',
      `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mib(totalmem())} RAM, Node ${process.version}`,
    ],
    ['events (messages on the topic)', produced.messages.toLocaleString('en')],
    ['partitions', String(options.partitions)],
    ['log size', mib(produced.bytes)],
    ['projector start (migrations) ', `${catchUp.startSeconds.toFixed(1)} s`],
    ['all events applied after', `${catchUp.appliedSeconds.toFixed(1)} s`],
    ['observed timelines settled after', `${catchUp.settledSeconds.toFixed(1)} s`],
    ['projector events/s (whole log, group join included)', rate(overall)],
    ['events/s over the first tenth', rate(first)],
    ['events/s over the last tenth', rate(lastTenth)],
    ['ratio last tenth / first tenth', (lastTenth / Math.max(1, first)).toFixed(2)],
    [
      'kafka-consumer-perf-test events/s',
      perf
        ? `${rate(perf.messagesPerSecond)} (fetch only: ${rate(perf.fetchMessagesPerSecond)})`
        : '-',
    ],
    ['ratio projector / kafka', perf ? (overall / perf.messagesPerSecond).toFixed(3) : '-'],
    ['projector CPU time (user + system)', `${catchUp.cpuSeconds.toFixed(1)} s`],
    [
      "projector's longest event-loop stall (p99 of delays)",
      `${(catchUp.eventLoop.maxMs / 1000).toFixed(2)} s (${catchUp.eventLoop.p99Ms.toFixed(0)} ms)`,
    ],
    ['Postgres server CPU time, same span', cpuFigure(catchUp.servers.postgres)],
    ['Kafka broker CPU time, same span', cpuFigure(catchUp.servers.broker)],
    [
      'load average (1 min) before → after',
      `${catchUp.load[0].toFixed(2)} → ${catchUp.load[1].toFixed(2)} on ${cpus().length} cores`,
    ],
    [
      'independent verification',
      verification
        ? verification.ok
          ? `ok (events ${verification.events.stored}; districts ${verification.districts.stored})`
          : `FAILED: events ${verification.events.stored} vs ${verification.events.expected}; districts ${verification.districts.stored} vs ${verification.districts.expected}; ${verification.staleBodies} bodies not upcast`
        : 'skipped',
    ],
    [
      "a full replay of the same log vs the live projector's read model",
      replayMatches === undefined
        ? 'skipped'
        : replayMatches
          ? 'checksums match (events, statuses, both timelines)'
          : 'CHECKSUM MISMATCH',
    ],
  ];
  console.log('');
  console.log(table(['figure', 'value'], figures));
  console.log('');
  console.log(
    table(
      ['tenth of the log', 'events/s'],
      catchUp.tenths.map((r, i) => [`${i * 10}–${(i + 1) * 10} %`, rate(r)]),
    ),
  );
  console.log(
    `\nJSON ${JSON.stringify({
      events: produced.messages,
      projectorEventsPerSecond: Math.round(overall),
      tenths: catchUp.tenths.map(Math.round),
      lastOverFirst: Number((lastTenth / Math.max(1, first)).toFixed(2)),
      kafkaEventsPerSecond: perf ? Math.round(perf.messagesPerSecond) : null,
      appliedSeconds: Number(catchUp.appliedSeconds.toFixed(1)),
      settledSeconds: Number(catchUp.settledSeconds.toFixed(1)),
      projectorCpuSeconds: Number(catchUp.cpuSeconds.toFixed(1)),
      eventLoopStallMaxSeconds: Number((catchUp.eventLoop.maxMs / 1000).toFixed(2)),
      postgresCpuSeconds: cpuJson(catchUp.servers.postgres),
      brokerCpuSeconds: cpuJson(catchUp.servers.broker),
      verified: verification?.ok ?? null,
      replayMatches: replayMatches ?? null,
    })}`,
  );
  if ((verification && !verification.ok) || replayMatches === false) process.exitCode = 1;
}
