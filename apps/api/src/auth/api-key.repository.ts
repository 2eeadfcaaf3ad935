import { Inject, Injectable } from '@nestjs/common';
import { hashApiKey, newApiKey, PG_POOL } from '@sitrep/platform';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { Caller, Scope } from './scopes';

export interface KeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** API keys, stored as SHA-256 hashes: a key is shown once, when it is created. */
@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async findCaller(key: string): Promise<Caller | undefined> {
    const { rows } = await this.pool.query<{ id: string; name: string; scopes: Scope[] }>(
      'SELECT id, name, scopes FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashApiKey(key)],
    );
    const row = rows[0];
    return row && { keyId: row.id, name: row.name, scopes: row.scopes };
  }

  async create(name: string, scopes: readonly Scope[]): Promise<KeyRecord & { key: string }> {
    const key = newApiKey();
    const id = randomUUID();
    const { rows } = await this.pool.query<{ created_at: Date }>(
      'INSERT INTO api_keys (id, name, key_hash, scopes) VALUES ($1, $2, $3, $4) RETURNING created_at',
      [id, name, hashApiKey(key), scopes],
    );
    return { id, name, scopes, createdAt: rows[0]!.created_at.toISOString(), revokedAt: null, key };
  }

  /** The bootstrap key from SITREP_BOOTSTRAP_KEY: an admin key with every scope. */
  async ensureBootstrapKey(key: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_keys (id, name, key_hash, scopes) VALUES ($1, 'bootstrap', $2, $3)
       ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL, scopes = EXCLUDED.scopes`,
      [randomUUID(), hashApiKey(key), ['ingest', 'read', 'audit', 'admin']],
    );
  }

  async list(): Promise<KeyRecord[]> {
    const { rows } = await this.pool.query<{
      id: string;
      name: string;
      scopes: Scope[];
      created_at: Date;
      revoked_at: Date | null;
    }>('SELECT id, name, scopes, created_at, revoked_at FROM api_keys ORDER BY created_at, id');
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      scopes: r.scopes,
      createdAt: r.created_at.toISOString(),
      revokedAt: r.revoked_at?.toISOString() ?? null,
    }));
  }

  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
    return rowCount === 1;
  }
}
