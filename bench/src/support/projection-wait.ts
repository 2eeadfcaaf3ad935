/**
 * Wait for a projector: until the live read model's checkpoints reach the claim topic's high
 * watermarks and (with `settled`) no district waits for its observed timeline to be rewritten.
 */
import { fetchTopicOffsetsRetrying, liveReadModel, progressPrinter } from '@sitrep/platform';
import { Admin } from 'kafkajs';
import { Pool } from 'pg';

export interface ProjectionProgress {
  /** Log positions applied (checkpoints, capped at the high watermarks). */
  readonly applied: number;
  readonly total: number;
  /** Milliseconds since the wait began. */
  readonly elapsedMs: number;
}

export interface ProjectionWait {
  readonly timeoutMs: number;
  /** Also wait for the observed timelines (`observed_pending` empty). */
  readonly settled?: boolean;
  /** How often to look (default 500 ms). */
  readonly everyMs?: number;
  readonly onProgress?: (progress: ProjectionProgress) => void;
  /** The progress bar's label (none without). */
  readonly label?: string;
}

/** Resolves with the seconds waited: until applied, and until settled. */
export async function waitForProjection(
  pool: Pool,
  admin: Admin,
  topic: string,
  options: ProjectionWait,
): Promise<{ appliedSeconds: number; settledSeconds: number }> {
  const started = Date.now();
  const progress = options.label ? progressPrinter(options.label) : undefined;
  const high = await fetchTopicOffsetsRetrying(admin, topic);
  const total = high.reduce((sum, p) => sum + Number(p.high), 0);
  let first: number | undefined;
  let appliedSeconds: number | undefined;
  for (;;) {
    const { schema } = await liveReadModel(pool);
    const { rows } = await pool.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${schema}.checkpoints WHERE topic = $1`,
      [topic],
    );
    const done = new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
    const applied = high.reduce(
      (sum, p) => sum + Math.min(Number(p.high), done.get(p.partition) ?? 0),
      0,
    );
    const elapsedMs = Date.now() - started;
    first ??= applied;
    options.onProgress?.({ applied, total, elapsedMs });
    progress?.({
      processed: applied,
      total,
      eventsPerSecond: elapsedMs > 0 ? ((applied - first) * 1000) / elapsedMs : 0,
    });
    if (applied >= total) {
      appliedSeconds ??= elapsedMs / 1000;
      const pending = options.settled
        ? (
            await pool.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM ${schema}.observed_pending`,
            )
          ).rows[0]!.n
        : 0;
      if (pending === 0) {
        if (progress && process.stderr.isTTY) process.stderr.write('\n');
        return { appliedSeconds, settledSeconds: elapsedMs / 1000 };
      }
    }
    if (elapsedMs > options.timeoutMs)
      throw new Error(
        `the projector did not catch up within ${options.timeoutMs / 1000} s (${applied} of ${total} log positions applied); is it running? Its log is above.`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 500));
  }
}
