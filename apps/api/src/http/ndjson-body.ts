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

/**
 * Read a whole NDJSON body within the limits, or throw a `413` problem (nothing is kept; the
 * rest of the body is left to the server, which reads and discards it).
 */
export async function readNdjsonLines(body: unknown, limits: NdjsonLimits): Promise<NdjsonLine[]> {
  if (!(body instanceof Readable))
    throw new Problem(415, 'Unsupported media type', `send the body as ${NDJSON}`);
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const stop = (error?: unknown) => {
      body.off('data', onData).off('end', onEnd).off('error', stop).off('aborted', stop);
      body.pause();
      if (error) reject(error);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limits.bytes) chunks.push(chunk);
      else
        stop(
          tooLarge(
            `the body is larger than ${limits.bytes / 1024 / 1024} MiB; split it into batches of at most ${limits.lines} lines and ${limits.bytes / 1024 / 1024} MiB`,
          ),
        );
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    body.on('data', onData).on('end', onEnd).on('error', stop).on('aborted', stop);
  });
  const lines: NdjsonLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length > 0) lines.push({ line: i + 1, text: line });
  });
  if (lines.length > limits.lines) throw tooManyLines(limits);
  return lines;
}

const tooManyLines = (limits: NdjsonLimits) =>
  tooLarge(
    `the body holds more than ${limits.lines} reports; split it into batches of at most ${limits.lines} lines`,
  );
