import { Inject, Injectable } from '@nestjs/common';
import { ClaimEvent, ClaimKind, KnownClaim, kindOf, PlaceRef } from '@sitrep/domain';
import { PG_POOL } from '@sitrep/platform';
import { Pool, PoolClient } from 'pg';

/** A claim of an accepted report, as `report_claims` keeps it. */
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

/** What `report_claims` keeps of an event. */
export const storedClaimOf = (e: ClaimEvent): StoredClaim => ({
  claimId: e.id,
  reportId: e.reportId,
  index: e.index,
  digest: e.reportDigest,
  recordedAt: e.recordedAt,
  claimant: e.claimant,
  kind: kindOf(e),
  place: e.place,
});

/** Serialises resubmission checks of one report id across API instances (any 64-bit key). */
const LOCK_SPACE = 7402211;

/**
 * `report_claims`: the claims of accepted reports, for resubmission checks and targets by id.
 * Written after the Kafka commit (and by the projector from the log); one statement per group of
 * reports, never one per report.
 */
@Injectable()
export class ReportClaimsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Take the session's advisory lock of every report id, in one order (two instances never
   * deadlock); they are held until `unlockAll`, or until the connection ends. Then read (`find`),
   * in a statement of its own: a statement sees what was committed when it began, and this one
   * may have waited for another instance's write under the same id.
   */
  async lock(client: PoolClient, reportIds: readonly string[]): Promise<void> {
    await client.query(
      `SELECT pg_advisory_lock(hashtextextended(id, ${LOCK_SPACE}))
         FROM (SELECT DISTINCT id FROM unnest($1::text[]) AS id) AS ids ORDER BY id`,
      [reportIds],
    );
  }

  async unlockAll(client: PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_unlock_all()');
  }

  /** The claims stored under the given report ids, by report id. */
  async find(
    client: PoolClient,
    reportIds: readonly string[],
  ): Promise<Map<string, StoredClaim[]>> {
    const { rows } = await client.query<Row>(
      'SELECT * FROM report_claims WHERE report_id = ANY($1::text[]) ORDER BY report_id, idx',
      [reportIds],
    );
    const byReport = new Map<string, StoredClaim[]>();
    for (const row of rows) {
      const claims = byReport.get(row.report_id);
      if (claims) claims.push(toClaim(row));
      else byReport.set(row.report_id, [toClaim(row)]);
    }
    return byReport;
  }

  /** Remember the claims of accepted reports (idempotent: the projector records them too). */
  async record(client: PoolClient | Pool, claims: readonly StoredClaim[]): Promise<void> {
    if (claims.length === 0) return;
    // In claim id order, as the projector writes them (recordReportClaims): no deadlocks.
    const ordered = [...claims].sort((a, b) =>
      a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0,
    );
    // One JSON document: cheaper to send and parse than arrays of every column.
    await client.query(
      `INSERT INTO report_claims (claim_id, report_id, idx, digest, recorded_at, claimant, kind, place, province)
       SELECT r.claim_id, r.report_id, r.idx, r.digest, r.recorded_at, r.claimant, r.kind, r.place,
              r.place->>'province'
         FROM jsonb_to_recordset($1::jsonb) AS r(claim_id uuid, report_id text, idx int, digest text,
              recorded_at timestamptz, claimant text, kind text, place jsonb)
       ON CONFLICT (claim_id) DO NOTHING`,
      [
        JSON.stringify(
          ordered.map((c) => ({
            claim_id: c.claimId,
            report_id: c.reportId,
            idx: c.index,
            digest: c.digest,
            recorded_at: c.recordedAt,
            claimant: c.claimant,
            kind: c.kind,
            place: c.place,
          })),
        ),
      ],
    );
  }

  /** Accepted claims by id. */
  async byIds(claimIds: readonly string[]): Promise<Map<string, StoredClaim>> {
    if (claimIds.length === 0) return new Map();
    const { rows } = await this.pool.query<Row>(
      'SELECT * FROM report_claims WHERE claim_id = ANY($1::uuid[])',
      [claimIds],
    );
    return new Map(rows.map((r) => [r.claim_id, toClaim(r)]));
  }
}
