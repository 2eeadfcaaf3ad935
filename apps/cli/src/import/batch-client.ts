/**
 * `POST /v1/reports:batch` from the importer: one batch of NDJSON lines, the result of each line.
 * Waits and sends again what the API could not take yet (429, 503 with Retry-After, a broken
 * connection), for as long as `patienceMs`; a refusal that no retry can fix (wrong key, not a
 * Sitrep API) stops the import with what to do.
 */

/** One line's answer, as the batch endpoint writes it. */
export interface LineResult {
  readonly line: number;
  readonly status: number;
  readonly reportId?: string;
  readonly claimIds?: readonly string[];
  readonly problem?: Record<string, unknown>;
}

export interface BatchClientOptions {
  readonly api: string;
  readonly key: string;
  /** How long to keep retrying a batch the API cannot take (default 5 minutes). */
  readonly patienceMs?: number;
  /** Told of each wait, to say so on the terminal. */
  readonly onWait?: (reason: string, seconds: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Could not go on: the message says what to do. */
export class ImportStopped extends Error {}

export class BatchClient {
  private readonly url: string;

  constructor(private readonly options: BatchClientOptions) {
    this.url = new URL('/v1/reports:batch', options.api).toString();
  }

  /** The results of `lines`, in their order, once none of them is 503 any more. */
  async send(lines: readonly string[]): Promise<LineResult[]> {
    const results: (LineResult | undefined)[] = new Array(lines.length);
    let pending = lines.map((_, i) => i);
    const deadline = Date.now() + (this.options.patienceMs ?? 300_000);
    let attempt = 0;
    while (pending.length > 0) {
      const answer = await this.post(pending.map((i) => lines[i]!));
      if ('wait' in answer) {
        attempt += 1;
        this.waitOrStop(answer.reason, answer.wait ?? backoff(attempt), deadline);
        await sleep((answer.wait ?? backoff(attempt)) * 1000);
        continue;
      }
      const again: number[] = [];
      let retryAfter = 0;
      answer.results.forEach((result, k) => {
        const i = pending[k]!;
        if (result.status === 503) {
          again.push(i);
          const seconds = Number(result.problem?.['retryAfter']);
          retryAfter = Math.max(retryAfter, Number.isFinite(seconds) ? seconds : 1);
        } else results[i] = { ...result, line: i + 1 };
      });
      pending = again;
      if (pending.length > 0) {
        attempt += 1;
        this.waitOrStop(`${pending.length} report(s) answered 503`, retryAfter, deadline);
        await sleep(retryAfter * 1000);
      }
    }
    return results as LineResult[];
  }

  private waitOrStop(reason: string, seconds: number, deadline: number): void {
    if (Date.now() + seconds * 1000 > deadline)
      throw new ImportStopped(
        `the API could not take reports for ${Math.round((this.options.patienceMs ?? 300_000) / 1000)} s (${reason}); nothing is lost: run the same import again later, accepted reports come back unchanged`,
      );
    this.options.onWait?.(reason, seconds);
  }

  private async post(
    lines: readonly string[],
  ): Promise<{ results: LineResult[] } | { wait: number | undefined; reason: string }> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.key}`,
          'content-type': 'application/x-ndjson',
          accept: 'application/x-ndjson',
        },
        body: lines.map((l) => `${l}\n`).join(''),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      return { wait: undefined, reason: `${this.url} did not answer (${cause})` };
    }
    const text = await response.text();
    if (response.status === 200) return { results: parseResults(text, lines.length) };
    const retryAfter = Number(response.headers.get('retry-after'));
    const detail = problemDetail(text);
    if (response.status === 429 || response.status >= 500)
      return {
        wait: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
        reason: `${response.status}: ${detail}`,
      };
    throw new ImportStopped(fatal(response.status, detail, this.url));
  }
}

const backoff = (attempt: number) => Math.min(30, 2 ** Math.min(attempt, 5));

function problemDetail(text: string): string {
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    return typeof detail === 'string' ? detail : text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

function fatal(status: number, detail: string, url: string): string {
  if (status === 401)
    return `the API refused the key (${detail}): pass --key or set SITREP_API_KEY`;
  if (status === 403)
    return `the key may not submit reports (${detail}): use a key with the ingest scope`;
  if (status === 404)
    return `${url} does not exist: is --api the address of a Sitrep API with batch import?`;
  return `the API refused a batch (${status}: ${detail})`;
}

function parseResults(text: string, expected: number): LineResult[] {
  const results = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LineResult);
  if (results.length !== expected)
    throw new ImportStopped(
      `the API answered ${results.length} result(s) for a batch of ${expected} reports; stop and report this`,
    );
  return results;
}
