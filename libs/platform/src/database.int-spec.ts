/**
 * Migrations, the gazetteer load and database creation against a real Postgres, each test on a
 * database of its own that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DEFAULT_DATABASE_URL } from './config';
import { createPool, ensureDatabase, liveReadModel, migrate, quoteIdent } from './database';
import { gazetteerDir, readCsv } from './gazetteer';
import { projectRoot } from './paths';

const created: string[] = [];
const pools: Pool[] = [];

function urlOf(name: string): string {
  const url = new URL(process.env['SITREP_TEST_DATABASE_URL'] || DEFAULT_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database name nobody uses, dropped in afterAll. */
function freshName(): string {
  const name = `sitrep_t_${randomBytes(4).toString('hex')}`;
  created.push(name);
  return name;
}

function poolOn(name: string, max = 2): Pool {
  const pool = createPool(urlOf(name), max);
  pools.push(pool);
  return pool;
}

async function exists(name: string): Promise<boolean> {
  const admin = new Pool({ connectionString: urlOf('postgres'), max: 1 });
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await admin.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new Pool({ connectionString: urlOf('postgres'), max: 1 });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

const count = async (pool: Pool, sql: string): Promise<number> =>
  Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  for (const name of created) await dropDatabase(name);
});

describe('ensureDatabase', () => {
  it('given a database that does not exist, then it creates it; given it exists, then nothing happens', async () => {
    const name = freshName();
    expect(await exists(name)).toBe(false);
    await ensureDatabase(urlOf(name));
    expect(await exists(name)).toBe(true);
    await ensureDatabase(urlOf(name));
    expect(await exists(name)).toBe(true);
  });

  it('given several processes at once, then exactly one creates it and none fails', async () => {
    const name = freshName();
    await Promise.all([1, 2, 3].map(() => ensureDatabase(urlOf(name))));
    expect(await exists(name)).toBe(true);
  });
});

describe('migrate', () => {
  const migrationFiles = readdirSync(join(projectRoot(), 'migrations'))
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort();
  const aliases = readCsv(join(gazetteerDir(), 'aliases.csv'));
  const distinctAliases = new Set(aliases.map((a) => `${a['pcode']}|${a['alias']}|${a['source']}`));

  let name: string;
  let pool: Pool;
  let first: { applied: string[] };

  beforeAll(async () => {
    name = freshName();
    await ensureDatabase(urlOf(name));
    pool = poolOn(name);
    first = await migrate(pool);
  });

  it('given a fresh database, then it applies every numbered migration in order', async () => {
    expect(migrationFiles.length).toBeGreaterThan(0);
    expect(first.applied).toEqual(migrationFiles);
    const { rows } = await pool.query<{ name: string }>(
      'SELECT name FROM schema_migrations ORDER BY name',
    );
    expect(rows.map((r) => r.name)).toEqual(migrationFiles);
  });

  it('then the gazetteer is loaded: 34 provinces, 399 districts, every alias', async () => {
    expect(await count(pool, 'SELECT count(*) AS n FROM provinces')).toBe(34);
    expect(await count(pool, 'SELECT count(*) AS n FROM districts')).toBe(399);
    expect(distinctAliases.size).toBeGreaterThan(500);
    expect(await count(pool, 'SELECT count(*) AS n FROM place_aliases')).toBe(distinctAliases.size);
    expect(await count(pool, 'SELECT count(*) AS n FROM gazetteer_versions')).toBe(1);
    const { rows } = await pool.query(
      "SELECT pcode, province_pcode, name FROM districts WHERE pcode = 'AF0805'",
    );
    expect(rows).toEqual([{ pcode: 'AF0805', province_pcode: 'AF08', name: 'Anawa' }]);
    expect(
      await count(
        pool,
        'SELECT count(*) AS n FROM districts d LEFT JOIN provinces p ON p.pcode = d.province_pcode WHERE p.pcode IS NULL',
      ),
    ).toBe(0);
  });

  it('then exactly one read-model version is live, with its tables', async () => {
    const live = await liveReadModel(pool);
    expect(live).toEqual({ version: 1, schema: 'rm_1' });
    const { rows } = await pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [live.schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'checkpoints',
        'dead_letters',
        'district_changes',
        'district_status',
        'events',
        'positions',
      ]),
    );
  });

  it('given it runs again (twice more), then it applies nothing and changes nothing', async () => {
    await pool.query(
      "INSERT INTO api_keys (id, name, key_hash, scopes) VALUES ('00000000-0000-4000-8000-000000000001', 'k', 'h', '{read}')",
    );
    const before = await pool.query(
      'SELECT (SELECT count(*) FROM provinces) AS p, (SELECT count(*) FROM districts) AS d, (SELECT count(*) FROM place_aliases) AS a, (SELECT count(*) FROM read_model_versions) AS v, (SELECT count(*) FROM gazetteer_versions) AS g, (SELECT count(*) FROM api_keys) AS k',
    );
    expect(await migrate(pool)).toEqual({ applied: [], readModel: 'kept' });
    expect(await migrate(pool)).toEqual({ applied: [], readModel: 'kept' });
    const after = await pool.query(
      'SELECT (SELECT count(*) FROM provinces) AS p, (SELECT count(*) FROM districts) AS d, (SELECT count(*) FROM place_aliases) AS a, (SELECT count(*) FROM read_model_versions) AS v, (SELECT count(*) FROM gazetteer_versions) AS g, (SELECT count(*) FROM api_keys) AS k',
    );
    expect(after.rows).toEqual(before.rows);
    expect(await liveReadModel(pool)).toEqual({ version: 1, schema: 'rm_1' });
  });

  it('given a live read model of an older layout, then an empty one of this layout replaces it (the projector fills it from the log)', async () => {
    const other = freshName();
    await ensureDatabase(urlOf(other));
    const db = poolOn(other, 1);
    expect((await migrate(db)).readModel).toBe('created');
    await db.query("UPDATE read_model_versions SET format = 1 WHERE state = 'live'");
    expect(await migrate(db)).toEqual({ applied: [], readModel: 'replaced' });
    expect(await liveReadModel(db)).toEqual({ version: 2, schema: 'rm_2' });
    const { rows } = await db.query<{ version: number; state: string }>(
      'SELECT version, state FROM read_model_versions ORDER BY version',
    );
    expect(rows).toEqual([
      { version: 1, state: 'retired' },
      { version: 2, state: 'live' },
    ]);
    await db.end();
  });

  it('given several processes migrate a fresh database at once, then all succeed with one live version', async () => {
    const other = freshName();
    await ensureDatabase(urlOf(other));
    const results = await Promise.all([1, 2, 3].map(() => migrate(poolOn(other, 1))));
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, migrationFiles.length]);
    const check = poolOn(other, 1);
    expect(
      await count(check, "SELECT count(*) AS n FROM read_model_versions WHERE state = 'live'"),
    ).toBe(1);
    expect(await count(check, 'SELECT count(*) AS n FROM districts')).toBe(399);
  });
});
