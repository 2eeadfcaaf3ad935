/**
 * A bulk import: the file's records in batches to `POST /v1/reports:batch`, `concurrency`
 * batches in flight, reading on only as batches are answered (so the file streams through).
 * Every refused record goes to the rejects file with its line, its input and the problem. The
 * API decides everything (validation, places, resubmissions): an import run again adds nothing.
 */
import { createWriteStream, WriteStream } from 'node:fs';
import { BatchClient, LineResult } from './batch-client';
import { ImportFormat, ImportItem, importItems } from './import-source';

type Sendable = Extract<ImportItem, { body: string }>;

export interface ImportOptions {
  readonly file: string;
  readonly format: ImportFormat;
  readonly client: BatchClient;
  readonly rejectsFile: string;
  readonly concurrency: number;
  /** Reports per batch (the API takes up to 1000 and 8 MiB). */
  readonly batchLines?: number;
  readonly onProgress?: (counts: ImportCounts) => void;
}

export interface ImportCounts {
  /** Records handled: accepted, unchanged or rejected. */
  readonly processed: number;
  readonly created: number;
  readonly unchanged: number;
  readonly rejected: number;
}

export interface ImportSummary extends ImportCounts {
  readonly file: string;
  readonly format: ImportFormat;
  readonly rejectsFile: string;
  readonly seconds: number;
  readonly reportsPerSecond: number;
}

const BATCH_BYTES = 4 * 1024 * 1024;

export async function runImportFile(options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const counts = { processed: 0, created: 0, unchanged: 0, rejected: 0 };
  const rejects = createWriteStream(options.rejectsFile, { flags: 'w' });
  const batchLines = options.batchLines ?? 500;
  /** Batches in flight by the ids they produce: a batch that needs one waits for it. */
  const producing = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown;

  const reject = (line: number, input: string, problem: unknown) => {
    counts.rejected += 1;
    counts.processed += 1;
    return write(rejects, `${JSON.stringify({ line, input, problem })}\n`);
  };

  const record = async (items: readonly Sendable[], results: readonly LineResult[]) => {
    for (const [i, result] of results.entries()) {
      const item = items[i]!;
      if (result.status === 201 || result.status === 200) {
        counts.processed += 1;
        if (result.status === 201) counts.created += 1;
        else counts.unchanged += 1;
      } else await reject(item.line, item.input, result.problem);
    }
    options.onProgress?.(counts);
  };

  const dispatch = async (items: Sendable[]) => {
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
    const needs = new Set(items.flatMap((item) => item.needs));
    const before = [...needs].flatMap((id) => producing.get(id) ?? []);
    const batch = Promise.all(before)
      .then(() => options.client.send(items.map((item) => item.body)))
      .then((results) => record(items, results))
      .catch((error: unknown) => {
        failure ??= error;
      });
    const tracked = batch.finally(() => {
      inFlight.delete(tracked);
      for (const item of items)
        for (const id of item.produces) if (producing.get(id) === tracked) producing.delete(id);
    });
    inFlight.add(tracked);
    for (const item of items) for (const id of item.produces) producing.set(id, tracked);
  };

  try {
    let batch: Sendable[] = [];
    let bytes = 0;
    for await (const item of importItems(options.file, options.format)) {
      if (failure) break;
      if ('problem' in item) {
        await reject(item.line, item.input, item.problem);
        continue;
      }
      const full = batch.length >= batchLines || bytes + item.body.length > BATCH_BYTES;
      if (batch.length > 0 && full) {
        await dispatch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(item);
      bytes += Buffer.byteLength(item.body) + 1;
    }
    if (batch.length > 0 && !failure) await dispatch(batch);
    await Promise.all(inFlight);
    if (failure) throw failure;
  } finally {
    await new Promise<void>((resolve) => rejects.end(resolve));
  }
  options.onProgress?.(counts);
  const seconds = (performance.now() - started) / 1000;
  return {
    file: options.file,
    format: options.format,
    ...counts,
    rejectsFile: options.rejectsFile,
    seconds: Math.round(seconds * 100) / 100,
    reportsPerSecond: Math.round(counts.processed / Math.max(seconds, 0.001)),
  };
}

/** Write, waiting for the stream to drain when its buffer is full. */
function write(stream: WriteStream, text: string): Promise<void> | void {
  if (!stream.write(text)) return new Promise((resolve) => stream.once('drain', resolve));
}
