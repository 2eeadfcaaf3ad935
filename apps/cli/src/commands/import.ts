import { progressPrinter } from '@sitrep/platform';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BatchClient } from '../import/batch-client';
import { countRecords, ImportFormat } from '../import/import-source';
import { runImportFile } from '../import/importer';

export const IMPORT_HELP =
  'import reports through a running API: FILE [--format ndjson|acled-csv] [--api URL] [--key KEY] [--rejects FILE] [--concurrency N]';

const FORMATS: readonly ImportFormat[] = ['ndjson', 'acled-csv'];

/** npm run import -- FILE [options]: bulk import over `POST /v1/reports:batch`. */
export async function runImport(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      api: { type: 'string' },
      key: { type: 'string' },
      rejects: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      'batch-size': { type: 'string', default: '500' },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0)
    throw new Error(`usage: npm run import -- ${IMPORT_HELP.slice(IMPORT_HELP.indexOf('FILE'))}`);
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const format = (values.format ?? (/\.csv$/i.test(file) ? 'acled-csv' : 'ndjson')) as ImportFormat;
  if (!FORMATS.includes(format))
    throw new Error(`--format is ndjson or acled-csv, not "${values.format}"`);
  const concurrency = whole(values.concurrency, '--concurrency', 1, 64);
  const batchLines = whole(values['batch-size'], '--batch-size', 1, 1000);
  const api =
    values.api ?? process.env['SITREP_URL'] ?? `http://127.0.0.1:${process.env['PORT'] ?? '3000'}`;
  const key = values.key ?? process.env['SITREP_API_KEY'] ?? process.env['SITREP_BOOTSTRAP_KEY'];
  if (!key)
    throw new Error('pass --key (or set SITREP_API_KEY) to an API key with the ingest scope');
  const rejectsFile = values.rejects ?? `${file}.rejects.ndjson`;

  const total = await countRecords(file, format);
  const started = performance.now();
  const progress = progressPrinter('import', 'reports/s');
  const show = (processed: number) =>
    progress({
      processed,
      total,
      eventsPerSecond: processed / Math.max((performance.now() - started) / 1000, 0.001),
    });
  const client = new BatchClient({
    api,
    key,
    onWait: (reason, seconds) =>
      process.stderr.write(
        `\nthe API cannot take reports yet (${reason}); retrying in ${seconds} s\n`,
      ),
  });
  const summary = await runImportFile({
    file,
    format,
    client,
    rejectsFile,
    concurrency,
    batchLines,
    onProgress: (counts) => show(counts.processed),
  });
  process.stderr.write(
    `\nimported ${summary.processed.toLocaleString('en')} record(s) of ${file} in ${summary.seconds} s (${summary.reportsPerSecond.toLocaleString('en')} reports/s): ` +
      `${summary.created.toLocaleString('en')} accepted new, ${summary.unchanged.toLocaleString('en')} unchanged, ${summary.rejected.toLocaleString('en')} rejected` +
      (summary.rejected > 0 ? ` (see ${rejectsFile})` : '') +
      '\n',
  );
  console.log(JSON.stringify(summary, null, 2));
}

function whole(text: string | undefined, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${option} is a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}
