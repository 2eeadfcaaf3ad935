/**
 * Prometheus metrics: one registry per app (never prom-client's global one, so several apps can
 * live in one process, as in the tests), with Node's process metrics and the Postgres pool's
 * saturation. Each app adds its own series; README.md, "Metrics", lists them all.
 */
import { Pool } from 'pg';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Open, idle and awaited connections of a pool, read at each scrape. */
export function registerPoolMetrics(registry: Registry, pool: Pool, max: number): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('sitrep_pg_pool_max', 'Connections the Postgres pool may open', () => max);
  gauge('sitrep_pg_pool_open', 'Connections the Postgres pool holds open', () => pool.totalCount);
  gauge('sitrep_pg_pool_idle', 'Open connections not in use', () => pool.idleCount);
  gauge(
    'sitrep_pg_pool_waiting',
    'Queries waiting for a connection (the pool is saturated when this stays above 0)',
    () => pool.waitingCount,
  );
}
