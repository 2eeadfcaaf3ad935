/**
 * One load phase: `connections` concurrent HTTP clients (autocannon, one request in flight per
 * connection) post reports for a fixed time, spread over the API processes' URLs.
 */
import autocannon from 'autocannon';
import { loadavg } from 'node:os';

export interface LoadPhase {
  readonly label: string;
  readonly urls: readonly string[];
  readonly key: string;
  readonly connections: number;
  readonly seconds: number;
  readonly claimsPerReport: number;
  /** The next report body (a distinct report each time). */
  readonly body: () => string;
  /** Told the report id of every report answered 201 or 200. */
  readonly onAccepted: (reportId: string) => void;
}

export interface LoadResult {
  readonly label: string;
  readonly apis: number;
  readonly connections: number;
  readonly claimsPerReport: number;
  readonly seconds: number;
  readonly requests: number;
  /** Answers by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Reports answered 201 (created) or 200 (identical resubmission). */
  readonly accepted: number;
  /** Connection errors and timeouts, and answers other than 200/201. */
  readonly failed: number;
  readonly reportsPerSecond: number;
  readonly claimsPerSecond: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly mean: number;
  };
  /** The machine's 1-minute load average before and after the phase. */
  readonly load: readonly [number, number];
}

/** A receipt starts with the report id (submit-report: `{ reportId, recordedAt, claims }`). */
const RECEIPT = /^\{"reportId":"([^"]+)"/;

export async function runLoad(phase: LoadPhase): Promise<LoadResult> {
  const loadBefore = loadavg()[0]!;
  const result = await autocannon({
    // autocannon spreads the connections over several URLs (its typings allow only one).
    url: phase.urls as unknown as string,
    connections: phase.connections,
    duration: phase.seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/v1/reports',
        headers: {
          authorization: `Bearer ${phase.key}`,
          'content-type': 'application/json',
        },
        setupRequest: (request) => ({ ...request, body: phase.body() }),
        onResponse: (status, body) => {
          if (status !== 201 && status !== 200) return;
          const reportId = RECEIPT.exec(body)?.[1];
          if (reportId === undefined) throw new Error(`a receipt without its report id: ${body}`);
          phase.onAccepted(reportId);
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statuses[code] = stat.count ?? 0;
  const accepted = (statuses['201'] ?? 0) + (statuses['200'] ?? 0);
  const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
  const seconds = result.duration;
  return {
    label: phase.label,
    apis: phase.urls.length,
    connections: phase.connections,
    claimsPerReport: phase.claimsPerReport,
    seconds,
    requests: answered + result.errors,
    statuses,
    accepted,
    failed: answered - accepted + result.errors,
    reportsPerSecond: accepted / seconds,
    claimsPerSecond: (accepted * phase.claimsPerReport) / seconds,
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    load: [loadBefore, loadavg()[0]!],
  };
}
