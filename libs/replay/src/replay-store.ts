import { Pool, PoolClient } from 'pg';
import { ModelChecksums } from './read-model-versions.repository';

export type ReplayState = 'running' | 'done' | 'failed';

export interface ReplayChecksum {
  readonly live: string;
  readonly rebuilt: string;
  readonly match: boolean;
  /** Per read model; the log positions (partition → next offset) both sides were taken at. */
  readonly models: { readonly live: ModelChecksums; readonly rebuilt: ModelChecksums };
  readonly positions: Record<string, number>;
}

export interface ReplayRecord {
  readonly id: string;
  readonly state: ReplayState;
  readonly province: string | null;
  readonly keepOld: boolean;
  readonly version: number | null;
  readonly processed: number;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly checksum: ReplayChecksum | null;
  readonly error: string | null;
}

interface Row {
  id: string;
  state: ReplayState;
  province: string | null;
  keep_old: boolean;
  version: number | null;
  processed: string;
  total: string;
  events_per_second: number;
  started_at: Date;
  finished_at: Date | null;
  checksum: ReplayChecksum | null;
  error: string | null;
}

const toRecord = (r: Row): ReplayRecord => ({
  id: r.id,
  state: r.state,
  province: r.province,
  keepOld: r.keep_old,
  version: r.version,
  processed: Number(r.processed),
  total: Number(r.total),
  eventsPerSecond: Math.round(r.events_per_second),
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  checksum: r.checksum,
  error: r.error,
});

/** The `replays` table: what a replay is doing, for GET /v1/replays/{id} and the CLI. */
export class ReplayStore {
  constructor(private readonly db: Pool | PoolClient) {}

  async find(id: string): Promise<ReplayRecord | undefined> {
    const { rows } = await this.db.query<Row>('SELECT * FROM replays WHERE id = $1', [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async create(id: string, province: string | null, keepOld: boolean, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO replays (id, state, province, keep_old, started_at, heartbeat_at) VALUES ($1, 'running', $2, $3, $4, $4)`,
      [id, province, keepOld, at],
    );
  }

  async progress(
    id: string,
    fields: { processed: number; total: number; eventsPerSecond: number; version?: number },
  ): Promise<void> {
    await this.db.query(
      `UPDATE replays SET processed = $2, total = $3, events_per_second = $4, version = COALESCE($5, version), heartbeat_at = now()
        WHERE id = $1`,
      [id, fields.processed, fields.total, fields.eventsPerSecond, fields.version ?? null],
    );
  }

  async finish(
    id: string,
    state: 'done' | 'failed',
    at: Date,
    checksum: ReplayChecksum | null,
    error: string | null,
  ): Promise<void> {
    await this.db.query(
      `UPDATE replays SET state = $2, finished_at = $3, checksum = $4, error = $5 WHERE id = $1`,
      [id, state, at, checksum === null ? null : JSON.stringify(checksum), error],
    );
  }

  /** Replays left `running` by a process that ended: only called while holding the replay lock. */
  async failAbandoned(at: Date): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE replays SET state = 'failed', finished_at = $1, error = 'the replay process ended before finishing'
        WHERE state = 'running'`,
      [at],
    );
    return rowCount ?? 0;
  }
}
