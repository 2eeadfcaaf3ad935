/**
 * Fills a stack through its HTTP API, as users do: reports posted a few at a time until the log
 * holds a number of claims; every report must be accepted (201).
 */
import { progressPrinter } from '@sitrep/platform';
import { ReportStream } from './report-stream';

export interface Poster {
  readonly baseUrl: string;
  readonly key: string;
}

interface Accepted {
  readonly claims: readonly { readonly claimId: string; readonly kind: string }[];
}

/** POST one report; anything but 201 is an error that says what the API answered. */
export async function postReport(poster: Poster, body: string): Promise<Accepted> {
  const response = await fetch(new URL('/v1/reports', poster.baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${poster.key}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  if (response.status !== 201)
    throw new Error(`POST /v1/reports answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as Accepted;
}

/** Post reports of `stream` (`inFlight` at a time) until `until` claims were sent in all. */
export async function fill(
  poster: Poster,
  stream: ReportStream,
  from: number,
  until: number,
  inFlight = 4,
): Promise<{ claims: number; seconds: number }> {
  const progress = progressPrinter('posting claims');
  const started = Date.now();
  let sent = from;
  const worker = async () => {
    while (sent < until) {
      const claims = Math.min(200, until - sent);
      sent += claims;
      const report = stream.next(claims);
      const answer = await postReport(poster, report.body);
      stream.accepted(report.body, report.provinces, answer);
      const seconds = (Date.now() - started) / 1000;
      progress({ processed: sent, total: until, eventsPerSecond: (sent - from) / seconds });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  if (process.stderr.isTTY) process.stderr.write('\n');
  return { claims: sent, seconds: (Date.now() - started) / 1000 };
}

/**
 * A district's history of `changes` status changes: one claimant alternately claims that two
 * actors control it, a minute apart, in reports of 200 claims.
 */
export async function fillHistory(
  poster: Poster,
  district: string,
  changes: number,
  runTag: string,
  start: number,
): Promise<void> {
  const progress = progressPrinter('history');
  const started = Date.now();
  for (let done = 0; done < changes;) {
    const claims = Array.from({ length: Math.min(200, changes - done) }, (_, i) => ({
      claimant: 'district-governor',
      kind: 'control',
      actor: (done + i) % 2 === 0 ? 'taliban' : 'nrf',
      place: district,
      observedAt: new Date(start + (done + i) * 60_000).toISOString(),
    }));
    await postReport(
      poster,
      JSON.stringify({
        reportId: `reads-${runTag}-history-${done}`,
        source: { outlet: 'District office' },
        claims,
      }),
    );
    done += claims.length;
    const seconds = (Date.now() - started) / 1000;
    progress({ processed: done, total: changes, eventsPerSecond: done / seconds });
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
}
