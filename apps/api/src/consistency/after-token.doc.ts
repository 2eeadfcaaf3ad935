import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiResponse } from '@nestjs/swagger';

/** OpenAPI of `?after=<consistencyToken>`, accepted by every read (see ConsistencyInterceptor). */
export const ApiAfterToken = () =>
  applyDecorators(
    ApiQuery({
      name: 'after',
      required: false,
      schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', example: 'MDoxMjQsMzo4OQ' },
      description:
        'consistencyToken from POST /v1/reports: the read waits (up to CONSISTENCY_WAIT_MS, 5 s) until the projector has applied that report',
    }),
    ApiResponse({
      status: 503,
      description: 'the write of `after` is not applied yet (Retry-After)',
    }),
  );
