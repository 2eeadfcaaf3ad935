import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { isUnavailable, JsonLogger, LOGGER } from '@sitrep/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { Problem, unavailable } from './problem';

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  429: 'Too many requests',
  431: 'Request header fields too large',
};

/** What to do about the framework's own errors (Fastify's FST_ codes), in the API's words. */
const DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'the URL is not valid percent-encoded UTF-8; encode the path and try again',
  FST_ERR_MAX_PARAM_LENGTH:
    'a path segment is longer than 100 characters; no identifier of this API is that long',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'send the body as application/json',
  FST_ERR_CTP_BODY_TOO_LARGE:
    'the request body is larger than 1 MiB; split the report into several',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the body is empty; send a JSON document or no content-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the body does not have the length content-length announced',
};

/** Seconds a client should wait when a dependency (Postgres) is away. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Turn anything thrown into a problem; unexpected errors become a 500 that reveals nothing. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const detail =
      status === 413
        ? DETAILS['FST_ERR_CTP_BODY_TOO_LARGE']!
        : status === 415
          ? DETAILS['FST_ERR_CTP_INVALID_MEDIA_TYPE']!
          : error.message;
    return new Problem(status, TITLES[status] ?? 'HTTP error', detail);
  }
  if (isUnavailable(error)) {
    return unavailable(
      'the database is not reachable right now (restarting or unreachable); nothing was changed by this request: retry it later',
      UNAVAILABLE_RETRY_AFTER_SECONDS,
    );
  }
  const { statusCode, code, message } = error as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const detail =
      (typeof code === 'string' && DETAILS[code]) ||
      (typeof message === 'string' ? message : STATUS_CODES[statusCode]!);
    return new Problem(statusCode, TITLES[statusCode] ?? STATUS_CODES[statusCode]!, detail);
  }
  return new Problem(
    500,
    'Internal error',
    'something went wrong on our side; the error is logged',
  );
}

/** The RFC 9457 document of a problem, as sent on the wire. */
export function problemBody(problem: Problem, instance: string): Record<string, unknown> {
  return {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance,
    ...problem.extensions,
  };
}

export const instanceOf = (url: string): string => url.split('?')[0]!;

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): void {
  void reply
    .status(problem.status)
    .headers({ 'content-type': 'application/problem+json', ...problem.headers })
    .send(problemBody(problem, instanceOf(request.url)));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(error);
    if (problem.status >= 500) {
      this.logger.write(problem.status === 503 ? 'warn' : 'error', 'request failed', {
        method: request.method,
        url: instanceOf(request.url),
        status: problem.status,
        error: (error as Error).message,
        ...(problem.status !== 503 && { stack: (error as Error).stack }),
      });
    }
    sendProblem(http.getResponse<FastifyReply>(), request, problem);
  }
}
