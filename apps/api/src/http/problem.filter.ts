import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { JsonLogger, LOGGER } from '@sitrep/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from './problem';

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Payload too large',
  415: 'Unsupported media type',
};

/** Turn anything thrown into a problem; unexpected errors become a 500 that reveals nothing. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const detail =
      status === 413
        ? 'the request body is larger than 1 MiB; split the report into several'
        : error.message;
    return new Problem(status, TITLES[status] ?? 'HTTP error', detail);
  }
  return new Problem(
    500,
    'Internal error',
    'something went wrong on our side; the error is logged',
  );
}

function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): void {
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
