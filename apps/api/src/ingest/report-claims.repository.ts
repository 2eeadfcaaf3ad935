import { ClaimKind, KnownClaim, PlaceRef } from '@sitrep/domain';
import { Pool, PoolClient } from 'pg';

export interface StoredClaim extends KnownClaim {
  readonly reportId: string;
  readonly index: number;
  readonly digest: string;
  readonly recordedAt: string;
}

interface Row {
  claim_id: string;
  report_id: string;
  idx: number;
  digest: string;
  recorded_at: Date;
  claimant: string;
  kind: ClaimKind | 'curator-retract';
  place: PlaceRef;
}

const toClaim = (r: Row): StoredClaim => ({
  claimId: r.claim_id,
  reportId: r.report_id,
  index: r.idx,
  digest: r.digest,
  recordedAt: r.recorded_at.toISOString(),
  claimant: r.claimant,
  kind: r.kind,
  place: r.place,
});

/** Reads of `report_claims`: the claims of accepted reports, by report or by claim id. */
export async function claimsOfReports(
  db: Pool | PoolClient,
  reportIds: readonly string[],
): Promise<Map<string, StoredClaim[]>> {
  const { rows } = await db.query<Row>(
    'SELECT * FROM report_claims WHERE report_id = ANY($1::text[]) ORDER BY report_id, idx',
    [reportIds],
  );
  const byReport = new Map<string, StoredClaim[]>();
  for (const row of rows)
    byReport.set(row.report_id, [...(byReport.get(row.report_id) ?? []), toClaim(row)]);
  return byReport;
}

export async function claimsById(
  db: Pool | PoolClient,
  claimIds: readonly string[],
): Promise<Map<string, StoredClaim>> {
  if (claimIds.length === 0) return new Map();
  const { rows } = await db.query<Row>(
    'SELECT * FROM report_claims WHERE claim_id = ANY($1::uuid[])',
    [claimIds],
  );
  return new Map(rows.map((r) => [r.claim_id, toClaim(r)]));
}
