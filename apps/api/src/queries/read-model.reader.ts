/**
 * Reads of the current state of the live read-model version (`district_status`, `positions`) and
 * of single stored events, with parameterised SQL only.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DistrictStatus, LoggedEvent, PositionCore } from '@sitrep/domain';
import { liveReadModel, PG_POOL } from '@sitrep/platform';
import { Pool } from 'pg';
import { StatusFilter, statusListQuery, StatusRow } from './status-list';

/** A claimant's position on one district, as the actor view shows it. */
export type ClaimantPosition = Pick<
  PositionCore,
  'kind' | 'actor' | 'observedAt' | 'claimIds' | 'disputedBy' | 'corroboratedBy'
> & { readonly district: string };

export interface CurrentDocument {
  readonly pcode: string;
  readonly status: DistrictStatus['status'];
  readonly controller: string | null;
  readonly verification: DistrictStatus['verification'];
  readonly rules: DistrictStatus['rules'];
  readonly positions: readonly PositionCore[];
}

@Injectable()
export class ReadModelReader {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  private async schema(): Promise<string> {
    return (await liveReadModel(this.pool)).schema;
  }

  /** A district's current document; undefined for a district never claimed. */
  async status(pcode: string): Promise<CurrentDocument | undefined> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<Omit<CurrentDocument, 'pcode'>>(
      `SELECT status, controller, verification, positions, rules FROM ${schema}.district_status WHERE pcode = $1`,
      [pcode],
    );
    const row = rows[0];
    return row && { pcode, ...row };
  }

  /** One page of districts in p-code order, after `after`, filtered. Unclaimed ones have no row. */
  async statuses(
    filter: StatusFilter,
    after: string | undefined,
    limit: number,
  ): Promise<StatusRow[]> {
    const schema = await this.schema();
    const source = `LEFT JOIN ${schema}.district_status s ON s.pcode = d.pcode`;
    const { rows } = await this.pool.query<StatusRow>(
      statusListQuery(source, filter, after, limit),
    );
    return rows;
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

  /**
   * Where these claims sit in the log (partition → offset of the last of them there), when the
   * projector has applied every one of them; undefined otherwise.
   */
  async logPositions(claimIds: readonly string[]): Promise<Map<number, number> | undefined> {
    if (claimIds.length === 0) return undefined;
    const schema = await this.schema();
    const { rows } = await this.pool.query<{ partition: number; last: string; claims: string }>(
      `SELECT partition, max(log_offset) AS last, count(*) AS claims FROM ${schema}.events
        WHERE claim_id = ANY($1::uuid[]) GROUP BY partition`,
      [claimIds],
    );
    const found = rows.reduce((sum, r) => sum + Number(r.claims), 0);
    if (found !== new Set(claimIds).size) return undefined;
    return new Map(rows.map((r) => [r.partition, Number(r.last)]));
  }

  /**
   * What `claimant` claims now, district by district: read from its rows in `positions`
   * (indexed by claimant), not from the districts' whole documents.
   */
  async positionsOf(claimant: string): Promise<ClaimantPosition[]> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<{
      district: string;
      kind: ClaimantPosition['kind'];
      actor: string | null;
      observed_at: Date;
      claim_ids: string[];
      disputed_by: string[];
      corroborated_by: ClaimantPosition['corroboratedBy'];
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
