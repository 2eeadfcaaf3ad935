/** What the reads benchmark prints: every read at every size, against the current read. */
import { table } from '@sitrep/platform';
import { cpus, loadavg } from 'node:os';
import { ReadFigures } from './read-timer';
import { ReadsBenchOptions } from './reads.bench';

export interface SizeFigures {
  readonly claims: number;
  readonly reads: readonly ReadFigures[];
}

export interface HistoryFigures {
  readonly district: string;
  readonly changes: number;
  /** Changes returned by paging to the end, per axis and order. */
  readonly entries: Readonly<Record<string, number>>;
  /** One line per axis and order: the median and worst page against the baseline. */
  readonly pages: readonly ReadFigures[];
}

const ms = (n: number) => n.toFixed(1);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function printReadsSummary(
  options: ReadsBenchOptions,
  sizes: readonly SizeFigures[],
  history: HistoryFigures | undefined,
): void {
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  const labels = largest?.reads.map((r) => r.label) ?? [];
  const rows = labels.map((label) => {
    const at = sizes.map((s) => s.reads.find((r) => r.label === label)!);
    const big = at[at.length - 1]!;
    const small = at[0]!;
    return [
      label,
      ...at.flatMap((r) => [`${ms(r.medianMs)} / ${ms(r.p99Ms)}`, `${r.ratio.toFixed(2)}×`]),
      `${(big.medianMs / small.medianMs).toFixed(2)}×`,
      kib(big.bytes),
    ];
  });
  console.log('');
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}; ${options.samples} samples per read, each after a current read of the same district`,
  );
  console.log(
    table(
      [
        'read (AF1401, AF14)',
        ...sizes.flatMap((s) => [
          `${s.claims.toLocaleString('en')} claims: median / p99 ms`,
          'ratio to current',
        ]),
        `growth ×${smallest && largest ? (largest.claims / smallest.claims).toFixed(0) : '-'} data`,
        'size',
      ],
      rows,
    ),
  );
  if (history) {
    console.log('');
    console.log(
      `history of ${history.district}: ${history.changes.toLocaleString('en')} status changes posted; paged to the end: ${Object.entries(
        history.entries,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log(
      table(
        ['history pages (limit 200)', 'median / worst page ms', 'current read ms', 'ratio'],
        history.pages.map((p) => [
          p.label,
          `${ms(p.medianMs)} / ${ms(p.p99Ms)}`,
          ms(p.baselineMedianMs),
          `${p.ratio.toFixed(2)}×`,
        ]),
      ),
    );
  }
  console.log(
    `\nJSON ${JSON.stringify({
      sizes: sizes.map((s) => ({
        claims: s.claims,
        reads: Object.fromEntries(
          s.reads.map((r) => [
            r.label,
            { median: round(r.medianMs), p99: round(r.p99Ms), ratio: round(r.ratio) },
          ]),
        ),
      })),
      history: history?.pages.map((p) => ({
        label: p.label,
        median: round(p.medianMs),
        ratio: round(p.ratio),
      })),
    })}`,
  );
}

const round = (n: number) => Math.round(n * 100) / 100;
