/**
 * Reads of stored claims of the live read-model version (`events`, `actors`) by id, by target and
 * by blanket dispute: provenance for the claims of positions, and what bears on one claim.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Axis, LoggedEvent, Provenance, provenanceOf } from '@sitrep/domain';
import { liveReadModel, PG_POOL } from '@sitrep/platform';
import { Pool } from 'pg';

interface EventRow {
  body: LoggedEvent['event'];
  partition: number;
  log_offset: string;
}

/** Where a page of claims in observed order ends. */
export interface PlaceCursor {
  readonly observedAt: string;
  readonly partition: number;
  readonly offset: number;
}

const logged = (r: EventRow): LoggedEvent => ({
  event: r.body,
  position: { partition: r.partition, offset: Number(r.log_offset) },
});

@Injectable()
export class ClaimsReader {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  private async schema(): Promise<string> {
    return (await liveReadModel(this.pool)).schema;
  }

  /** The provenance of claims, by claim id. */
  async provenance(claimIds: readonly string[]): Promise<Map<string, Provenance>> {
    if (claimIds.length === 0) return new Map();
    const schema = await this.schema();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT body, partition, log_offset FROM ${schema}.events WHERE claim_id = ANY($1::uuid[])`,
      [claimIds],
    );
    return new Map(
      rows.map((r) => {
        const claim = logged(r);
        return [claim.event.id, provenanceOf(claim)];
      }),
    );
  }

  /** Stored events by claim id. */
  async events(claimIds: readonly string[]): Promise<LoggedEvent[]> {
    if (claimIds.length === 0) return [];
    const schema = await this.schema();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT body, partition, log_offset FROM ${schema}.events WHERE claim_id = ANY($1::uuid[])`,
      [claimIds],
    );
    return rows.map(logged);
  }

  /**
   * What bears on a claim: the claims targeting it by id (and the retractions of those), and the
   * blanket disputes of its claimant over its place or province observed at or after it.
   */
  async bearingOn(claim: LoggedEvent['event']): Promise<LoggedEvent[]> {
    const schema = await this.schema();
    const { rows } = await this.pool.query<EventRow>(
      `WITH direct AS (
         SELECT claim_id FROM ${schema}.events WHERE target_id = $1
       )
       SELECT body, partition, log_offset FROM ${schema}.events
        WHERE claim_id IN (SELECT claim_id FROM direct)
           OR target_id IN (SELECT claim_id FROM direct)
           OR (target_claimant = $2 AND target_place = ANY($3::text[]) AND observed_at >= $4)
        ORDER BY partition, log_offset`,
      [claim.id, claim.claimant, [claim.place.pcode, claim.place.province], claim.observedAt],
    );
    return rows.map(logged);
  }

  /** Claims targeting these by id (disputes, corroborations, retractions). */
  async targeting(claimIds: readonly string[]): Promise<LoggedEvent[]> {
    if (claimIds.length === 0) return [];
    const schema = await this.schema();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT body, partition, log_offset FROM ${schema}.events WHERE target_id = ANY($1::uuid[])`,
      [claimIds],
    );
    return rows.map(logged);
  }

  /**
   * A page of the claims about some places (a district and its province) visible as of an
   * instant, in observed order (then log order), after a key of that order.
   */
  async aboutPlaces(
    places: readonly string[],
    at: { readonly asOf?: string; readonly axis: Axis },
    after: PlaceCursor | undefined,
    limit: number,
  ): Promise<LoggedEvent[]> {
    const schema = await this.schema();
    const visible =
      at.asOf === undefined
        ? 'true'
        : at.axis === 'recorded'
          ? 'recorded_at <= $6'
          : `(observed_at <= $6 OR type IN ('claim.retracted', 'claim.curator-retracted'))`;
    const { rows } = await this.pool.query<EventRow>(
      `SELECT body, partition, log_offset FROM ${schema}.events
        WHERE place_pcode = ANY($1::text[]) AND ${visible}
          AND ($2::timestamptz IS NULL OR (observed_at, partition, log_offset) > ($2, $3::int, $4::bigint))
        ORDER BY observed_at, partition, log_offset LIMIT $5`,
      [
        places,
        after?.observedAt ?? null,
        after?.partition ?? null,
        after?.offset ?? null,
        limit,
        ...(at.asOf === undefined ? [] : [at.asOf]),
      ],
    );
    return rows.map(logged);
  }

  /** Whether an actor claims anything or is named by a claim. */
  async actorKnown(actor: string): Promise<boolean> {
    const schema = await this.schema();
    const { rowCount } = await this.pool.query(`SELECT 1 FROM ${schema}.actors WHERE actor = $1`, [
      actor,
    ]);
    return (rowCount ?? 0) > 0;
  }
}
