import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { CONFIG, Config } from '@sitrep/platform';
import { FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { invalidRequest, unavailable } from '../http/problem';
import { decodeConsistencyToken } from './consistency-token';
import { ConsistencyWaiter } from './consistency-waiter';

/**
 * `?after=<consistencyToken>` on any read: the read waits (up to CONSISTENCY_WAIT_MS) until the
 * projector has applied the write the token came from, then answers as usual; `503` with
 * `Retry-After` when it has not by then, `400` for a token this API did not give out. The
 * parameter is taken off the query before the route validates it. Runs after authentication.
 */
@Injectable()
export class ConsistencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly waiter: ConsistencyWaiter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown> | undefined;
    if (request.method !== 'GET' || !query || !('after' in query)) return next.handle();
    const token = query['after'];
    delete query['after'];
    const positions = typeof token === 'string' ? decodeConsistencyToken(token) : undefined;
    if (!positions)
      throw invalidRequest(
        'after is not a consistency token this API gave out; pass consistencyToken from the answer to POST /v1/reports',
      );
    const waitMs = this.config.consistencyWaitMs;
    return from(this.waiter.waitFor(positions, waitMs)).pipe(
      switchMap((applied) => {
        if (!applied)
          throw unavailable(
            `the projector has not applied that write within ${waitMs} ms; read again later (same token)`,
            1,
          );
        return next.handle();
      }),
    );
  }
}
