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

/**
 * How long a valid key is trusted without asking Postgres again: every request needs its caller,
 * and a query per request costs more than the rest of a report's way to Kafka. A key revoked
 * through another API instance stops working within this time (at once through this one).
 */
export const KEY_CACHE_MS = 5000;
const KEY_CACHE_SIZE = 10_000;

/** API keys, stored as SHA-256 hashes: a key is shown once, when it is created. */
@Injectable()
export class ApiKeyRepository {
  /** Valid keys by hash (unknown keys are not kept: anyone can make up many). */
  private readonly cache = new Map<string, { readonly caller: Caller; readonly until: number }>();
  /** Lookups under way, so that concurrent requests with one key ask once. */
  private readonly lookups = new Map<string, Promise<Caller | undefined>>();

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async findCaller(key: string): Promise<Caller | undefined> {
    const hash = hashApiKey(key);
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.caller;
    let lookup = this.lookups.get(hash);
    if (!lookup) {
      lookup = this.callerOf(hash).finally(() => this.lookups.delete(hash));
      this.lookups.set(hash, lookup);
    }
    const caller = await lookup;
    if (caller) {
      if (this.cache.size >= KEY_CACHE_SIZE) this.cache.clear();
      this.cache.set(hash, { caller, until: Date.now() + KEY_CACHE_MS });
    }
    return caller;
  }

  private async callerOf(hash: string): Promise<Caller | undefined> {
    const { rows } = await this.pool.query<{ id: string; name: string; scopes: Scope[] }>(
      'SELECT id, name, scopes FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hash],
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
    this.cache.clear();
    return rowCount === 1;
  }
}
