/**
 * A process holding Postgres connections from `createPool`, for a test that terminates them
 * from outside (57P01, as a Postgres restart does). Sends { pids } over IPC, waits for 'check',
 * then reports what happened: { checkedOutError, recovered } — if it is still alive.
 */
const { join } = require('node:path');
const { root } = require('./ts-register');
const { createPool } = require(join(root, 'libs/platform/src/database'));

async function main() {
  const pool = createPool(process.env.DATABASE_URL, 2);
  const held = await pool.connect(); // checked out, as a writer awaiting Kafka holds it
  const idle = await pool.connect();
  const pids = [];
  for (const client of [held, idle])
    pids.push((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
  idle.release(); // back in the pool, idle
  process.send({ pids });
  process.once('message', async () => {
    const checkedOutError = await held.query('SELECT 1').then(
      () => null,
      (error) => error.message,
    );
    held.release(checkedOutError ? new Error(checkedOutError) : undefined);
    const recovered = await pool.query('SELECT 1 AS one').then(
      (r) => r.rows[0].one === 1,
      () => false,
    );
    process.send({ checkedOutError, recovered });
    await pool.end();
  });
}

main().catch((error) => {
  process.send({ error: String(error && error.message) });
  process.exit(1);
});
