import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { JsonLogger, LOGGER } from '@sitrep/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from './problem';

const FASTIFY_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'Payload too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Unsupported media type'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'Invalid request'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'Invalid request'],
};

/** Turn anything thrown into an `application/problem+json` answer. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  const code = (error as { code?: string }).code;
  const fastify = code ? FASTIFY_ERRORS[code] : undefined;
  if (fastify) {
    const [status, title] = fastify;
    const detail =
      status === 413
        ? 'the request body is larger than 1 MiB; split the report'
        : (error as Error).message;
    return new Problem(status, title, detail);
  }
  if (error instanceof SyntaxError || (error as { statusCode?: number }).statusCode === 400) {
    return new Problem(
      400,
      'Invalid request',
      `the body is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const title =
      status === 404 ? 'Not found' : status === 405 ? 'Method not allowed' : 'HTTP error';
    return new Problem(status, title, error.message);
  }
  return new Problem(
    500,
    'Internal error',
    'something went wrong on our side; the error is logged',
  );
}

/** Send a problem document; used by the filter and by Fastify's own error handler. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): void {
  void reply
    .status(problem.status)
    .headers({ 'content-type': 'application/problem+json', ...problem.headers })
    .send({
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: request.url.split('?')[0],
      ...problem.extensions,
    });
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(error);
    if (problem.status >= 500) {
      this.logger.write('error', 'request failed', {
        method: request.method,
        url: request.url.split('?')[0],
        status: problem.status,
        error: (error as Error).message,
        stack: (error as Error).stack,
      });
    }
    sendProblem(http.getResponse<FastifyReply>(), request, problem);
  }
}
