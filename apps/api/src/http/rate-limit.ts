import rateLimit from '@fastify/rate-limit';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Config, hashApiKey } from '@sitrep/platform';
import { FastifyRequest } from 'fastify';
import { Problem } from './problem';

/**
 * The bucket of a request: its API key (hashed, so keys are not held in memory in clear), or the
 * client address when it sends none. A key is limited across all its routes together.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const match = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i);
  return match ? `key:${hashApiKey(match[1]!).slice(0, 32)}` : `ip:${request.ip}`;
}

export const tooManyRequests = (max: number, windowMs: number, retryAfterSeconds: number) =>
  new Problem(
    429,
    'Too many requests',
    `this key sent more than ${max} requests in ${windowMs / 1000} s; wait ${retryAfterSeconds} s (Retry-After), then send fewer requests per second or ask for a higher limit`,
    { retryAfter: retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );

/** RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW_MS per key; `429` problem+json beyond. */
export async function installRateLimit(app: NestFastifyApplication, config: Config): Promise<void> {
  if (config.rateLimitMax === 0) return;
  await app.register(rateLimit as never, {
    global: true,
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowMs,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number }) =>
      tooManyRequests(
        config.rateLimitMax,
        config.rateLimitWindowMs,
        Math.max(1, Math.ceil(context.ttl / 1000)),
      ),
  });
}
