/**
 * Times GET requests against the API, one at a time on a kept-alive connection, each read
 * interleaved with the baseline read (the current status of the same district) so that both see
 * the same machine: medians, p99 and the ratio of the medians.
 */
export interface ReadFigures {
  readonly label: string;
  readonly path: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly baselineMedianMs: number;
  readonly baselineP99Ms: number;
  /** Median of the read over median of the baseline. */
  readonly ratio: number;
  readonly bytes: number;
}

export class ReadTimer {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  /** One GET: milliseconds and body size; anything but 200 is an error naming the read. */
  async once(path: string): Promise<{ ms: number; bytes: number; body: string }> {
    const started = process.hrtime.bigint();
    const response = await fetch(new URL(path, this.baseUrl), {
      headers: { authorization: `Bearer ${this.key}` },
    });
    const body = await response.text();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (response.status !== 200)
      throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 300)}`);
    return { ms, bytes: Buffer.byteLength(body), body };
  }

  /** `samples` rounds of (baseline, read), after two warm-up rounds. */
  async compare(
    label: string,
    path: string,
    baseline: string,
    samples: number,
  ): Promise<ReadFigures> {
    for (let i = 0; i < 2; i++) {
      await this.once(baseline);
      await this.once(path);
    }
    const base: number[] = [];
    const read: number[] = [];
    let bytes = 0;
    for (let i = 0; i < samples; i++) {
      base.push((await this.once(baseline)).ms);
      const r = await this.once(path);
      read.push(r.ms);
      bytes = r.bytes;
    }
    const medianMs = quantile(read, 0.5);
    const baselineMedianMs = quantile(base, 0.5);
    return {
      label,
      path,
      samples,
      medianMs,
      p99Ms: quantile(read, 0.99),
      baselineMedianMs,
      baselineP99Ms: quantile(base, 0.99),
      ratio: medianMs / baselineMedianMs,
      bytes,
    };
  }
}

/** The q-quantile (nearest rank) of some numbers. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
