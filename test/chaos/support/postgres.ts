/**
 * A PostgreSQL cluster of the fault suite's own (`pg_createcluster` on another port), so it can
 * be restarted, killed and stopped without touching the cluster other work shares. Created with
 * trust authentication on loopback, dropped at the end.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Pool } from 'pg';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ChaosPostgres {
  readonly version: string;

  constructor(
    readonly port = Number(process.env['CHAOS_PG_PORT'] || 5433),
    readonly name = 'sitrep_chaos',
  ) {
    if (name === 'main') throw new Error('the fault suite never touches the main cluster');
    const versions = readdirSync('/usr/lib/postgresql').sort();
    this.version = process.env['CHAOS_PG_VERSION'] || versions[versions.length - 1]!;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private ctl(...args: string[]): void {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', this.version, this.name, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }

  private exists(): boolean {
    const list = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
    return list.split('\n').some((line) => line.split(/\s+/)[1] === this.name);
  }

  /** Create the cluster (first run) and start it. */
  async start(): Promise<void> {
    if (!this.exists()) {
      execFileSync(
        'pg_createcluster',
        [
          this.version,
          this.name,
          '-p',
          String(this.port),
          '--start-conf=manual',
          '--',
          '--auth=trust',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    }
    await this.up();
  }

  /** Start a stopped cluster and wait until it accepts connections. */
  async up(): Promise<void> {
    try {
      this.ctl('start');
    } catch (error) {
      if (!/already running/i.test(String((error as { stderr?: Buffer }).stderr))) throw error;
    }
    await this.waitReady();
  }

  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.ctl('stop', '-m', mode);
  }

  async restart(mode: 'fast' | 'immediate'): Promise<void> {
    this.ctl('restart', '-m', mode);
    await this.waitReady();
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pool = new Pool({
        connectionString: this.url('postgres'),
        max: 1,
        connectionTimeoutMillis: 1000,
      });
      pool.on('error', () => undefined);
      const ok = await pool.query('SELECT 1').then(
        () => true,
        () => false,
      );
      await pool.end().catch(() => undefined);
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(`the chaos Postgres cluster is not ready after ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  /** Stop and remove the cluster. */
  drop(): void {
    if (!this.exists()) return;
    execFileSync('pg_dropcluster', ['--stop', this.version, this.name], { stdio: 'ignore' });
  }
}
