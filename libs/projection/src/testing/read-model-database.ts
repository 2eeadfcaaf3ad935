/**
 * For integration specs: a database of the spec's own, migrated (with an empty live read-model
 * version), made before the spec's tests and dropped after them.
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

export interface ReadModelDatabase {
  readonly url: string;
  readonly pool: Pool;
  /** The live read-model version's schema. */
  readonly schema: string;
}

/** Call at the top level of a spec; the fields are there once its tests run. */
export function readModelDatabase(connections: number): ReadModelDatabase {
  const name = `sitrep_t_${randomBytes(4).toString('hex')}`;
  const url = new URL(process.env['SITREP_TEST_DATABASE_URL'] || DEFAULT_DATABASE_URL);
  url.pathname = `/${name}`;
  let pool: Pool | undefined;
  let schema: string | undefined;
  beforeAll(async () => {
    await ensureDatabase(url.toString());
    pool = createPool(url.toString(), connections);
    await migrate(pool);
    schema = (await liveReadModel(pool)).schema;
  });
  afterAll(async () => {
    await pool?.end();
    const admin = createPool(new URL('/postgres', url).toString(), 1);
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.end();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is there once the spec's tests run`);
    return value;
  };
  return {
    url: url.toString(),
    get pool() {
      return ready(pool, 'the pool');
    },
    get schema() {
      return ready(schema, 'the schema');
    },
  };
}
