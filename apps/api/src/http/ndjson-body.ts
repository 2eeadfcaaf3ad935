/**
 * NDJSON request bodies (`application/x-ndjson`): Fastify hands the route the raw stream, so the
 * route reads it only after the API key was checked, with limits of its own (lines and bytes);
 * beyond them, a `413` problem and nothing done.
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { Problem } from './problem';

export const NDJSON = 'application/x-ndjson';

export interface NdjsonLimits {
  /** Non-blank lines a body may hold. */
  readonly lines: number;
  /** Bytes a body may hold. */
  readonly bytes: number;
}

/** A non-blank line of the body, numbered from 1 as an editor numbers it. */
export interface NdjsonLine {
  readonly line: number;
  readonly text: string;
}

export const tooLarge = (detail: string) => new Problem(413, 'Payload too large', detail);

/** Register the parser: an NDJSON body reaches the route as its stream, unread. */
export function installNdjsonParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));
}

/** Read a whole NDJSON body within the limits, or throw a `413` problem (nothing is kept). */
export async function readNdjsonLines(body: unknown, limits: NdjsonLimits): Promise<NdjsonLine[]> {
  if (!(body instanceof Readable))
    throw new Problem(415, 'Unsupported media type', `send the body as ${NDJSON}`);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > limits.bytes)
      throw tooLarge(
        `the body is larger than ${limits.bytes / 1024 / 1024} MiB; split it into batches of at most ${limits.lines} lines and ${limits.bytes / 1024 / 1024} MiB`,
      );
    chunks.push(chunk);
  }
  const lines: NdjsonLine[] = [];
  Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .forEach((raw, i) => {
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.trim().length > 0) lines.push({ line: i + 1, text });
    });
  if (lines.length > limits.lines) throw tooManyLines(limits);
  return lines;
}

const tooManyLines = (limits: NdjsonLimits) =>
  tooLarge(
    `the body holds more than ${limits.lines} reports; split it into batches of at most ${limits.lines} lines`,
  );
