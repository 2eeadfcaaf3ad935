/**
 * The independent verification of a rebuilt read model: the live version against references that
 * do not use the replay's code (what the generator wrote, and the statuses folded again by the
 * domain). Used by the replay benchmark and by its integration test.
 */
import { CURRENT_SCHEMA, districtStatus, Gazetteer, LoggedEvent } from '@sitrep/domain';
import { quoteIdent } from '@sitrep/platform';
import { DistrictChecksummed, districtsChecksum, eventsChecksum } from '@sitrep/replay';
import { Pool } from 'pg';

export interface Verification {
  readonly events: { readonly expected: string; readonly stored: string };
  readonly districts: { readonly expected: string; readonly stored: string };
  /** Stored bodies not in the current shape of their type. */
  readonly staleBodies: number;
  readonly ok: boolean;
}

/**
 * The live (rebuilt) version against references that do not use the replay's code: the events
 * checksum of what the generator wrote, and the statuses folded again, district by district, by
 * the domain's `districtStatus` from the stored events (as the projector reads them back).
 */
export async function verify(
  pool: Pool,
  gazetteer: Gazetteer,
  expectedEvents: string,
): Promise<Verification> {
  const { rows } = await pool.query<{ schema_name: string }>(
    "SELECT schema_name FROM read_model_versions WHERE state = 'live'",
  );
  const schema = quoteIdent(rows[0]!.schema_name);
  const stored = await pool.query<{ claim_id: string; partition: number; log_offset: string }>(
    `SELECT claim_id, partition, log_offset FROM ${schema}.events`,
  );
  const storedEvents = eventsChecksum(
    stored.rows.map((r) => ({
      claimId: r.claim_id,
      partition: r.partition,
      offset: Number(r.log_offset),
    })),
  );
  const statuses = await pool.query(
    `SELECT pcode, status, controller, verification, positions, rules FROM ${schema}.district_status`,
  );
  const storedDistricts = districtsChecksum(statuses.rows);
  // Every body in the current shape (v1 assertions upcast, the actor always named).
  const { rows: shapes } = await pool.query<{ stale: string }>(
    `SELECT count(*) AS stale FROM ${schema}.events
      WHERE (body->>'schema')::int <> (($1::jsonb)->>type)::int
         OR (type = 'claim.asserted' AND NOT (body::jsonb->'data' ?& array['actor', 'precision']))`,
    [JSON.stringify(CURRENT_SCHEMA)],
  );
  const staleBodies = Number(shapes[0]!.stale);
  const reference: DistrictChecksummed[] = [];
  for (const province of gazetteer.provinces.map((p) => p.pcode)) {
    const events = await pool.query<{
      body: LoggedEvent['event'];
      partition: number;
      log_offset: string;
    }>(
      `SELECT body, partition, log_offset FROM ${schema}.events WHERE province = $1 ORDER BY partition, log_offset`,
      [province],
    );
    const logged: LoggedEvent[] = events.rows.map((r) => ({
      event: r.body,
      position: { partition: r.partition, offset: Number(r.log_offset) },
    }));
    for (const pcode of gazetteer.districtsCoveredBy(province)) {
      const status = districtStatus({ pcode, province }, logged);
      // The read model keeps positions without their provenance (read from the events instead).
      const positions = status.positions.map(({ provenance: _, ...core }) => core);
      reference.push({ ...status, positions });
    }
  }
  const expectedDistricts = districtsChecksum(reference);
  return {
    events: { expected: expectedEvents, stored: storedEvents },
    districts: { expected: expectedDistricts, stored: storedDistricts },
    staleBodies,
    ok:
      expectedEvents === storedEvents && expectedDistricts === storedDistricts && staleBodies === 0,
  };
}
