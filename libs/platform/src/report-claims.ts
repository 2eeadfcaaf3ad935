/** The `report_claims` table: the claims of accepted reports, for resubmission checks. */
import { kindOf, LoggedEvent } from '@sitrep/domain';
import { PoolClient } from 'pg';

/** Remember the claims of accepted reports (idempotent: the API and the projector both call it). */
export async function recordReportClaims(
  client: PoolClient,
  events: readonly LoggedEvent['event'][],
): Promise<void> {
  if (events.length === 0) return;
  // In claim id order everywhere (the API and the projector write the same rows): no deadlocks.
  events = [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Typed arrays, one per column: no JSON of whole events to encode and parse.
  await client.query(
    `INSERT INTO report_claims (claim_id, report_id, idx, digest, recorded_at, claimant, kind, place, province)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::text[],
       $7::text[], $8::jsonb[], $9::text[])
     ON CONFLICT (claim_id) DO NOTHING`,
    [
      events.map((e) => e.id),
      events.map((e) => e.reportId),
      events.map((e) => e.index),
      events.map((e) => e.reportDigest),
      events.map((e) => e.recordedAt),
      events.map((e) => e.claimant),
      events.map((e) => kindOf(e)),
      events.map((e) => JSON.stringify(e.place)),
      events.map((e) => e.place.province),
    ],
  );
}
