/**
 * One replay at a time, across processes: a session-level Postgres advisory lock, held on a
 * connection of its own for the replay's duration (a replay whose process dies lets it go).
 */
import { Pool, PoolClient } from 'pg';

const REPLAY_LOCK = 7_402_212;

export class ReplayBusyError extends Error {
  constructor() {
    super(
      'a replay is already running; wait for it to finish (GET /v1/replays/{id}) and try again',
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ReplayLock {
  private constructor(private readonly client: PoolClient) {}

  /** Take the lock, or throw ReplayBusyError (a replay that just ended lets go in a moment). */
  static async take(pool: Pool): Promise<ReplayLock> {
    const client = await pool.connect();
    for (let attempt = 0; attempt < 20; attempt++) {
      if (attempt > 0) await sleep(100);
      const { rows } = await client
        .query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [REPLAY_LOCK])
        .catch((error: Error) => {
          client.release(error);
          throw error;
        });
      if (rows[0]?.locked === true) return new ReplayLock(client);
    }
    client.release();
    throw new ReplayBusyError();
  }

  async release(): Promise<void> {
    await this.client.query('SELECT pg_advisory_unlock($1)', [REPLAY_LOCK]).catch(() => undefined);
    this.client.release();
  }
}
