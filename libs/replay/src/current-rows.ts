/**
 * The rows a replay writes once the log is read: each district's current state and positions,
 * the claimants of each district's timelines, the actors named, and which claims are withdrawn.
 */
import {
  BulkStore,
  currentStateRows,
  DISTRICT_STATUS_COLUMNS,
  LANE_STATUS_COLUMNS,
  laneStateRow,
  POSITIONS_COLUMNS,
} from '@sitrep/projection';
import { PoolClient } from 'pg';
import { BulkSink, MemoryRows } from './bulk-sink';

export async function writeCurrentRows(
  client: PoolClient,
  schema: string,
  store: BulkStore,
  sink: BulkSink,
  updatedAt: string,
): Promise<void> {
  const current = new MemoryRows();
  const positions = new MemoryRows();
  const lanes = new MemoryRows();
  for (const state of store.allStates()) {
    if (state.isLane) {
      lanes.add(laneStateRow(state, updatedAt));
      continue;
    }
    const rows = currentStateRows(state, updatedAt);
    current.add(rows.district);
    positions.add(rows.positions);
  }
  await lanes.copyInto(client, `COPY ${schema}.lane_status (${LANE_STATUS_COLUMNS}) FROM STDIN`);
  await current.copyInto(
    client,
    `COPY ${schema}.district_status (${DISTRICT_STATUS_COLUMNS}) FROM STDIN`,
  );
  await positions.copyInto(client, `COPY ${schema}.positions (${POSITIONS_COLUMNS}) FROM STDIN`);
  const pairs = [...sink.claimants].map((k) => k.split('\u0000') as [string, string]);
  await client.query(
    `INSERT INTO ${schema}.district_claimants (district, claimant)
     SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
  await client.query(
    `INSERT INTO ${schema}.actors (actor) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
    [[...sink.actors]],
  );
  const withdrawn = [...store.appliedClaims()]
    .filter((c) => store.isWithdrawn(c.id))
    .map((c) => c.id);
  await client.query(
    `UPDATE ${schema}.events SET withdrawn = true WHERE claim_id = ANY($1::uuid[])`,
    [withdrawn],
  );
}
