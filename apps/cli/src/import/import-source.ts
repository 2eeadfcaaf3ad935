/**
 * What an import reads: the file, record by record, as the lines to send in a batch (NDJSON, as
 * is) or as rejects found before sending (a CSV row that cannot be mapped, a broken CSV record).
 * Read as a stream: the file is never held whole.
 */
import { claimIdFor } from '@sitrep/platform';
import { createReadStream } from 'node:fs';
import { acledReport, ACLED_REQUIRED, AcledRow } from './acled-mapping';
import { CsvRecord, csvRecords, CsvSyntaxError } from './csv-records';

export type ImportFormat = 'ndjson' | 'acled-csv';

export interface LocalProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly { path: string; message: string }[];
}

/** One record of the file: a report to send, or a reject found before sending. */
export type ImportItem =
  | {
      readonly line: number;
      readonly input: string;
      /** The report as one NDJSON line (no line break). */
      readonly body: string;
      /** Its report id and claim ids, when readable (to keep order across batches). */
      readonly produces: readonly string[];
      /** The report id and the claim ids it targets, when readable. */
      readonly needs: readonly string[];
    }
  | { readonly line: number; readonly input: string; readonly problem: LocalProblem };

const problem = (title: string, status: number, detail: string, path?: string): LocalProblem => ({
  type: `https://sitrep.dev/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
  title,
  status,
  detail,
  ...(path && { errors: [{ path, message: detail }] }),
});

/** Lines of a text stream, numbered from 1; blank lines are skipped. */
export async function* textLines(
  chunks: AsyncIterable<string>,
): AsyncGenerator<{ line: number; text: string }> {
  let rest = '';
  let line = 0;
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) {
      line += 1;
      const text = part.endsWith('\r') ? part.slice(0, -1) : part;
      if (text.trim()) yield { line, text };
    }
  }
  if (rest.trim()) yield { line: line + 1, text: rest.replace(/\r$/, '') };
}

function fileText(path: string): AsyncIterable<string> {
  return createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
}

/**
 * What a line says about ordering, read without judging it (the API judges it): the ids it
 * produces (its report id, its claims' ids) and those it needs (its report id, the claims it
 * targets by id). A line is sent only after the batches in flight that produce what it needs.
 */
export function orderKeys(text: string): { produces: string[]; needs: string[] } {
  try {
    const report = JSON.parse(text) as {
      reportId?: unknown;
      claims?: { target?: { claimId?: unknown } }[];
    };
    if (typeof report?.reportId !== 'string') return { produces: [], needs: [] };
    const { reportId } = report;
    const claims = Array.isArray(report.claims) ? report.claims.slice(0, 200) : [];
    const targets = claims.flatMap((c) =>
      typeof c?.target?.claimId === 'string' ? [c.target.claimId.toLowerCase()] : [],
    );
    return {
      produces: [reportId, ...claims.map((_, i) => claimIdFor(reportId, i))],
      needs: [reportId, ...targets],
    };
  } catch {
    return { produces: [], needs: [] };
  }
}

/** A report the API would refuse for its size alone (its body limit), refused here. */
const MAX_LINE_BYTES = 1024 * 1024;

async function* ndjsonItems(path: string): AsyncGenerator<ImportItem> {
  for await (const { line, text } of textLines(fileText(path))) {
    if (Buffer.byteLength(text) > MAX_LINE_BYTES)
      yield {
        line,
        input: text,
        problem: problem(
          'Payload too large',
          413,
          'this line is larger than 1 MiB, the limit of one report; split the report',
        ),
      };
    else yield { line, input: text, body: text, ...orderKeys(text) };
  }
}

async function* acledItems(path: string): AsyncGenerator<ImportItem> {
  let header: string[] | undefined;
  for await (const record of csvRecords(fileText(path))) {
    if (record instanceof CsvSyntaxError) {
      yield {
        line: record.line,
        input: record.raw,
        problem: problem('Invalid CSV', 400, `the record is not valid CSV: ${record.message}`),
      };
      continue;
    }
    if (!header) {
      header = record.fields.map((f) =>
        f
          .replace(/^\uFEFF/, '')
          .trim()
          .toLowerCase(),
      );
      const missing = ACLED_REQUIRED.filter((c) => !header!.includes(c));
      if (missing.length > 0)
        throw new Error(
          `${path} is not an ACLED export: its header lacks ${missing.join(', ')} (line 1 must name the columns, e.g. event_id_cnty,event_date,…)`,
        );
      continue;
    }
    yield acledItem(header, record);
  }
}

function acledItem(header: readonly string[], record: CsvRecord): ImportItem {
  const { line, raw: input, fields } = record;
  if (fields.length !== header.length)
    return {
      line,
      input,
      problem: problem(
        'Invalid CSV',
        400,
        `the record has ${fields.length} fields, the header ${header.length}`,
      ),
    };
  const row: AcledRow = Object.fromEntries(header.map((column, i) => [column, fields[i]]));
  const mapped = acledReport(row);
  if ('reason' in mapped)
    return { line, input, problem: problem('Row not mappable', 422, mapped.reason, mapped.field) };
  const body = JSON.stringify(mapped.report);
  return { line, input, body, produces: [mapped.report.reportId], needs: [mapped.report.reportId] };
}

/** The records of a file in the given format. */
export function importItems(path: string, format: ImportFormat): AsyncGenerator<ImportItem> {
  return format === 'ndjson' ? ndjsonItems(path) : acledItems(path);
}

/** How many records the file holds (a first, quick pass, for the progress bar's ETA). */
export async function countRecords(path: string, format: ImportFormat): Promise<number> {
  let n = 0;
  const records = format === 'ndjson' ? textLines(fileText(path)) : csvRecords(fileText(path));
  for await (const record of records) if (record) n += 1;
  return format === 'ndjson' ? n : Math.max(0, n - 1);
}
