/** What the audit endpoints accept: their path parameters and queries, strict. */
import { z } from 'zod';
import { districtPcode } from '../http/path-params';
import { asOfQuery, isoTime, pageQuery } from '../http/validation';

export const MAX_AUDIT_PAGE = 1000;

export const explainParams = z.strictObject({ pcode: districtPcode });
export const explainQuery = z.strictObject({
  ...asOfQuery,
  ...pageQuery,
  limit: pageQuery.limit.meta({ description: 'claims placed per page, 1 to 200' }),
});
export const eventsQuery = z
  .strictObject({
    province: z
      .string()
      .regex(/^[Aa][Ff]\d{2}$/, 'province is a province p-code such as AF08')
      .transform((p) => p.toUpperCase())
      .optional()
      .meta({ description: 'only the events of this province (p-code)', example: 'AF08' }),
    from: isoTime
      .optional()
      .meta({ description: 'inclusive, on the axis clock', example: '2021-09-05T00:00:00Z' }),
    to: isoTime
      .optional()
      .meta({ description: 'exclusive, on the axis clock', example: '2021-09-07T00:00:00Z' }),
    axis: z.enum(['recorded', 'observed']).default('recorded').meta({
      description: 'the clock of from and to: `recorded` or `observed`',
    }),
    limit: z.coerce
      .number()
      .int()
      .min(1, 'limit is at least 1')
      .max(MAX_AUDIT_PAGE, `limit is at most ${MAX_AUDIT_PAGE}`)
      .optional()
      .meta({ description: `events per page, 1 to ${MAX_AUDIT_PAGE}, default 100 (JSON only)` }),
    cursor: z
      .string()
      .max(200)
      .optional()
      .meta({ description: 'nextCursor of the previous page (JSON only)' }),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: 'from must be before to',
    path: ['to'],
  });
