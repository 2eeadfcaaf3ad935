/** What the read endpoints accept: their path parameters and queries, strict. */
import { z } from 'zod';
import { districtPcode, provincePcode, uuidParam } from '../http/path-params';
import { asOfQuery, pageQuery } from '../http/validation';
import { actorSlug } from '../ingest/report.schema';

export const EXAMPLE_CLAIM_ID = '2f0c8a51-6b0e-5d3c-8f42-7a1e9c3b5d60';

export const districtParams = z.strictObject({ pcode: districtPcode });
export const provinceParams = z.strictObject({ pcode: provincePcode });
export const actorParams = z.strictObject({
  actor: actorSlug.meta({ description: 'an actor slug', example: 'taliban' }),
});
export const claimParams = z.strictObject({ claimId: uuidParam('claim', EXAMPLE_CLAIM_ID) });

export const readAt = z.strictObject(asOfQuery);
export const historyQuery = z.strictObject({
  ...asOfQuery,
  ...pageQuery,
  order: z
    .enum(['oldest', 'newest'])
    .default('oldest')
    .meta({ description: 'oldest change first, or newest first' }),
});
export const listQuery = z.strictObject({
  ...asOfQuery,
  ...pageQuery,
  province: z
    .string()
    .regex(/^AF\d{2}$/, 'province is a province p-code such as AF08')
    .optional()
    .meta({ description: 'only the districts of this province (p-code)', example: 'AF08' }),
  status: z
    .enum(['claimed', 'contested', 'unclaimed'])
    .optional()
    .meta({ description: 'only districts of this status' }),
  controller: actorSlug
    .optional()
    .meta({ description: 'only districts this actor is claimed to control', example: 'taliban' }),
});
export const resolveQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .meta({ description: 'a place name as a report spells it, or a p-code', example: 'Rukhah' }),
  province: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .optional()
    .meta({ description: 'look only in this province (name or p-code)', example: 'Panjshir' }),
});

/** The timespan takes no parameters. */
export const timespanQuery = z.strictObject({});
