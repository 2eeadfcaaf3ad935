/**
 * Work retried with doubling pauses while it fails with errors worth asking again about, up to a
 * deadline; any other error, or the last one, is thrown.
 */
export interface RetryWhileOptions {
  readonly timeoutMs: number;
  /** The first pause; each next one doubles, up to `maxDelayMs` (and never past the deadline). */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly onRetry?: (error: Error, attempt: number) => void;
}

export async function retryWhile<T>(
  work: () => Promise<T>,
  retriable: (error: unknown) => boolean,
  options: RetryWhileOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!retriable(error) || Date.now() >= deadline) throw error;
      options.onRetry?.(error as Error, attempt);
      const delay = Math.min(
        options.maxDelayMs,
        options.firstDelayMs * 2 ** (attempt - 1),
        Math.max(0, deadline - Date.now()),
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
