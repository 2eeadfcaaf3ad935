import { z } from 'zod';
import { invalidRequest } from './problem';

/** Parse with a strict zod schema, or throw a 400 problem listing every field at fault. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidRequest(
    `the ${what} does not match the schema`,
    result.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(root)',
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown field(s): ${issue.keys.join(', ')}`
          : issue.message,
    })),
  );
}

/** A lone UTF-16 surrogate: half of a character, which no UTF-8 text (so no Postgres text) holds. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text Postgres can store: no NUL character and no lone surrogate. Checked before anything
 * reaches the log, where an event that cannot be stored would be committed and then refused.
 */
export const isStorable = (s: string): boolean => !s.includes('\u0000') && !LONE_SURROGATE.test(s);
export const NOT_STORABLE =
  'must not contain NUL characters or lone UTF-16 surrogates (Postgres cannot store them)';

/** Postgres takes UTC offsets up to ±15:59 ("time zone displacement out of range" beyond). */
const MAX_OFFSET_MINUTES = 15 * 60 + 59;

export function offsetWithinRange(time: string): boolean {
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(time);
  return !offset || Number(offset[2]) * 60 + Number(offset[3]) <= MAX_OFFSET_MINUTES;
}

/** An ISO 8601 time with an offset of at most ±15:59, between the years 1900 and 2100. */
export const isoTime = z.iso
  .datetime({ offset: true })
  .refine(offsetWithinRange, 'the UTC offset must be between -15:59 and +15:59')
  .refine((t) => {
    const year = new Date(t).getUTCFullYear();
    return year >= 1900 && year <= 2100;
  }, 'the time must fall between the years 1900 and 2100');

/** `asOf` and `axis`, accepted by every read. */
export const asOfQuery = {
  asOf: isoTime.optional().meta({
    description: 'read as of this moment (ISO 8601 with an offset); default now',
    example: '2021-09-06T00:00:00Z',
  }),
  axis: z.enum(['recorded', 'observed']).default('recorded').meta({
    description:
      'the clock of asOf: `recorded` (when Sitrep learned of a claim) or `observed` (when the claim says it happened)',
  }),
};

export const MAX_PAGE = 200;
export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE, `limit is at most ${MAX_PAGE}`)
    .default(50)
    .meta({ description: `items per page, 1 to ${MAX_PAGE}` }),
  cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
};
