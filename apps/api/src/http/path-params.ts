/** Path parameters, validated (a value of the wrong form names nothing: 404) and documented. */
import { z } from 'zod';
import { notFound } from './problem';

export const districtPcode = z
  .string()
  .regex(/^[Aa][Ff]\d{4}$/)
  .meta({ description: 'a district p-code (case-insensitive)', example: 'AF0802' });
export const provincePcode = z
  .string()
  .regex(/^[Aa][Ff]\d{2}$/)
  .meta({ description: 'a province p-code (case-insensitive)', example: 'AF08' });
export const uuidParam = (what: string, example: string) =>
  z.uuid().meta({ description: `the ${what}'s id`, example });

/** `value` when it matches `schema`; otherwise a 404 for `what value`. */
export function pathOr404(schema: z.ZodType, value: string, what: string): string {
  if (!schema.safeParse(value).success) throw notFound(`${what} ${value}`);
  return value;
}
