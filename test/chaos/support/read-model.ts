/**
 * What the read model holds, for the verdict of a fault scenario. The only place the suite reads
 * read-model tables (`events`, `checkpoints` of the live version): adapt it here if they change.
 */
import { liveReadModel } from '@sitrep/platform';
import { Pool } from 'pg';

export interface HeldClaim {
  readonly claimId: string;
  readonly reportId: string;
  /** Rows for this claim id (more than one would be a claim applied twice). */
  readonly copies: number;
}

/** Claims of the reports whose id starts with `reportPrefix`. */
export async function claimsHeld(pool: Pool, reportPrefix: string): Promise<HeldClaim[]> {
  const { schema } = await liveReadModel(pool);
  const { rows } = await pool.query<{ claim_id: string; report_id: string; copies: number }>(
    `SELECT claim_id::text, report_id, count(*)::int AS copies FROM ${schema}.events
      WHERE starts_with(report_id, $1) GROUP BY claim_id, report_id`,
    [reportPrefix],
  );
  return rows.map((r) => ({ claimId: r.claim_id, reportId: r.report_id, copies: r.copies }));
}

/** The projector's checkpoint (next offset to apply) per partition of `topic`. */
export async function checkpointsOf(pool: Pool, topic: string): Promise<Map<number, number>> {
  const { schema } = await liveReadModel(pool);
  const { rows } = await pool.query<{ partition: number; next_offset: string }>(
    `SELECT partition, next_offset FROM ${schema}.checkpoints WHERE topic = $1`,
    [topic],
  );
  return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
}
