/**
 * npm run bench -- reads [--sizes 10000,100000] [--samples 40] [--history 10000] [--keep]
 *
 * In one run, on a stack of its own (topic prefix `bench.<random>.`, database
 * `sitrep_bench_<random>`, both deleted at the end unless --keep):
 *   1. starts the API and the projector (processes of their own, as their main.ts start them);
 *   2. for each size, posts claims through the API until the log holds that many (200-claim
 *      reports, 45 % about three provinces, 10 % late by up to 30 days; report-stream.ts), waits
 *      for the projector (observed timelines included), then times every read of the issue's
 *      table against the current-status read of the same district, interleaved: median, p99,
 *      ratio of the medians;
 *   3. gives one district a history of `--history` status changes and pages through all of it,
 *      newest and oldest first, against that district's current-status read;
 *   4. prints a summary; exits non-zero when a read is slower than 5× its baseline (median).
 */
import { createKafka, createPool, JsonLogger, loadConfig, loadGazetteer } from '@sitrep/platform';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { benchStack, cleanUp, serviceEnv } from '../support/bench-stack';
import { log } from '../support/output';
import { waitForProjection } from '../support/projection-wait';
import { Service } from '../support/service';
import { fill, fillHistory, Poster } from './fill';
import { ReadFigures, ReadTimer } from './read-timer';
import { ReportStream } from './report-stream';
import { HistoryFigures, printReadsSummary, SizeFigures } from './summary';
import { wholeNumber } from '../support/options';

const USAGE =
  'usage: npm run bench -- reads [--sizes 10000,100000] [--samples 40] [--history 10000] [--keep]';

/** The district and province of the issue's table, and the other hot provinces. */
const DISTRICT = 'AF1401';
const PROVINCE = 'AF14';
const HOT = ['AF14', 'AF08', 'AF09'];
/** A district of a cold province, given a long history in step 3. */
const HISTORY_DISTRICT = 'AF3401';
const START = Date.parse('2021-06-01T00:00:00Z');

export interface ReadsBenchOptions {
  readonly sizes: readonly number[];
  readonly samples: number;
  readonly history: number;
  readonly keep: boolean;
}

export async function runReadsBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      samples: { type: 'string', default: '40' },
      history: { type: 'string', default: '10000' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const whole = (name: string, raw: string, min: number) => wholeNumber(name, raw, USAGE, min);
  await benchReads({
    sizes: values.sizes
      .split(',')
      .map((s) => whole('sizes', s, 200))
      .sort((a, b) => a - b),
    samples: whole('samples', values.samples, 5),
    history: whole('history', values.history, 0),
    keep: values.keep,
  });
}

async function benchReads(options: ReadsBenchOptions): Promise<void> {
  const config = loadConfig();
  const stack = benchStack(config.databaseUrl);
  const kafka = createKafka(config, 'sitrep-bench', new JsonLogger('bench', 'warn'));
  const admin = kafka.admin();
  const gazetteer = loadGazetteer();
  if (!gazetteer.place(HISTORY_DISTRICT) || !gazetteer.place(DISTRICT))
    throw new Error(`the gazetteer lacks ${DISTRICT} or ${HISTORY_DISTRICT}`);
  const key = `bench-${randomBytes(12).toString('hex')}`;
  const env = serviceEnv(stack, config.kafkaBrokers, {
    SITREP_BOOTSTRAP_KEY: key,
    RATE_LIMIT_MAX: '0',
    PROJECTOR_METRICS_PORT: '0',
  });
  const services: Service[] = [];
  const pool = createPool(stack.databaseUrl, 2);
  log(`bench ${stack.tag}: topic ${stack.topics.claims}, database ${stack.databaseName}`);
  try {
    await admin.connect();
    const api = await Service.start('api', env);
    services.push(api, await Service.start('projector', env));
    const poster: Poster = { baseUrl: api.url, key };
    const timer = new ReadTimer(api.url, key);
    // About 4 hours of observed time per report: 100k claims span about 3 months.
    const stream = new ReportStream(gazetteer, {
      seed: 7,
      runTag: stack.tag,
      hot: HOT,
      start: START,
      stepMs: 4 * 3_600_000,
    });
    const sizes: SizeFigures[] = [];
    let claims = 0;
    for (const size of options.sizes) {
      const posted = await fill(poster, stream, claims, size);
      claims = posted.claims;
      const recordedMid = new Date(Date.now() - (posted.seconds * 1000) / 2).toISOString();
      log(`posted ${claims.toLocaleString('en')} claims; waiting for the projector…`);
      await waitForProjection(pool, admin, stack.topics.claims, {
        timeoutMs: 1_800_000,
        settled: true,
        label: 'projecting',
      });
      const span = stream.span;
      const observedMid = new Date((span.from + span.to) / 2).toISOString();
      const now = new Date().toISOString();
      log(`timing reads at ${claims.toLocaleString('en')} claims…`);
      sizes.push({
        claims,
        reads: await timeReads(timer, options.samples, { observedMid, recordedMid, now }),
      });
    }

    let history: HistoryFigures | undefined;
    if (options.history > 0) {
      log(`giving ${HISTORY_DISTRICT} a history of ${options.history} changes…`);
      await fillHistory(poster, HISTORY_DISTRICT, options.history, stack.tag, START);
      await waitForProjection(pool, admin, stack.topics.claims, {
        timeoutMs: 1_800_000,
        settled: true,
        label: 'projecting',
      });
      history = await pageHistory(timer, HISTORY_DISTRICT, options.history);
    }
    printReadsSummary(options, sizes, history);
    const slow = [...sizes.flatMap((s) => s.reads), ...(history?.pages ?? [])].filter(
      (r) => r.ratio > 5,
    );
    if (slow.length > 0) process.exitCode = 1;
  } finally {
    for (const service of services) await service.stop().catch(() => undefined);
    await pool.end();
    await admin.disconnect().catch(() => undefined);
    if (options.keep) log(`kept: topic ${stack.topics.claims}, database ${stack.databaseUrl}`);
    else
      await cleanUp(kafka, stack.topics, [stack.topics.projectorGroup], stack.databaseUrl).catch(
        (error: Error) => log(`clean-up failed: ${error.message}`),
      );
  }
}

/** The issue's table: every read of DISTRICT, its province and an actor, against the current read. */
async function timeReads(
  timer: ReadTimer,
  samples: number,
  at: { readonly observedMid: string; readonly recordedMid: string; readonly now: string },
): Promise<ReadFigures[]> {
  const current = `/v1/districts/${DISTRICT}`;
  const asOf = (moment: string, axis: string) => `asOf=${encodeURIComponent(moment)}&axis=${axis}`;
  const reads: [string, string][] = [
    ['district, asOf mid-period, observed', `${current}?${asOf(at.observedMid, 'observed')}`],
    ['district, asOf mid-fill, recorded', `${current}?${asOf(at.recordedMid, 'recorded')}`],
    ['district, asOf now, recorded', `${current}?${asOf(at.now, 'recorded')}`],
    ['history, observed (first page)', `${current}/history?axis=observed`],
    ['history, recorded, newest first', `${current}/history?axis=recorded&order=newest`],
    [
      'province summary, asOf mid-period',
      `/v1/provinces/${PROVINCE}?${asOf(at.observedMid, 'observed')}`,
    ],
    ['province summary, current', `/v1/provinces/${PROVINCE}`],
    [
      'district list (200), asOf mid-period',
      `/v1/districts?limit=200&${asOf(at.observedMid, 'observed')}`,
    ],
    ['district list (200), current', `/v1/districts?limit=200`],
    ['actor taliban, current', `/v1/actors/taliban`],
    ['actor taliban, asOf mid-period', `/v1/actors/taliban?${asOf(at.observedMid, 'observed')}`],
    [
      'explain, asOf mid-period',
      `/v1/audit/districts/${DISTRICT}/explain?${asOf(at.observedMid, 'observed')}`,
    ],
    ['explain, current', `/v1/audit/districts/${DISTRICT}/explain`],
  ];
  const figures = [
    await timer.compare('district, current (the baseline)', current, current, samples),
  ];
  for (const [label, path] of reads)
    figures.push(await timer.compare(label, path, current, samples));
  return figures;
}

/** Every page of a long history, both ways, each page against the district's current read. */
async function pageHistory(
  timer: ReadTimer,
  district: string,
  changes: number,
): Promise<HistoryFigures> {
  const current = `/v1/districts/${district}`;
  const pages: ReadFigures[] = [];
  const seen: Record<string, number> = {};
  for (const axis of ['observed', 'recorded'])
    for (const order of ['newest', 'oldest']) {
      let cursor: string | undefined;
      const times: ReadFigures[] = [];
      let entries = 0;
      do {
        const path = `${current}/history?axis=${axis}&order=${order}&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
        const page = JSON.parse((await timer.once(path)).body) as {
          changes: unknown[];
          nextCursor?: string | null;
        };
        entries += page.changes.length;
        times.push(await timer.compare('page', path, current, 3));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      seen[`${axis}, ${order} first`] = entries;
      const ms = times.map((t) => t.medianMs);
      const base = times.map((t) => t.baselineMedianMs);
      pages.push({
        label: `${axis}, ${order} first: ${times.length} pages, ${entries} changes`,
        path: `${current}/history?axis=${axis}&order=${order}&limit=200`,
        samples: times.length,
        medianMs: median(ms),
        p99Ms: Math.max(...times.map((t) => t.p99Ms)),
        baselineMedianMs: median(base),
        baselineP99Ms: Math.max(...times.map((t) => t.baselineP99Ms)),
        ratio: median(ms) / median(base),
        bytes: Math.max(...times.map((t) => t.bytes)),
      });
    }
  return { district, changes, entries: seen, pages };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};
