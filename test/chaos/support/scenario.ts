/**
 * One fault scenario on a stack of its own: a database on the suite's Postgres cluster, topics
 * under a prefix of its own on the suite's broker(s), the API and the projector as processes,
 * and ingest running through the API. `finish()` drains, waits for the projection and gives the
 * verdict: what was sent, acknowledged and held; lost, doubled and phantom claims; crashes;
 * server errors; recovery times.
 */
import { createPool, topicsFor } from '@sitrep/platform';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { LoadDriver, LoadFigures } from './load';
import { AppProcess, freePort, MAIN } from './processes';
import { checkpointsOf, claimsHeld } from './read-model';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const ADMIN_KEY = 'chaos-admin-key-0123456789';

export interface Infrastructure {
  readonly databaseUrl: (database: string) => string;
  readonly brokers: readonly string[];
  readonly workDir: string;
  readonly partitions: number;
}

export interface Recovery {
  readonly fault: string;
  /** From the fault's end to the first report acknowledged after it. */
  readonly apiMs: number | undefined;
  /** From the fault's end until the read model held everything committed by then. */
  readonly projectorMs: number;
}

export interface Verdict {
  readonly scenario: string;
  readonly load: LoadFigures;
  readonly reportsHeld: number;
  readonly claimsHeld: number;
  readonly lost: number;
  readonly doubled: number;
  readonly phantom: number;
  readonly crashes: readonly string[];
  readonly serverErrors: number;
  readonly recoveries: readonly Recovery[];
  readonly notes: readonly string[];
  readonly loadAverage: string;
  readonly seconds: number;
}

export interface ScenarioOptions {
  readonly perSecond?: number;
  readonly apiEnv?: Record<string, string>;
}

interface Measured {
  readonly fault: string;
  readonly since: number;
  readonly api: boolean;
  readonly projectorMs: number;
}

export class Scenario {
  private readonly measured: Measured[] = [];
  readonly notes: string[] = [];
  readonly startedAt = Date.now();

  private constructor(
    readonly name: string,
    readonly api: AppProcess,
    readonly projector: AppProcess,
    readonly load: LoadDriver,
    readonly pool: Pool,
    readonly kafka: Kafka,
    readonly claimsTopic: string,
    readonly apiUrl: string,
    readonly projectorMetricsUrl: string,
  ) {}

  static async start(
    name: string,
    infra: Infrastructure,
    options: ScenarioOptions = {},
  ): Promise<Scenario> {
    const id = randomBytes(3).toString('hex');
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: infra.databaseUrl(`sitrep_chaos_${name.replace(/\W/g, '_')}_${id}`),
      KAFKA_BROKERS: infra.brokers.join(','),
      SITREP_TOPIC_PREFIX: `chaos-${name}-${id}.`,
      SITREP_PARTITIONS: String(infra.partitions),
      SITREP_BOOTSTRAP_KEY: ADMIN_KEY,
      LOG_LEVEL: process.env['CHAOS_LOG_LEVEL'] || 'warn',
      RATE_LIMIT_MAX: '0',
      PORT: String(apiPort),
      PROJECTOR_METRICS_PORT: String(metricsPort),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    const logs = join(infra.workDir, 'logs');
    mkdirSync(logs, { recursive: true });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const projector = new AppProcess(
      'projector',
      MAIN.projector,
      env,
      join(logs, `${name}-projector.log`),
    );
    const api = new AppProcess(
      'api',
      MAIN.api,
      { ...env, ...options.apiEnv },
      join(logs, `${name}-api.log`),
    );
    // The projector first: it creates the topics (replicated on a cluster) and the database.
    await projector.start(() => consuming(metricsUrl));
    await api.start(() => answers(`${apiUrl}/health`));
    const pool = createPool(env.DATABASE_URL, 2);
    const kafka = new Kafka({
      clientId: `chaos-${name}`,
      brokers: [...infra.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 200 },
    });
    const load = new LoadDriver(apiUrl, ADMIN_KEY, `chaos-${name}-${id}`, options.perSecond ?? 40);
    const scenario = new Scenario(
      name,
      api,
      projector,
      load,
      pool,
      kafka,
      topicsFor(env.SITREP_TOPIC_PREFIX).claims,
      apiUrl,
      metricsUrl,
    );
    return scenario;
  }

  /** Start the projector again after a kill (same configuration). */
  restartProjector(): Promise<void> {
    return this.projector.start(() => consuming(this.projectorMetricsUrl));
  }

  /** High watermark of each partition of the claim topic, retried while Kafka is away. */
  async highWatermarks(timeoutMs = 120_000): Promise<Map<number, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        const offsets = await admin.fetchTopicOffsets(this.claimsTopic);
        return new Map(offsets.map((p) => [p.partition, Number(p.high)]));
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }

  /** Wait until the read model holds everything committed up to `high`; ms waited. */
  async waitForCheckpoints(high: Map<number, number>, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = await checkpointsOf(this.pool, this.claimsTopic).catch(
        () => new Map<number, number>(),
      );
      if ([...high].every(([p, next]) => next === 0 || (done.get(p) ?? 0) >= next)) return;
      if (Date.now() > deadline) {
        const metrics = await fetch(this.projectorMetricsUrl).then(
          (r) => r.text(),
          (e: Error) => `(no metrics: ${e.message})`,
        );
        const behind = [...high].map(([p, next]) => `${p}: ${done.get(p) ?? 0}/${next}`);
        throw new Error(
          `${this.name}: the projector did not catch up within ${timeoutMs} ms (checkpoint/high per partition ${behind.join(', ')}; projector running: ${this.projector.running}; its metrics:\n${metrics
            .split('\n')
            .filter((l) => l.startsWith('sitrep_projector'))
            .join('\n')})`,
        );
      }
      await sleep(200);
    }
  }

  /**
   * The fault is over at `since` (the dependency is back, or the process restarted): measure how
   * long the projector takes to hold everything committed by then; the API's recovery is the
   * first acknowledgement after `since`, read at the end.
   */
  async recovered(fault: string, since: number, api = true): Promise<void> {
    await this.waitForCheckpoints(await this.highWatermarks());
    this.measured.push({ fault, since, api, projectorMs: Date.now() - since });
  }

  /** Stop ingest, let the projector catch up, stop the apps, and judge. */
  async finish(): Promise<Verdict> {
    await this.load.stop();
    await this.waitForCheckpoints(await this.highWatermarks());
    const held = await claimsHeld(this.pool, `${this.load.prefix}-`);
    const figures = this.load.figures();
    const acknowledged = new Map<string, string[]>();
    for (const report of this.load.reports.values())
      if (report.claimIds) acknowledged.set(report.reportId, report.claimIds);
    const ackedClaims = new Set([...acknowledged.values()].flat());
    const heldClaims = new Set(held.map((h) => h.claimId));
    await this.projector.stop();
    await this.api.stop();
    await this.pool.end();
    const serverErrors = Object.entries(figures.statuses)
      .filter(([status]) => /^5\d\d$/.test(status) && status !== '503')
      .reduce((sum, [, n]) => sum + n, 0);
    return {
      scenario: this.name,
      load: figures,
      reportsHeld: new Set(held.map((h) => h.reportId)).size,
      claimsHeld: heldClaims.size,
      lost: [...ackedClaims].filter((c) => !heldClaims.has(c)).length,
      doubled: held.filter((h) => h.copies > 1).length,
      phantom: held.filter((h) => !ackedClaims.has(h.claimId)).length,
      crashes: [...this.api.crashes, ...this.projector.crashes].map(
        (e) => `${e.name} exited (${e.code ?? e.signal})`,
      ),
      serverErrors,
      recoveries: this.measured.map((m) => ({
        fault: m.fault,
        apiMs: m.api ? this.load.firstAckAfter(m.since) : undefined,
        projectorMs: m.projectorMs,
      })),
      notes: this.notes,
      loadAverage: loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
      seconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }
}

/** The projector has joined its group: partitions are assigned to it. */
async function consuming(metricsUrl: string): Promise<boolean> {
  const text = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) }).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  return /^sitrep_projector_assigned_partitions\{[^}]*\} [1-9]/m.test(text);
}

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
}

const seconds = (ms: number | undefined) =>
  ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;

export function describeVerdict(v: Verdict): string {
  const statuses = Object.entries(v.load.statuses)
    .sort()
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  const lines = [
    `── ${v.scenario} (${v.seconds} s; load average ${v.loadAverage} on ${2} cores)`,
    `   sent ${v.load.sent} reports, acknowledged ${v.load.acknowledged} (${v.load.attempts} attempts: ${statuses}); p50 ${v.load.p50Ms} ms, p99 ${v.load.p99Ms} ms`,
    `   read model holds ${v.reportsHeld} reports, ${v.claimsHeld} claims`,
    `   lost ${v.lost}, doubled ${v.doubled}, phantom ${v.phantom}; crashed processes: ${v.crashes.length === 0 ? 'none' : v.crashes.join(', ')}`,
    `   5xx other than 503: ${v.serverErrors}; 503 without Retry-After: ${v.load.unavailableWithoutRetryAfter}; longest stretch without an acknowledgement: ${seconds(v.load.longestOutageMs)}`,
    ...v.recoveries.map(
      (r) =>
        `   recovery after ${r.fault}: API ${seconds(r.apiMs)}, read model caught up ${seconds(r.projectorMs)}`,
    ),
    ...v.notes.map((n) => `   ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The verdict's failures (empty: the scenario passed). */
export function failures(v: Verdict): string[] {
  return [
    v.lost > 0 && `${v.lost} acknowledged claims lost`,
    v.doubled > 0 && `${v.doubled} claims applied twice`,
    v.phantom > 0 && `${v.phantom} claims in the read model that were never acknowledged`,
    v.crashes.length > 0 && `processes crashed: ${v.crashes.join(', ')}`,
    v.serverErrors > 0 && `${v.serverErrors} server errors other than 503`,
    v.load.unavailableWithoutRetryAfter > 0 &&
      `${v.load.unavailableWithoutRetryAfter} 503s without Retry-After`,
    v.load.acknowledged !== v.load.sent &&
      `${v.load.sent - v.load.acknowledged} reports never acknowledged`,
  ].filter((f): f is string => typeof f === 'string');
}
