/**
 * The rows of one read-model version, written set-based: one statement per table per batch.
 * Used by the live projector and by replays alike; the caller owns the transaction.
 */
import { DistrictStatus, kindOf, LoggedEvent } from '@sitrep/domain';
import { PoolClient } from 'pg';

export interface Checkpoint {
  readonly partition: number;
  readonly nextOffset: number;
}

export interface DeadLetter {
  readonly partition: number;
  readonly offset: number;
  readonly reason: string;
}

export class ReadModelWriter {
  constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
  ) {}

  /** The stored checkpoints of `topic`, locked until the transaction ends. */
  async checkpoints(topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${this.schema}.checkpoints
        WHERE topic = $1 AND partition = ANY($2::int[]) FOR UPDATE`,
      [topic, partitions],
    );
    return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
  }

  async saveCheckpoints(topic: string, checkpoints: readonly Checkpoint[]): Promise<void> {
    if (checkpoints.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.checkpoints (topic, partition, next_offset)
       SELECT $1, * FROM unnest($2::int[], $3::bigint[])
       ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
      [topic, checkpoints.map((c) => c.partition), checkpoints.map((c) => c.nextOffset)],
    );
  }

  /** Every stored event of the given provinces, in log order. */
  async ledgers(provinces: readonly string[]): Promise<Map<string, LoggedEvent[]>> {
    const { rows } = await this.client.query<{
      province: string;
      body: LoggedEvent['event'];
      partition: number;
      log_offset: string;
    }>(
      `SELECT province, body, partition, log_offset FROM ${this.schema}.events
        WHERE province = ANY($1::text[]) ORDER BY partition, log_offset`,
      [provinces],
    );
    const ledgers = new Map<string, LoggedEvent[]>(provinces.map((p) => [p, []]));
    for (const r of rows) {
      ledgers.get(r.province)?.push({
        event: r.body,
        position: { partition: r.partition, offset: Number(r.log_offset) },
      });
    }
    return ledgers;
  }

  async insertEvents(events: readonly LoggedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.events (claim_id, type, schema, report_id, claimant, province, place_pcode,
         target_id, observed_at, recorded_at, partition, log_offset, body)
       SELECT (e->>'id')::uuid, e->>'type', (e->>'schema')::int, e->>'reportId', e->>'claimant',
              e->'place'->>'province', e->'place'->>'pcode', (e->'data'->'target'->>'claimId')::uuid,
              (e->>'observedAt')::timestamptz, (e->>'recordedAt')::timestamptz, p.partition, p.log_offset, e
         FROM unnest($1::jsonb[], $2::int[], $3::bigint[]) AS p(e, partition, log_offset)
       ON CONFLICT (claim_id) DO NOTHING`,
      [
        events.map((e) => JSON.stringify(e.event)),
        events.map((e) => e.position.partition),
        events.map((e) => e.position.offset),
      ],
    );
  }

  /** Replace the status and positions of the given districts. */
  async saveStatuses(
    statuses: readonly (DistrictStatus & { readonly province: string })[],
    updatedAt: string,
  ): Promise<void> {
    if (statuses.length === 0) return;
    // One JSON document, not a jsonb[] parameter: Postgres parses array literals of large
    // documents slowly (about three times slower here, for the statuses of a whole log).
    await this.client.query(
      `INSERT INTO ${this.schema}.district_status (pcode, province, status, controller, verification, positions, rules, updated_at)
       SELECT s.pcode, s.province, s.status, s.controller, s.verification, s.positions, s.rules, $2
         FROM jsonb_to_recordset($1::jsonb) AS s(pcode text, province text, status text,
           controller text, verification text, positions jsonb, rules jsonb)
       ON CONFLICT (pcode) DO UPDATE SET status = EXCLUDED.status, controller = EXCLUDED.controller,
         verification = EXCLUDED.verification, positions = EXCLUDED.positions, rules = EXCLUDED.rules,
         updated_at = EXCLUDED.updated_at`,
      [
        JSON.stringify(
          statuses.map((s) => ({
            pcode: s.pcode,
            province: s.province,
            status: s.status,
            controller: s.controller,
            verification: s.verification,
            positions: s.positions,
            rules: s.rules,
          })),
        ),
        updatedAt,
      ],
    );
    await this.client.query(
      `DELETE FROM ${this.schema}.positions WHERE district = ANY($1::text[])`,
      [statuses.map((s) => s.pcode)],
    );
    const rows = statuses.flatMap((s) =>
      s.positions.map((p) => ({
        district: s.pcode,
        claimant: p.claimant,
        kind: p.kind,
        actor: p.actor,
        observed_at: p.observedAt,
        claim_ids: p.claimIds,
        disputed_by: p.disputedBy,
        corroborated_by: p.corroboratedBy,
      })),
    );
    if (rows.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.positions (district, claimant, kind, actor, observed_at, claim_ids, disputed_by, corroborated_by)
       SELECT district, claimant, kind, actor, observed_at, claim_ids, disputed_by, corroborated_by
         FROM jsonb_to_recordset($1::jsonb) AS r(district text, claimant text, kind text, actor text,
           observed_at timestamptz, claim_ids uuid[], disputed_by text[], corroborated_by jsonb)`,
      [JSON.stringify(rows)],
    );
  }

  async recordDeadLetters(topic: string, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.dead_letters (topic, partition, log_offset, reason)
       SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::text[]) ON CONFLICT DO NOTHING`,
      [
        topic,
        letters.map((l) => l.partition),
        letters.map((l) => l.offset),
        letters.map((l) => l.reason),
      ],
    );
  }
}

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
