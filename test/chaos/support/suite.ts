/** Shared by the fault suite's files: the work folder, the summary, the verdict's assertion. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeVerdict, failures, Verdict } from './scenario';

export const WORK_DIR = process.env['CHAOS_WORK_DIR'] || join(tmpdir(), 'sitrep-chaos');
mkdirSync(WORK_DIR, { recursive: true });
/** Every verdict of the run, appended as it comes (printed again at the end of each file). */
export const SUMMARY_FILE = join(WORK_DIR, 'summary.txt');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const verdicts: Verdict[] = [];

/** Print the verdict, keep it for the summary, and fail on any loss, doubling, crash or 5xx but 503. */
export function judge(verdict: Verdict): void {
  verdicts.push(verdict);
  const text = describeVerdict(verdict);
  process.stdout.write(text);
  appendFileSync(SUMMARY_FILE, text);
  expect(failures(verdict)).toEqual([]);
}

export function printSummary(title: string): void {
  process.stdout.write(
    `\n══ ${title}: ${verdicts.length} scenario(s)\n` +
      verdicts
        .map(
          (v) =>
            `   ${v.scenario.padEnd(22)} sent ${String(v.load.sent).padStart(5)}  acked ${String(v.load.acknowledged).padStart(5)}  held ${String(v.reportsHeld).padStart(5)}  lost ${v.lost}  doubled ${v.doubled}  phantom ${v.phantom}  crashes ${v.crashes.length}  5xx≠503 ${v.serverErrors}  503 ${v.load.statuses['503'] ?? 0}`,
        )
        .join('\n') +
      `\n   (details above and in ${SUMMARY_FILE}; app logs in ${join(WORK_DIR, 'logs')})\n`,
  );
}
