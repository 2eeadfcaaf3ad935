import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool, PoolClient } from 'pg';
import { gazetteerDir, readCsv } from './gazetteer';
import { projectRoot } from './paths';
import { retryWhileUnavailable } from './unavailable';

/**
 * A pool whose clients never crash the process: pg emits `error` on a client whose connection
 * dies (a Postgres restart: 57P01, ECONNRESET, "Connection terminated unexpectedly"), and pg-pool
 * listens only while the client is idle. Every client gets a listener of its own for its whole
 * life; the error then surfaces on the client's next query, and the pool drops the client when
 * it is released.
 */
export function createPool(databaseUrl: string, max = 10): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Create the database named in the URL if it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = createPool(url.toString(), 1);
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`).catch((error: { code?: string }) => {
        // Created meanwhile by another process: 42P04, or 23505 when both raced past the check.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await admin.end();
  }
}

/** How long an app waits at start for a Postgres that does not answer yet (a restart, compose). */
export const STARTUP_WAIT_MS = 60_000;

/**
 * Create the database if missing and apply the migrations, waiting up to `waitMs` for a Postgres
 * that is not reachable yet.
 */
export async function prepareDatabase(
  databaseUrl: string,
  options: { readonly waitMs?: number; readonly onRetry?: (error: Error) => void } = {},
): ReturnType<typeof migrate> {
  return retryWhileUnavailable(
    async () => {
      await ensureDatabase(databaseUrl);
      const pool = createPool(databaseUrl, 1);
      try {
        return await migrate(pool);
      } finally {
        await pool.end();
      }
    },
    { timeoutMs: options.waitMs ?? STARTUP_WAIT_MS, onRetry: options.onRetry },
  );
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const MIGRATION_LOCK = 7_402_211;

/**
 * Apply numbered migrations, load the gazetteer if its files changed, and make sure a live
 * read-model version exists. Safe to run from several processes at once.
 */
/**
 * The layout of migrations/read-model.sql and of what its rows hold (2: facts on events,
 * timelines, observed rewrites; 3: district_changes for the live stream; 4: recorded position
 * rows without the run's boundary, so that they do not depend on how batches split the log).
 */
export const READ_MODEL_FORMAT = 4;

export async function migrate(
  pool: Pool,
): Promise<{ applied: string[]; readModel: 'kept' | 'created' | 'replaced' }> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map(
        (r) => r.name,
      ),
    );
    const dir = join(projectRoot(), 'migrations');
    const files = readdirSync(dir)
      .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
      .sort();
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      await client.query(readFileSync(join(dir, file), 'utf8'));
      await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      applied.push(file);
    }
    await loadGazetteerRows(client);
    const { rows } = await client.query<{ version: number; format: number }>(
      "SELECT version, format FROM read_model_versions WHERE state = 'live'",
    );
    const live = rows[0];
    if (live && live.format >= READ_MODEL_FORMAT) return { applied, readModel: 'kept' };
    // None yet, or one of an older layout: an empty version of this one, filled from the log.
    const version = await createReadModelVersion(client);
    if (live)
      await client.query("UPDATE read_model_versions SET state = 'retired' WHERE version = $1", [
        live.version,
      ]);
    await client.query(
      "UPDATE read_model_versions SET state = 'live', live_since = now() WHERE version = $1",
      [version.version],
    );
    return { applied, readModel: live ? 'replaced' : 'created' };
  });
}

export interface ReadModelVersion {
  readonly version: number;
  readonly schema: string;
}

const DEFERRABLE = /^-- @deferrable-indexes\b.*$([\s\S]*?)^-- @end-deferrable-indexes\b.*$/gm;

/**
 * Create the schema of the next read-model version, in state `building`. With `deferIndexes`,
 * the indexes between the `@deferrable-indexes` markers of read-model.sql are not created: their
 * statements are returned, for a bulk load to run once the rows are in (and before anything
 * else writes to the version: the primary key is among them).
 */
export async function createReadModelVersion(
  client: PoolClient,
  options: { readonly deferIndexes?: boolean } = {},
): Promise<ReadModelVersion & { readonly deferredIndexes: readonly string[] }> {
  const { rows } = await client.query<{ next: number }>(
    'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM read_model_versions',
  );
  const version = rows[0]!.next;
  const schema = `rm_${version}`;
  let ddl = readFileSync(join(projectRoot(), 'migrations', 'read-model.sql'), 'utf8').replace(
    /:schema/g,
    schema,
  );
  const deferredIndexes: string[] = [];
  if (options.deferIndexes) {
    for (const block of ddl.matchAll(DEFERRABLE))
      deferredIndexes.push(
        ...block[1]!
          .split(/;\s*$/m)
          .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
          .filter((statement) => statement.length > 0),
      );
    ddl = ddl.replace(DEFERRABLE, '');
  }
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.query(ddl);
  await client.query(
    "INSERT INTO read_model_versions (version, schema_name, state, format) VALUES ($1, $2, 'building', $3)",
    [version, schema, READ_MODEL_FORMAT],
  );
  return { version, schema, deferredIndexes };
}

/** The live read-model version. With `lock`, a replay cannot switch it until this transaction ends. */
export async function liveReadModel(
  client: Pool | PoolClient,
  lock = false,
): Promise<ReadModelVersion> {
  const query = `SELECT version, schema_name FROM read_model_versions WHERE state = 'live'${lock ? ' FOR SHARE' : ''}`;
  let { rows } = await client.query<{ version: number; schema_name: string }>(query);
  // A lock that waited for a switch re-reads the old row, now retired: ask again to see the new one.
  if (rows.length === 0 && lock)
    ({ rows } = await client.query<{ version: number; schema_name: string }>(query));
  const row = rows[0];
  if (!row) throw new Error('no live read-model version: run the migrations (npm run migrate)');
  return { version: row.version, schema: row.schema_name };
}

async function loadGazetteerRows(client: PoolClient): Promise<void> {
  const dir = gazetteerDir();
  const names = ['provinces.csv', 'districts.csv', 'aliases.csv'];
  const checksum = createHash('sha256');
  for (const name of names) checksum.update(readFileSync(join(dir, name)));
  const digest = checksum.digest('hex');
  const known = await client.query('SELECT 1 FROM gazetteer_versions WHERE checksum = $1', [
    digest,
  ]);
  if (known.rowCount !== 0) return;

  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  const bbox = (r: Record<string, string>) =>
    [r['bbox_min_lon'], r['bbox_min_lat'], r['bbox_max_lon'], r['bbox_max_lat']].map(num);
  const provinces = readCsv(join(dir, 'provinces.csv'));
  const districts = readCsv(join(dir, 'districts.csv'));
  const aliases = readCsv(join(dir, 'aliases.csv'));
  await client.query(
    `INSERT INTO provinces (pcode, name, name_dari, region, centroid_lon, centroid_lat, bbox)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(pcode text, name text, name_dari text, region text,
       centroid_lon float8, centroid_lat float8, bbox float8[])
     ON CONFLICT (pcode) DO UPDATE SET name = EXCLUDED.name, name_dari = EXCLUDED.name_dari,
       region = EXCLUDED.region, centroid_lon = EXCLUDED.centroid_lon, centroid_lat = EXCLUDED.centroid_lat,
       bbox = EXCLUDED.bbox`,
    [
      JSON.stringify(
        provinces.map((r) => ({
          pcode: r['pcode'],
          name: r['name'],
          name_dari: r['name_dari'],
          region: r['region'],
          centroid_lon: num(r['centroid_lon']),
          centroid_lat: num(r['centroid_lat']),
          bbox: bbox(r),
        })),
      ),
    ],
  );
  await client.query(
    `INSERT INTO districts (pcode, province_pcode, name, name_dari, centroid_lon, centroid_lat, bbox)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(pcode text, province_pcode text, name text,
       name_dari text, centroid_lon float8, centroid_lat float8, bbox float8[])
     ON CONFLICT (pcode) DO UPDATE SET province_pcode = EXCLUDED.province_pcode, name = EXCLUDED.name,
       name_dari = EXCLUDED.name_dari, centroid_lon = EXCLUDED.centroid_lon,
       centroid_lat = EXCLUDED.centroid_lat, bbox = EXCLUDED.bbox`,
    [
      JSON.stringify(
        districts.map((r) => ({
          pcode: r['pcode'],
          province_pcode: r['province_pcode'],
          name: r['name'],
          name_dari: r['name_dari'],
          centroid_lon: num(r['centroid_lon']),
          centroid_lat: num(r['centroid_lat']),
          bbox: bbox(r),
        })),
      ),
    ],
  );
  await client.query('DELETE FROM place_aliases');
  await client.query(
    `INSERT INTO place_aliases (pcode, alias, source)
     SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [
      aliases.map((a) => a['pcode']),
      aliases.map((a) => a['alias']),
      aliases.map((a) => a['source']),
    ],
  );
  await client.query('INSERT INTO gazetteer_versions (checksum) VALUES ($1)', [digest]);
}
