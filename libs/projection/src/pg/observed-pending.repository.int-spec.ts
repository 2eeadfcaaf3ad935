/**
 * Pending observed rewrites against a real Postgres: a batch marking a district never waits for a
 * rewrite of it in progress, and its mark outlives that rewrite; one settler at a time.
 */
import { PoolClient } from 'pg';
import { ObservedPendingRepository } from './observed-pending.repository';
import { readModelDatabase } from '../testing/read-model-database';

const db = readModelDatabase(4);

const at = (iso: string) => Date.parse(iso);

async function transaction(): Promise<PoolClient> {
  const client = await db.pool.connect();
  await client.query('BEGIN');
  return client;
}

describe('observed_pending', () => {
  it('given a rewrite in progress, when a batch marks the same district, then it does not wait and its mark stays for the next round', async () => {
    const client = await db.pool.connect();
    const setup = new ObservedPendingRepository(client, db.schema);
    await setup.mark(new Map([['AF0801', at('2021-09-01T00:00:00Z')]]));
    await setup.mark(
      new Map([
        ['AF0801', at('2021-08-20T00:00:00Z')],
        ['AF0802', at('2021-09-03T00:00:00Z')],
      ]),
    );
    client.release();

    const settler = await transaction();
    const pending = new ObservedPendingRepository(settler, db.schema);
    expect(await pending.lockRewrites(false)).toBe(true);
    const taken = await pending.take(10);
    expect(taken.map((t) => [t.district, new Date(t.from).toISOString(), t.marks.length])).toEqual([
      ['AF0801', '2021-08-20T00:00:00.000Z', 2],
      ['AF0802', '2021-09-03T00:00:00.000Z', 1],
    ]);

    // Another settler of the same version is turned away while this one works.
    const other = await transaction();
    expect(await new ObservedPendingRepository(other, db.schema).lockRewrites(false)).toBe(false);
    await other.query('ROLLBACK');
    other.release();

    // A batch marks AF0801 again and commits while the rewrite is still open.
    const batch = await transaction();
    const marked = new ObservedPendingRepository(batch, db.schema)
      .mark(new Map([['AF0801', at('2021-08-25T00:00:00Z')]]))
      .then(() => batch.query('COMMIT'));
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      marked.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 3000))),
    ]);
    clearTimeout(timer);
    expect(waited).toBe(false);
    batch.release();

    await pending.clear(taken);
    await settler.query('COMMIT');
    settler.release();

    const next = await transaction();
    const left = await new ObservedPendingRepository(next, db.schema).take(10);
    await next.query('COMMIT');
    next.release();
    expect(left.map((t) => [t.district, new Date(t.from).toISOString(), t.marks.length])).toEqual([
      ['AF0801', '2021-08-25T00:00:00.000Z', 1],
    ]);
  });
});
