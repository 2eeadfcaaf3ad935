/**
 * A Postgres restart terminates every connection (57P01); pg then emits `error` on each client.
 * A pool from `createPool` must survive that, whether the client was idle or checked out, and
 * serve the next query on a new connection. Run in a child process: an unhandled `error` event
 * would end it, as it ended the API and the projector.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DEFAULT_DATABASE_URL } from './config';
import { ensureDatabase, quoteIdent } from './database';

const name = `sitrep_t_${randomBytes(4).toString('hex')}`;
function urlOf(database: string): string {
  const url = new URL(process.env['SITREP_TEST_DATABASE_URL'] || DEFAULT_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
const admin = new Pool({ connectionString: urlOf('postgres'), max: 1 });

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  await admin.end();
});

it('given connections terminated by the administrator, then the process lives and the pool recovers', async () => {
  await ensureDatabase(urlOf(name));
  const child = fork(join(__dirname, '../../../test/support/pool-child.js'), [], {
    env: { ...process.env, DATABASE_URL: urlOf(name) },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const next = () =>
    Promise.race([
      new Promise<Record<string, unknown>>((resolve) => child.once('message', resolve as never)),
      exited.then((code) => ({ exited: code, stderr })),
    ]);

  const { pids } = (await next()) as { pids: number[] };
  expect(pids).toHaveLength(2);
  await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the terminations arrive
  const reported = next();
  if (child.connected) child.send('check');
  expect(await reported).toEqual({
    checkedOutError: expect.stringMatching(/terminat|not queryable/i),
    recovered: true,
  });
  expect(await exited).toBe(0);
});
