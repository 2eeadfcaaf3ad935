/** A one-line progress bar with rate and ETA, redrawn in place on a terminal (stderr). */
export function progressLine(
  label: string,
  done: number,
  total: number,
  perSecond: number,
  unit = 'ev/s',
): string {
  const width = 30;
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * width);
  const eta = perSecond > 0 && total > done ? `${Math.ceil((total - done) / perSecond)} s` : '-';
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')}  ${Math.round(perSecond).toLocaleString('en')} ${unit}  ETA ${eta}`;
}

export function progressPrinter(
  label: string,
  unit = 'ev/s',
): (p: { processed: number; total: number; eventsPerSecond: number }) => void {
  let last = 0;
  return ({ processed, total, eventsPerSecond }) => {
    const line = progressLine(label, processed, total, eventsPerSecond, unit);
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else if (Date.now() - last > 2000) {
      process.stderr.write(`${line}\n`);
      last = Date.now();
    }
  };
}
