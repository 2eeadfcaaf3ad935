/**
 * Planner statistics against a real Postgres (where autovacuum may be off, as on CI): once
 * analyzed, a version's events are looked up by target through the index, not scanned.
 */
import {
  createPool,
  DEFAULT_DATABASE_URL,
  ensureDatabase,
  liveReadModel,
  migrate,
  quoteIdent,
} from '@sitrep/platform';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { StatisticsRepository } from './statistics.repository';

const name = `sitrep_t_${randomBytes(4).toString('hex')}`;
const url = new URL(process.env['SITREP_TEST_DATABASE_URL'] || DEFAULT_DATABASE_URL);
url.pathname = `/${name}`;
let pool: Pool;
let schema: string;

beforeAll(async () => {
  await ensureDatabase(url.toString());
  pool = createPool(url.toString(), 2);
  await migrate(pool);
  schema = (await liveReadModel(pool)).schema;
});

afterAll(async () => {
  await pool.end();
  const admin = createPool(new URL('/postgres', url).toString(), 1);
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  await admin.end();
});

it('given 50,000 events, when analyzed, then the planner knows them and looks targets up by index', async () => {
  await pool.query(
    `INSERT INTO ${schema}.events (claim_id, type, schema, report_id, claimant, province, place_pcode,
       specific, kind, target_id, observed_at, recorded_at, partition, log_offset, body)
     SELECT gen_random_uuid(), 'claim.asserted', 3, 'r' || i, 'nrf', 'AF08', 'AF0801', 1,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'control' END,
       CASE WHEN i % 4 = 0 THEN gen_random_uuid() END,
       now(), now(), 0, i, '{}'::json
       FROM generate_series(1, 50000) AS i`,
  );
  const known = await new StatisticsRepository(pool, schema).analyze();
  expect(known).toBeGreaterThan(40_000);
  const ids = Array.from({ length: 300 }, () => crypto.randomUUID());
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN SELECT claim_id FROM ${schema}.events WHERE target_id = ANY($1::uuid[])`,
    [ids],
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  expect(plan).toMatch(/Index|Bitmap/);
  expect(plan).not.toMatch(/Seq Scan/);
});
