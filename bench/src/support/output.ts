/** How benchmarks talk: progress and notes on stderr, figures on stdout. */
export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
export const mib = (bytes: number): string =>
  `${Math.round(bytes / 2 ** 20).toLocaleString('en')} MiB`;
export const rate = (n: number): string => Math.round(n).toLocaleString('en');
