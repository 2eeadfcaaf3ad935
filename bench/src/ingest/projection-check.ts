/** After the load: is every accepted report in the read model? */
import { liveReadModel } from '@sitrep/platform';
import { Pool } from 'pg';

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
