/**
 * Every query a replay makes about read-model versions and where they stand: versions
 * (`read_model_versions`: building, live, retired, failed; their schemas), their checkpoints, and
 * order-independent checksums of their rows at the same log positions.
 */
import {
  createReadModelVersion,
  inTransaction,
  PROJECTION_CHANNEL,
  quoteIdent,
} from '@sitrep/platform';
import { Pool, PoolClient } from 'pg';

export interface Version {
  readonly version: number;
  readonly schema: string;
}

/** Order-independent checksums of a version's read models (`rows:sum`), and what it set aside. */
export interface ModelChecksums {
  readonly events: string;
  readonly districts: string;
  readonly timelines: string;
  readonly deadLetters: number;
}

const MOD = 1n << 64n;

/** A row count and the sum of the rows' hashes, modulo 2^64 (same rows, any order, same sum). */
const sumOf = (rows: string, sum: string) => {
  const s = ((BigInt(sum) % MOD) + MOD) % MOD;
  return `${rows}:${s.toString(16).padStart(16, '0')}`;
};

/** The sum of a row text's hashes, in SQL. */
const HASH_SUM = (row: string) =>
  `count(*)::text AS rows, COALESCE(sum(('x' || substr(md5(${row}), 1, 16))::bit(64)::bigint), 0)::text AS sum`;

export class ReadModelVersions {
  constructor(private readonly pool: Pool) {}

  /** A new version in state `building`; `deferIndexes` leaves the bulk-load indexes to build. */
  create(deferIndexes: boolean) {
    return inTransaction(this.pool, (client) => createReadModelVersion(client, { deferIndexes }));
  }

  /** Versions left `building` by a replay that died: their schemas are garbage. */
  async failAbandoned(): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ version: number; schema_name: string }>(
        "SELECT version, schema_name FROM read_model_versions WHERE state = 'building' FOR UPDATE",
      );
      for (const row of rows) {
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(row.schema_name)} CASCADE`);
        await client.query("UPDATE read_model_versions SET state = 'failed' WHERE version = $1", [
          row.version,
        ]);
      }
    });
  }

  /** The live version, locked: the live projector's next batch waits until the transaction ends. */
  async liveForUpdate(client: PoolClient): Promise<Version> {
    const { rows } = await client.query<{ version: number; schema_name: string }>(
      "SELECT version, schema_name FROM read_model_versions WHERE state = 'live' FOR UPDATE",
    );
    const row = rows[0];
    if (!row) throw new Error('no live read-model version: run the migrations (npm run migrate)');
    return { version: row.version, schema: row.schema_name };
  }

  /** Make `next` live and retire `live`, in the caller's transaction. */
  async switch(client: PoolClient, live: Version, next: Version): Promise<void> {
    await client.query("UPDATE read_model_versions SET state = 'retired' WHERE version = $1", [
      live.version,
    ]);
    await client.query(
      "UPDATE read_model_versions SET state = 'live', live_since = now() WHERE version = $1",
      [next.version],
    );
    // Live streams learn of the switch at once (they tell their clients to reload).
    await client.query('SELECT pg_notify($1, $2)', [PROJECTION_CHANNEL, next.schema]);
  }

  /** Drop a version's schema: a failed build or a retired version, never the live one. */
  async dropSchema(schema: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ state: string }>(
        'SELECT state FROM read_model_versions WHERE schema_name = $1 FOR UPDATE',
        [schema],
      );
      const state = rows[0]?.state;
      if (state !== 'building' && state !== 'retired') return;
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      if (state === 'building')
        await client.query(
          "UPDATE read_model_versions SET state = 'failed' WHERE schema_name = $1",
          [schema],
        );
    });
  }

  /** Build indexes left out of a bulk load, on one connection (one core for Postgres). */
  async buildIndexes(statements: readonly string[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("SET maintenance_work_mem = '256MB'");
      await client.query('SET max_parallel_maintenance_workers = 0');
      for (const sql of statements) await client.query(sql);
      await client.query('RESET maintenance_work_mem');
      await client.query('RESET max_parallel_maintenance_workers');
      client.release();
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }

  /** A version's checkpoints: partition → next offset (and its recorded clock). */
  async checkpoints(
    db: Pool | PoolClient,
    schema: string,
    topic: string,
  ): Promise<Map<number, { next: number; clock: number }>> {
    const { rows } = await db.query<{ partition: number; next_offset: string; clock: string }>(
      `SELECT partition, next_offset, clock FROM ${schema}.checkpoints WHERE topic = $1`,
      [topic],
    );
    return new Map(
      rows.map((r) => [r.partition, { next: Number(r.next_offset), clock: Number(r.clock) }]),
    );
  }

  /**
   * Checksums of a version's rows: events applied below `positions` (partition → next offset),
   * and, unless `eventsOnly`, its districts' current states and timelines, all of them or those
   * of a province's districts.
   */
  async checksums(
    client: PoolClient,
    schema: string,
    positions: ReadonlyMap<number, number>,
    options: { readonly province?: string; readonly eventsOnly?: boolean } = {},
  ): Promise<ModelChecksums> {
    const province = options.province ?? null;
    const one = async (sql: string, params: unknown[]) => {
      const { rows } = await client.query<{ rows: string; sum: string }>(sql, params);
      return sumOf(rows[0]!.rows, rows[0]!.sum);
    };
    const events = await one(
      `SELECT ${HASH_SUM(`e.claim_id::text || '@' || e.partition || ':' || e.log_offset || ':' || e.withdrawn`)}
         FROM ${schema}.events e
         JOIN unnest($1::int[], $2::bigint[]) AS p(partition, next) ON p.partition = e.partition
        WHERE e.log_offset < p.next AND ($3::text IS NULL OR e.province = $3)`,
      [[...positions.keys()], [...positions.values()], province],
    );
    const letters = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.dead_letters d
         JOIN unnest($1::int[], $2::bigint[]) AS p(partition, next) ON p.partition = d.partition
        WHERE d.log_offset < p.next`,
      [[...positions.keys()], [...positions.values()]],
    );
    const deadLetters = letters.rows[0]!.n;
    if (options.eventsOnly)
      return { events, districts: 'not compared', timelines: 'not compared', deadLetters };
    const inScope = `($1::text IS NULL OR district IN (SELECT pcode FROM districts WHERE province_pcode = $1))`;
    const districts = await one(
      `SELECT ${HASH_SUM(`pcode || status || COALESCE(controller, '') || verification || positions::text`)}
         FROM ${schema}.district_status
        WHERE ($1::text IS NULL OR province = $1) AND positions <> '[]'::jsonb`,
      [province],
    );
    const statuses = await one(
      `SELECT ${HASH_SUM(`district || axis::text || valid_from::text || status || COALESCE(controller, '') || verification || caused_by::text`)}
         FROM ${schema}.status_timeline WHERE ${inScope}`,
      [province],
    );
    const positionsSum = await one(
      `SELECT ${HASH_SUM(`district || claimant || axis::text || valid_from::text || COALESCE(record, '-') || caused_by::text`)}
         FROM ${schema}.position_timeline WHERE ${inScope}`,
      [province],
    );
    return { events, districts, timelines: `${statuses}; ${positionsSum}`, deadLetters };
  }
}

export const combined = (c: ModelChecksums): string =>
  `events ${c.events}; districts ${c.districts}; timelines ${c.timelines}; set aside ${c.deadLetters}`;
