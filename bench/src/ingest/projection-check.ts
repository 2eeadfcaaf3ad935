/** After the load: wait for the projector to apply the whole claim topic, then check the result. */
import { liveReadModel, progressPrinter } from '@sitrep/platform';
import { Admin } from 'kafkajs';
import { Pool } from 'pg';

/** Wait until the live read model's checkpoints reach the topic's high watermarks. */
export async function waitForProjection(
  pool: Pool,
  admin: Admin,
  topic: string,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  const progress = progressPrinter('projecting');
  let first: number | undefined;
  for (;;) {
    const high = await admin.fetchTopicOffsets(topic);
    const { schema } = await liveReadModel(pool);
    const { rows } = await pool.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${schema}.checkpoints WHERE topic = $1`,
      [topic],
    );
    const done = new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
    const total = high.reduce((sum, p) => sum + Number(p.high), 0);
    const applied = high.reduce(
      (sum, p) => sum + Math.min(Number(p.high), done.get(p.partition) ?? 0),
      0,
    );
    first ??= applied;
    const seconds = (Date.now() - started) / 1000;
    progress({
      processed: applied,
      total,
      eventsPerSecond: seconds > 0 ? (applied - first) / seconds : 0,
    });
    if (applied >= total) {
      if (process.stderr.isTTY) process.stderr.write('\n');
      return seconds;
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `the projector did not catch up within ${timeoutMs / 1000} s (${applied} of ${total} log positions); is it running?`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export interface ProjectionCheck {
  /** Accepted reports (answered 201 or 200) and the claims they hold. */
  readonly acceptedReports: number;
  readonly acceptedClaims: number;
  /** Accepted reports with fewer events in the read model than claims. */
  readonly missingReports: number;
  readonly missingClaims: number;
  /** Events in the read model (reports in flight when a phase ended are there too). */
  readonly events: number;
  readonly deadLetters: number;
}

/** Every accepted report has all its claims in the live read model's events. */
export async function checkProjected(
  pool: Pool,
  accepted: ReadonlyMap<string, number>,
): Promise<ProjectionCheck> {
  const { schema } = await liveReadModel(pool);
  const ids = [...accepted.keys()];
  const { rows } = await pool.query<{ report_id: string; n: number }>(
    `SELECT report_id, count(*)::int AS n FROM ${schema}.events
      WHERE report_id = ANY($1::text[]) GROUP BY report_id`,
    [ids],
  );
  const stored = new Map(rows.map((r) => [r.report_id, r.n]));
  let missingReports = 0;
  let missingClaims = 0;
  let acceptedClaims = 0;
  for (const [reportId, claims] of accepted) {
    acceptedClaims += claims;
    const n = stored.get(reportId) ?? 0;
    if (n < claims) {
      missingReports += 1;
      missingClaims += claims - n;
    }
  }
  const counts = await pool.query<{ events: number; dead: number }>(
    `SELECT (SELECT count(*)::int FROM ${schema}.events) AS events,
            (SELECT count(*)::int FROM ${schema}.dead_letters) AS dead`,
  );
  return {
    acceptedReports: accepted.size,
    acceptedClaims,
    missingReports,
    missingClaims,
    events: counts.rows[0]!.events,
    deadLetters: counts.rows[0]!.dead,
  };
}
