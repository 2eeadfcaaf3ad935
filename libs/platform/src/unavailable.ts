import { retryWhile } from './retry';

/**
 * Is this error a dependency being away (Postgres restarting or unreachable, a connection cut)
 * rather than something wrong with the request or the data? Such errors are retried by the
 * projector and answered `503` with `Retry-After` by the API.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: terminating connection due to administrator command
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up / shutting down
  '53300', // too_many_connections
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
];

export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code))
      return true;
  }
  if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isUnavailable(cause);
}

/**
 * Run `work`, retrying with backoff (0.5 s doubling to 5 s) for as long as it fails because a
 * dependency is away, up to `timeoutMs`; any other error, or the last one, is thrown.
 */
export function retryWhileUnavailable<T>(
  work: () => Promise<T>,
  options: {
    readonly timeoutMs: number;
    readonly onRetry?: (error: Error, attempt: number) => void;
  },
): Promise<T> {
  return retryWhile(work, isUnavailable, { ...options, firstDelayMs: 500, maxDelayMs: 5000 });
}
