/**
 * Ingest through the HTTP API as a well-behaved client does: distinct reports at a steady pace
 * from a few concurrent workers; a 503 (or a connection error) is retried with the same body
 * until it is acknowledged (resubmission is always safe). Everything answered is recorded.
 */
import { loadGazetteer } from '@sitrep/platform';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const districts = loadGazetteer()
  .districts.map((d) => d.pcode)
  .sort();
const ACTORS = ['taliban', 'nrf', 'isis-k'];

export interface SentReport {
  readonly reportId: string;
  /** Claim ids from the acknowledgement, once acknowledged. */
  claimIds?: string[];
  attempts: number;
}

export interface LoadFigures {
  /** Distinct reports sent at least once. */
  readonly sent: number;
  /** Distinct reports answered 201 or 200. */
  readonly acknowledged: number;
  readonly attempts: number;
  /** Answers by status (`error` for a failed connection or a timeout). */
  readonly statuses: Readonly<Record<string, number>>;
  /** 503s without a Retry-After header (must be 0). */
  readonly unavailableWithoutRetryAfter: number;
  /** Longest stretch of time in which every answer was a 503 or a connection error, in ms. */
  readonly longestOutageMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function reportBody(reportId: string, n: number): unknown {
  const place = districts[(n * 7919) % districts.length]!;
  const actor = ACTORS[n % ACTORS.length]!;
  const claims = [
    {
      claimant: actor,
      kind: n % 5 === 0 ? 'presence' : 'control',
      actor,
      place,
      observedAt: new Date(Date.UTC(2021, 8, 1) + n * 60_000).toISOString(),
      credibility: 1 + (n % 6),
    },
  ];
  if (n % 3 === 0)
    claims.push({
      ...claims[0]!,
      claimant: 'local-elders',
      kind: 'presence',
      place: districts[(n * 104729) % districts.length]!,
    });
  return { reportId, source: { outlet: 'Chaos desk', reliability: 'C' }, claims };
}

export class LoadDriver {
  readonly reports = new Map<string, SentReport>();
  private readonly statuses: Record<string, number> = {};
  private readonly latencies: number[] = [];
  private unavailableWithoutRetryAfter = 0;
  private attempts = 0;
  private running = false;
  private workers: Promise<void>[] = [];
  private next = 0;
  private failingSince: number | undefined;
  private longestOutageMs = 0;
  /** Times (ms since epoch) of each acknowledgement, for recovery measurements. */
  readonly acknowledgedAt: number[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
    readonly prefix: string,
    private readonly perSecond = 40,
    private readonly concurrency = 8,
  ) {}

  start(): void {
    this.running = true;
    const interval = (1000 * this.concurrency) / this.perSecond;
    for (let w = 0; w < this.concurrency; w++)
      this.workers.push(
        (async () => {
          await sleep((interval * w) / this.concurrency);
          while (this.running) {
            const started = Date.now();
            const n = this.next++;
            await this.deliver(`${this.prefix}-${n}`, n, () => this.running);
            await sleep(Math.max(0, interval - (Date.now() - started)));
          }
        })(),
      );
  }

  /** Stop sending new reports; keep retrying the unacknowledged ones until `drainMs` passes. */
  async stop(drainMs = 60_000): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    const deadline = Date.now() + drainMs;
    const pending = [...this.reports.values()].filter((r) => !r.claimIds);
    for (const report of pending)
      await this.deliver(
        report.reportId,
        Number(report.reportId.split('-').pop()),
        () => Date.now() < deadline,
      );
  }

  /** The first acknowledgement at or after `since`, in ms after it (undefined: none yet). */
  firstAckAfter(since: number): number | undefined {
    const t = this.acknowledgedAt.find((at) => at >= since);
    return t === undefined ? undefined : t - since;
  }

  private async deliver(reportId: string, n: number, keepTrying: () => boolean): Promise<void> {
    const report = this.reports.get(reportId) ?? { reportId, attempts: 0 };
    this.reports.set(reportId, report);
    const body = JSON.stringify(reportBody(reportId, n));
    do {
      report.attempts++;
      this.attempts++;
      const started = Date.now();
      let status = 'error';
      try {
        const response = await fetch(`${this.baseUrl}/v1/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        status = String(response.status);
        const answer = (await response.json().catch(() => ({}))) as {
          claims?: { claimId: string }[];
        };
        if (response.status === 503 && !response.headers.get('retry-after'))
          this.unavailableWithoutRetryAfter++;
        if (response.status === 200 || response.status === 201) {
          report.claimIds = (answer.claims ?? []).map((c) => c.claimId);
          this.latencies.push(Date.now() - started);
          this.acknowledgedAt.push(Date.now());
        }
      } catch {
        status = 'error';
      }
      this.statuses[status] = (this.statuses[status] ?? 0) + 1;
      this.track(status);
      if (report.claimIds) return;
      await sleep(status === '503' || status === 'error' ? 500 : 1000);
    } while (keepTrying());
  }

  private track(status: string): void {
    const now = Date.now();
    if (status === '503' || status === 'error') {
      this.failingSince ??= now;
      this.longestOutageMs = Math.max(this.longestOutageMs, now - this.failingSince);
    } else if (status === '200' || status === '201') {
      this.failingSince = undefined;
    }
  }

  figures(): LoadFigures {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
    return {
      sent: this.reports.size,
      acknowledged: [...this.reports.values()].filter((r) => r.claimIds).length,
      attempts: this.attempts,
      statuses: { ...this.statuses },
      unavailableWithoutRetryAfter: this.unavailableWithoutRetryAfter,
      longestOutageMs: this.longestOutageMs,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
    };
  }
}
