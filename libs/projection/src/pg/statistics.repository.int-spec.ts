/**
 * Planner statistics against a real Postgres (where autovacuum may be off, as on CI): once
 * analyzed, a version's events are looked up by target through the index, not scanned.
 */
import { StatisticsRepository } from './statistics.repository';
import { readModelDatabase } from '../testing/read-model-database';

const db = readModelDatabase(2);

it('given 50,000 events, when analyzed, then the planner knows them and looks targets up by index', async () => {
  await db.pool.query(
    `INSERT INTO ${db.schema}.events (claim_id, type, schema, report_id, claimant, province, place_pcode,
       specific, kind, target_id, observed_at, recorded_at, partition, log_offset, body)
     SELECT gen_random_uuid(), 'claim.asserted', 3, 'r' || i, 'nrf', 'AF08', 'AF0801', 1,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'control' END,
       CASE WHEN i % 4 = 0 THEN gen_random_uuid() END,
       now(), now(), 0, i, '{}'::json
       FROM generate_series(1, 50000) AS i`,
  );
  const known = await new StatisticsRepository(db.pool, db.schema).analyze();
  expect(known).toBeGreaterThan(40_000);
  const ids = Array.from({ length: 300 }, () => crypto.randomUUID());
  const { rows } = await db.pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN SELECT claim_id FROM ${db.schema}.events WHERE target_id = ANY($1::uuid[])`,
    [ids],
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  expect(plan).toMatch(/Index|Bitmap/);
  expect(plan).not.toMatch(/Seq Scan/);
  // The columns queries compare are sampled; the event bodies (wide, never compared) are not.
  const { rows: sampled } = await db.pool.query<{ attname: string }>(
    `SELECT attname FROM pg_stats WHERE schemaname = $1 AND tablename = 'events'`,
    [db.schema],
  );
  const names = sampled.map((r) => r.attname);
  expect(names).toEqual(expect.arrayContaining(['target_id', 'place_pcode', 'observed_at']));
  expect(names).not.toContain('body');
});
