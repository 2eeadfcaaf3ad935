/**
 * The HTTP server's limits and the answers Fastify and Node give before any route runs:
 * time limits (a slow sender gets `408` and is closed), problem+json for bad URLs, over-long
 * path segments and malformed requests, and a `413` that ordinary clients can read.
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Config } from '@sitrep/platform';
import { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { Server } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Problem } from './problem';
import { problemBody, sendProblem, toProblem } from './problem.filter';

export const BODY_LIMIT = 1024 * 1024;
/** After a 413, at most this much of the refused body is read and discarded, then the socket closes. */
export const DISCARD_LIMIT = 8 * BODY_LIMIT;
/** A request's headers must arrive within this time (or the request timeout, if shorter). */
const HEADERS_TIMEOUT_MS = 10_000;

const clientProblems: Record<string, Problem> = {
  ERR_HTTP_REQUEST_TIMEOUT: new Problem(
    408,
    'Request timeout',
    'the request was not received in time; send the whole request at once and try again',
  ),
  HPE_HEADER_OVERFLOW: new Problem(
    431,
    'Request header fields too large',
    'the request headers are larger than the server accepts; send fewer or shorter headers',
  ),
};
const malformed = new Problem(
  400,
  'Invalid request',
  'the request is not valid HTTP/1.1; check what the client sends',
);

/** Write a problem straight to a socket Node could not hand to Fastify, then close it. */
function answerOnSocket(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const problem = clientProblems[error.code ?? ''] ?? malformed;
  const body = JSON.stringify(problemBody(problem, ''));
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}

export function fastifyOptions(config: Config): FastifyServerOptions {
  return {
    bodyLimit: BODY_LIMIT,
    logger: false,
    requestTimeout: config.httpRequestTimeoutMs,
    // No byte in either direction for this long: the socket is closed.
    connectionTimeout: 2 * config.httpRequestTimeoutMs,
    // Node checks for expired requests this often (its default, 30 s, would blur the limit).
    http: { connectionsCheckingInterval: Math.min(1000, config.httpRequestTimeoutMs / 2) },
    clientErrorHandler: answerOnSocket,
    // On SIGTERM, requests still arriving on open connections are served (with Connection: close)
    // rather than answered with Fastify's own 503, which is neither a problem nor has Retry-After.
    return503OnClosing: false,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(reply, request, toProblem(error)),
  } as FastifyServerOptions;
}

/**
 * Fastify answers a body over the limit and closes the connection while the client is still
 * sending: the client's write fails (EPIPE) before it reads the `413`. Keep the connection open
 * instead, and read and discard the rest of the body, up to DISCARD_LIMIT bytes (then close).
 * The same for a streamed body the route answered without reading to its end.
 */
function drainRefusedBody(request: FastifyRequest, reply: FastifyReply): void {
  if (request.raw.complete) return;
  // A route that reads its body as a stream (NDJSON) may answer before reading it (401, 403).
  const unread = request.body instanceof Readable;
  if (reply.statusCode !== 413 && !unread) return;
  if (reply.statusCode === 413) reply.removeHeader('connection');
  let discarded = 0;
  request.raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT) request.raw.socket.destroy();
  });
  request.raw.resume();
}

export function hardenHttpServer(app: NestFastifyApplication, config: Config): void {
  const server = app.getHttpServer() as Server;
  server.headersTimeout = Math.min(HEADERS_TIMEOUT_MS, config.httpRequestTimeoutMs);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onSend', async (request, reply, payload) => {
    drainRefusedBody(request, reply);
    return payload;
  });
}
