/**
 * The live stream's change rows against a real Postgres: positions become visible in order
 * whatever order transactions take them in, a notice comes on commit only, and pruning keeps a
 * suffix and always the newest row.
 */
import { PROJECTION_CHANNEL } from '@sitrep/platform';
import { Client, PoolClient } from 'pg';
import { DistrictChangesRepository } from './district-changes.repository';
import { readModelDatabase } from '../testing/read-model-database';

const db = readModelDatabase(6);

async function transaction(): Promise<PoolClient> {
  const client = await db.pool.connect();
  await client.query('BEGIN');
  return client;
}

const positions = async () =>
  (
    await db.pool.query<{ position: string; district: string }>(
      `SELECT position, district FROM ${db.schema}.district_changes ORDER BY position`,
    )
  ).rows.map((r) => [Number(r.position), r.district] as const);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('district_changes', () => {
  it('given two batches appending at once, then the second waits for the first to commit, so positions are visible in order', async () => {
    const first = await transaction();
    const second = await transaction();
    try {
      await new DistrictChangesRepository(first, db.schema).append([
        { pcode: 'AF0101', province: 'AF01' },
        { pcode: 'AF0101', province: 'AF01' }, // once per batch
      ]);
      let secondDone = false;
      const appending = new DistrictChangesRepository(second, db.schema)
        .append([{ pcode: 'AF0802', province: 'AF08' }])
        .then(() => (secondDone = true));
      await sleep(300);
      expect(secondDone).toBe(false); // it waits for the first's lock
      expect(await positions()).toEqual([]); // and nothing is visible yet
      await first.query('COMMIT');
      await appending;
      const [[p1, d1]] = (await positions()) as [readonly [number, string]];
      expect(d1).toBe('AF0101');
      await second.query('COMMIT');
      const rows = await positions();
      expect(rows.map(([, d]) => d)).toEqual(['AF0101', 'AF0802']);
      expect(rows[1]![0]).toBeGreaterThan(p1);
    } finally {
      first.release();
      second.release();
    }
  });

  it('given a listener, then it is told on commit, never of a batch rolled back', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const notices: string[] = [];
    listener.on('notification', (n) => notices.push(n.payload ?? ''));
    await listener.query(`LISTEN ${PROJECTION_CHANNEL}`);
    try {
      const rolledBack = await transaction();
      await new DistrictChangesRepository(rolledBack, db.schema).announce();
      await rolledBack.query('ROLLBACK');
      rolledBack.release();
      const committed = await transaction();
      await new DistrictChangesRepository(committed, db.schema).announce();
      await sleep(200);
      expect(notices).toEqual([]);
      await committed.query('COMMIT');
      committed.release();
      for (let i = 0; i < 50 && notices.length === 0; i++) await sleep(20);
      expect(notices).toEqual([db.schema]);
    } finally {
      await listener.end();
    }
  });

  it('given rows older than the retention, then pruning deletes them by position, and never the newest', async () => {
    const changes = new DistrictChangesRepository(db.pool, db.schema);
    await db.pool.query(`DELETE FROM ${db.schema}.district_changes`);
    for (const pcode of ['AF0101', 'AF0102', 'AF0103'])
      await changes.append([{ pcode, province: 'AF01' }]);
    const all = await positions();
    // The first two are an hour old; the third is new.
    await db.pool.query(
      `UPDATE ${db.schema}.district_changes SET changed_at = now() - interval '1 hour' WHERE position <= $1`,
      [all[1]![0]],
    );
    expect(await changes.prune(60_000)).toBe(2);
    expect(await positions()).toEqual([all[2]]);
    // All old: the newest stays, so a caught-up reader is never told it was pruned.
    await db.pool.query(
      `UPDATE ${db.schema}.district_changes SET changed_at = now() - interval '1 hour'`,
    );
    expect(await changes.prune(60_000)).toBe(0);
    expect(await positions()).toEqual([all[2]]);
  });
});
