/** Command-line options of the benchmarks: whole numbers in a range, or an error with the usage. */

/** `raw` as a whole number in [min, max]; otherwise an error naming the option and the usage. */
export function wholeNumber(
  name: string,
  raw: string,
  usage: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(
      `--${name} ${raw}: a whole number ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `of at least ${min}`}; ${usage}`,
    );
  return n;
}

/** `raw` as a share in [0, 1); otherwise an error naming the option and the usage. */
export function share(name: string, raw: string, usage: string): number {
  const n = Number(raw);
  if (!(n >= 0 && n < 1))
    throw new Error(`--${name} ${raw}: a share of the log in [0, 1); ${usage}`);
  return n;
}
