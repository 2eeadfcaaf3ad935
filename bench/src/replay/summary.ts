/** What the replay benchmark prints: its figures, where the time went, the log's mix. */
import { cpus, totalmem } from 'node:os';
import { table } from '@sitrep/platform';
import { ConsumerPerfResult } from '../kafka-perf';
import { mib, rate } from '../support/output';
import { cpuFigure, cpuJson } from '../support/server-cpu';
import { Produced } from './produce-log';
import { ReplayFigures } from './replay-child';
import { Verification } from './verify';

export function printSummary(
  options: { readonly partitions: number },
  produced: Produced,
  replay: ReplayFigures,
  verification: Verification | undefined,
  perf: ConsumerPerfResult | undefined,
): void {
  const t = replay.timings;
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const share = (ms: number) => `${((100 * ms) / Math.max(1, t.total)).toFixed(0)}%`;
  const figures: [string, string][] = [
    [
      'machine',
      `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mib(totalmem())} RAM, Node ${process.version}`,
    ],
    ['events (messages on the topic)', produced.messages.toLocaleString('en')],
    ['unique claims', produced.unique.toLocaleString('en')],
    ['partitions', String(options.partitions)],
    ['log size', mib(produced.bytes)],
    ['replay events/s (read phase)', rate(replay.eventsPerSecond)],
    [
      'kafka-consumer-perf-test events/s',
      perf
        ? `${rate(perf.messagesPerSecond)} (fetch only: ${rate(perf.fetchMessagesPerSecond)})`
        : '-',
    ],
    [
      'ratio replay / kafka',
      perf ? (replay.eventsPerSecond / perf.messagesPerSecond).toFixed(2) : '-',
    ],
    ['replay read phase', `${replay.readSeconds.toFixed(2)} s`],
    ['replay wall time (start → switched, old dropped)', `${replay.wallSeconds.toFixed(2)} s`],
    [
      'replay checksums (vs the live version)',
      replay.checksumMatch ? 'match' : `MISMATCH: ${replay.checksumMismatch}`,
    ],
    [
      'independent verification',
      verification
        ? verification.ok
          ? `ok (events ${verification.events.stored}; districts ${verification.districts.stored})`
          : `FAILED: events ${verification.events.stored} vs ${verification.events.expected}; districts ${verification.districts.stored} vs ${verification.districts.expected}; ${verification.staleBodies} bodies not upcast`
        : 'skipped',
    ],
    ['replay CPU time of this process (user + system)', `${replay.cpuSeconds.toFixed(1)} s`],
    ['Postgres server CPU time, same span', cpuFigure(replay.servers.postgres)],
    ['Kafka broker CPU time, same span', cpuFigure(replay.servers.broker)],
    [
      'load average (1 min) before → after the replay',
      `${replay.load[0].toFixed(2)} → ${replay.load[1].toFixed(2)} on ${cpus().length} cores`,
    ],
    [
      'memory: rss before → peak during replay',
      `${mib(replay.rssBefore)} → ${mib(replay.rssPeak)}`,
    ],
  ];
  // The replay's wall time, phase after phase (they add up to the total); the read phase is split
  // by where the main thread was (Postgres ingests the COPY meanwhile, in its own process).
  const phases: [string, number][] = [
    ['setup (version schema, offsets)', t.setup],
    ['reading the log (wall), of which:', t.read],
    ['  Kafka fetch + decode (kafkajs, outside our handler)', Math.max(0, t.read - t.handler)],
    ['  JSON parse + validation + upcast (decodeEvent)', t.decode],
    ['  projection engine (district states, recorded timelines)', t.engine],
    ['  COPY: building rows', t.copyEncode],
    ['  COPY: waiting for Postgres to take rows', t.copyWait],
    [
      '  other handler work',
      Math.max(0, t.handler - t.decode - t.engine - t.copyEncode - t.copyWait),
    ],
    ['COPY: waiting for the last events to be stored', t.eventsDrain],
    ['observed timelines of every district (meanwhile: events index build)', t.observed],
    ['COPY: waiting for the last timeline rows to be stored', t.timelinesDrain],
    ['waiting for the index builds', t.indexWait],
    ['current states, standings, checkpoints', t.current],
    ['following the log, switch + checksums', t.switch],
    ['drop old version', t.drop],
  ];
  console.log('');
  console.log(table(['figure', 'value'], figures));
  console.log('');
  console.log(
    table(
      ['where the replay time goes', 'seconds', 'share'],
      phases.map(([n, ms]) => [n, s(ms), share(ms)]),
    ),
  );
  console.log(`index builds: ${s(t.indexes)} s, overlapping the observed timelines`);
  console.log(`total ${s(t.total)} s (wall, replay start → done)`);
  console.log('');
  console.log(
    `log mix: ${Object.entries(produced.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}`,
  );
  if (perf) console.log(`ConsumerPerformance: ${perf.raw}`);
  console.log(
    `\nJSON ${JSON.stringify({
      events: produced.messages,
      replayEventsPerSecond: Math.round(replay.eventsPerSecond),
      kafkaEventsPerSecond: perf ? Math.round(perf.messagesPerSecond) : null,
      ratio: perf ? Number((replay.eventsPerSecond / perf.messagesPerSecond).toFixed(3)) : null,
      readSeconds: Number(replay.readSeconds.toFixed(2)),
      wallSeconds: Number(replay.wallSeconds.toFixed(2)),
      checksumMatch: replay.checksumMatch,
      verified: verification?.ok ?? null,
      rssPeakMiB: Math.round(replay.rssPeak / 2 ** 20),
      cpuSeconds: Number(replay.cpuSeconds.toFixed(1)),
      postgresCpuSeconds: cpuJson(replay.servers.postgres),
      brokerCpuSeconds: cpuJson(replay.servers.broker),
      timingsMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])),
    })}`,
  );
  if (!replay.checksumMatch || (verification && !verification.ok)) process.exitCode = 1;
}
