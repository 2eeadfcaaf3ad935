import { Inject, Injectable } from '@nestjs/common';
import { Axis, DistrictStatus, LoggedEvent } from '@sitrep/domain';
import { liveReadModel, PG_POOL } from '@sitrep/platform';
import { Pool } from 'pg';

export interface StatusRow {
  readonly pcode: string;
  readonly name: string;
  readonly province: string;
  readonly status: DistrictStatus['status'];
  readonly controller: string | null;
  readonly verification: DistrictStatus['verification'];
}

export interface StatusFilter {
  readonly province?: string;
  readonly status?: string;
  readonly controller?: string;
}

export interface StoredEvent extends LoggedEvent {
  readonly topic?: string;
}

/** Reads of the live read-model version, with parameterised SQL only. */
@Injectable()
export class ReadModelReader {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  private async schema(): Promise<string> {
    return (await liveReadModel(this.pool)).schema;
  }

  async status(pcode: string): Promise<(DistrictStatus & { updatedAt: string }) | undefined> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<{
      status: DistrictStatus['status'];
      controller: string | null;
      verification: DistrictStatus['verification'];
      positions: DistrictStatus['positions'];
      rules: DistrictStatus['rules'];
      updated_at: Date;
    }>(
      `SELECT status, controller, verification, positions, rules, updated_at FROM ${schema}.district_status WHERE pcode = $1`,
      [pcode],
    );
    const row = rows[0];
    return (
      row && {
        pcode,
        status: row.status,
        controller: row.controller,
        verification: row.verification,
        positions: row.positions,
        rules: row.rules,
        updatedAt: row.updated_at.toISOString(),
      }
    );
  }

  /** One page of districts in p-code order, after `after`, filtered. Unclaimed ones have no row. */
  async statuses(
    filter: StatusFilter,
    after: string | undefined,
    limit: number,
  ): Promise<StatusRow[]> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<StatusRow>(
      `SELECT d.pcode, d.name, d.province_pcode AS province, COALESCE(s.status, 'unclaimed') AS status,
              s.controller, COALESCE(s.verification, 'none') AS verification
         FROM districts d LEFT JOIN ${schema}.district_status s ON s.pcode = d.pcode
        WHERE ($1::text IS NULL OR d.province_pcode = $1)
          AND ($2::text IS NULL OR COALESCE(s.status, 'unclaimed') = $2)
          AND ($3::text IS NULL OR s.controller = $3)
          AND ($4::text IS NULL OR d.pcode > $4)
        ORDER BY d.pcode LIMIT $5`,
      [
        filter.province ?? null,
        filter.status ?? null,
        filter.controller ?? null,
        after ?? null,
        limit,
      ],
    );
    return rows;
  }

  /** Every stored event of the given provinces (all when omitted), visible at `asOf` on `axis`. */
  async events(
    provinces: readonly string[] | undefined,
    asOf?: string,
    axis: Axis = 'recorded',
  ): Promise<LoggedEvent[]> {
    const schema = await this.schema();
    const clock = axis === 'recorded' ? 'recorded_at' : 'observed_at';
    // On the observed axis a retraction applies whenever it was made (docs/DECISIONS.md).
    const retractionsAlways =
      axis === 'observed' ? " OR type IN ('claim.retracted', 'claim.curator-retracted')" : '';
    const { rows } = await this.pool.query<{
      body: LoggedEvent['event'];
      partition: number;
      log_offset: string;
    }>(
      `SELECT body, partition, log_offset FROM ${schema}.events
        WHERE ($1::text[] IS NULL OR province = ANY($1::text[]))
          AND ($2::timestamptz IS NULL OR ${clock} <= $2${retractionsAlways})
        ORDER BY partition, log_offset`,
      [provinces ?? null, asOf ?? null],
    );
    return rows.map((r) => ({
      event: r.body,
      position: { partition: r.partition, offset: Number(r.log_offset) },
    }));
  }

  /** Provinces where `actor` claims anything or is named as an actor. */
  async provincesOf(actor: string): Promise<string[]> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<{ province: string }>(
      `SELECT DISTINCT province FROM ${schema}.events WHERE claimant = $1 OR body->'data'->>'actor' = $1 ORDER BY province`,
      [actor],
    );
    return rows.map((r) => r.province);
  }

  async event(claimId: string): Promise<LoggedEvent | undefined> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<{
      body: LoggedEvent['event'];
      partition: number;
      log_offset: string;
    }>(`SELECT body, partition, log_offset FROM ${schema}.events WHERE claim_id = $1`, [claimId]);
    const row = rows[0];
    return (
      row && {
        event: row.body,
        position: { partition: row.partition, offset: Number(row.log_offset) },
      }
    );
  }

  /** What `claimant` claims now: its positions, district by district. */
  async positionsOf(claimant: string): Promise<
    {
      district: string;
      kind: string;
      actor: string | null;
      observedAt: string;
      claimIds: string[];
      disputedBy: string[];
      corroboratedBy: unknown;
    }[]
  > {
    const schema = await this.schema();
    const { rows } = await this.pool.query<{
      district: string;
      kind: string;
      actor: string | null;
      observed_at: Date;
      claim_ids: string[];
      disputed_by: string[];
      corroborated_by: unknown;
    }>(
      `SELECT district, kind, actor, observed_at, claim_ids, disputed_by, corroborated_by
         FROM ${schema}.positions WHERE claimant = $1 ORDER BY district`,
      [claimant],
    );
    return rows.map((r) => ({
      district: r.district,
      kind: r.kind,
      actor: r.actor,
      observedAt: r.observed_at.toISOString(),
      claimIds: r.claim_ids,
      disputedBy: r.disputed_by,
      corroboratedBy: r.corroborated_by,
    }));
  }
}
