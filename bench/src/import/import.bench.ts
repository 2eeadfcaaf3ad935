/**
 * npm run bench -- import [--reports 10000] [--concurrency 4] [--batch-size 500] [--keep]
 *
 * On a stack of its own (API and projector processes, topic prefix `bench.<random>.`, database
 * `sitrep_bench_<random>`, deleted at the end unless --keep):
 *   1. writes an NDJSON file of `--reports` distinct reports (the seeded ReportBodies of the
 *      ingest benchmark, 1 to 5 claims each, places as analysts spell them);
 *   2. imports it with the importer of `npm run import` (batches to POST /v1/reports:batch):
 *      accepted, unchanged, rejected, seconds, reports/s;
 *   3. imports it again: nothing may be added (every report unchanged);
 *   4. waits for the projector and checks the read model holds every claim once;
 *   5. for a yardstick in the same conditions, posts `--singles` more reports one per request
 *      (`POST /v1/reports`, 64 at a time).
 */
import {
  createKafka,
  createPool,
  JsonLogger,
  liveReadModel,
  loadConfig,
  loadGazetteer,
} from '@sitrep/platform';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchClient } from '../../../apps/cli/src/import/batch-client';
import { ImportSummary, runImportFile } from '../../../apps/cli/src/import/importer';
import { ReportBodies } from '../ingest/report-bodies';
import { wholeNumber } from '../support/options';
import { benchStack, cleanUp, serviceEnv } from '../support/bench-stack';
import { log, mib, rate } from '../support/output';
import { waitForProjection } from '../support/projection-wait';
import { Service } from '../support/service';

const USAGE =
  'usage: npm run bench -- import [--reports 10000] [--concurrency 4] [--batch-size 500] [--keep]';

const whole = (name: string, raw: string, max: number) => wholeNumber(name, raw, USAGE, 1, max);

export async function runImportBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      reports: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '4' },
      'batch-size': { type: 'string', default: '500' },
      singles: { type: 'string', default: '2000' },
      keep: { type: 'boolean', default: false },
    },
  });
  const reports = whole('reports', values.reports, 10_000_000);
  const concurrency = whole('concurrency', values.concurrency, 64);
  const batchLines = whole('batch-size', values['batch-size'], 1000);
  const singles = whole('singles', values.singles, 1_000_000);

  const config = loadConfig();
  const stack = benchStack(config.databaseUrl);
  const kafka = createKafka(config, 'sitrep-bench', new JsonLogger('bench', 'warn'));
  const admin = kafka.admin();
  const key = `bench-${randomBytes(12).toString('hex')}`;
  const env = serviceEnv(stack, config.kafkaBrokers, {
    SITREP_BOOTSTRAP_KEY: key,
    SITREP_PARTITIONS: String(config.partitions),
    RATE_LIMIT_MAX: '0',
  });
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-import-bench-'));
  const file = join(dir, 'reports.ndjson');
  const services: Service[] = [];
  const pool = createPool(stack.databaseUrl, 2);
  try {
    // 1. The file.
    const bodies = new ReportBodies(loadGazetteer(), stack.tag, 42);
    const lines: string[] = [];
    let claims = 0;
    for (let i = 0; i < reports; i++) {
      const n = 1 + (i % 5);
      lines.push(bodies.next(n));
      claims += n;
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    log(
      `bench ${stack.tag}: ${reports.toLocaleString('en')} reports, ${claims.toLocaleString('en')} claims, ${mib(statSync(file).size)} in ${file}`,
    );

    // 2 and 3. The import, twice, with the API and the projector running.
    const api = await Service.start('api', env);
    services.push(api, await Service.start('projector', env));
    await admin.connect();
    const run = (label: string) =>
      runImportFile({
        file,
        format: 'ndjson',
        client: new BatchClient({ api: api.url, key }),
        rejectsFile: join(dir, `${label}.rejects.ndjson`),
        concurrency,
        batchLines,
      });
    const first = await run('first');
    log(line('first run ', first));
    const second = await run('second');
    log(line('second run', second));

    // 4. Every claim in the read model, once.
    const { appliedSeconds } = await waitForProjection(pool, admin, stack.topics.claims, {
      timeoutMs: 600_000,
      label: 'projecting',
    });
    const { schema } = await liveReadModel(pool);
    const events = (
      await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.events`)
    ).rows[0]!.n;
    const yardstick = await postSingles(api.url, key, bodies, singles);

    console.log(`
import benchmark (${reports.toLocaleString('en')} reports, ${claims.toLocaleString('en')} claims, --concurrency ${concurrency}, --batch-size ${batchLines})
  first run   ${first.created.toLocaleString('en')} accepted new, ${first.unchanged} unchanged, ${first.rejected} rejected in ${first.seconds} s: ${rate(first.reportsPerSecond)} reports/s, ${rate(claims / first.seconds)} claims/s
  second run  ${second.created} accepted new, ${second.unchanged.toLocaleString('en')} unchanged, ${second.rejected} rejected in ${second.seconds} s: ${rate(second.reportsPerSecond)} reports/s
  yardstick   ${singles.toLocaleString('en')} more reports one per request (POST /v1/reports, 64 at a time): ${yardstick.toFixed(1)} s, ${rate(singles / yardstick)} reports/s
  load        ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} (1, 5, 15 min; 2 cores shared)
  projection  ${events.toLocaleString('en')} events in the read model (expected ${claims.toLocaleString('en')}), caught up ${appliedSeconds.toFixed(1)} s after the second run`);
    // A batch answered 503 (its commit in doubt when time ran out) is sent again by the importer:
    // what had reached the log then comes back unchanged, so the first run may count some.
    const ok =
      first.created + first.unchanged === reports &&
      first.rejected === 0 &&
      second.created === 0 &&
      second.unchanged === reports &&
      events === claims;
    if (!ok) {
      console.log('  FAILED: an import added something twice, lost something, or refused a report');
      process.exitCode = 1;
    }
  } finally {
    for (const service of services) await service.stop().catch(() => undefined);
    await pool.end();
    await admin.disconnect().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (values.keep) log(`kept: topic ${stack.topics.claims}, database ${stack.databaseUrl}`);
    else
      await cleanUp(kafka, stack.topics, [stack.topics.projectorGroup], stack.databaseUrl).catch(
        (error: Error) => log(`clean-up failed: ${error.message}`),
      );
  }
}

/** Seconds to post `n` new reports one per request, 64 requests in flight. */
async function postSingles(api: string, key: string, bodies: ReportBodies, n: number) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) {
        next += 1;
        const response = await fetch(`${api}/v1/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: bodies.next(1 + (next % 5)),
        });
        await response.arrayBuffer();
        if (response.status !== 201) throw new Error(`POST /v1/reports: ${response.status}`);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

const line = (label: string, s: ImportSummary) =>
  `${label}: ${s.created} accepted new, ${s.unchanged} unchanged, ${s.rejected} rejected in ${s.seconds} s (${rate(s.reportsPerSecond)} reports/s)`;
