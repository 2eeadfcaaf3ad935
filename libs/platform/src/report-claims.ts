/** The `report_claims` table: the claims of accepted reports, for resubmission checks. */
import { kindOf, LoggedEvent } from '@sitrep/domain';
import { PoolClient } from 'pg';

/** Remember the claims of accepted reports (idempotent: the API and the projector both call it). */
export async function recordReportClaims(
  client: PoolClient,
  events: readonly LoggedEvent['event'][],
): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO report_claims (claim_id, report_id, idx, digest, recorded_at, claimant, kind, place, province)
     SELECT (e->>'id')::uuid, e->>'reportId', (e->>'index')::int, e->>'reportDigest', (e->>'recordedAt')::timestamptz,
            e->>'claimant', e->>'kind', e->'place', e->'place'->>'province'
       FROM unnest($1::jsonb[]) AS t(e)
     ON CONFLICT (claim_id) DO NOTHING`,
    [events.map((e) => JSON.stringify({ ...e, kind: kindOf(e) }))],
  );
}
