/** Parts shared by the answers of several endpoints. */
import { z } from 'zod';
import { named } from './schema-registry';

export const isoInstant = z
  .string()
  .meta({ format: 'date-time', example: '2021-09-05T18:00:00.000Z' });
export const axis = z.enum(['recorded', 'observed']);
export const districtStatus = z.enum(['claimed', 'contested', 'unclaimed']);
export const verification = z.enum(['corroborated', 'partial', 'none']);
export const assertionKind = z.enum(['control', 'presence', 'contest']);
export const precision = z.enum(['exact', 'day', 'approximate']);
export const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'the cursor of the next page; null on the last page' });

/** When a read is taken: `asOf` (now, when the request named none) on the `axis` clock. */
export const readAt = { asOf: isoInstant, axis };

export const source = named(
  'Source',
  z.strictObject({
    outlet: z.string().meta({ example: 'Twitter (Taliban spokesman)' }),
    url: z.string().optional(),
    publishedAt: z.string().optional(),
    reliability: z.enum(['A', 'B', 'C', 'D', 'E', 'F']).optional(),
  }),
);

export const submitter = named(
  'Submitter',
  z
    .strictObject({ keyId: z.string(), name: z.string().meta({ example: 'kabul desk' }) })
    .nullable()
    .meta({ description: 'the API key that entered the event; null before keys were recorded' }),
);

export const logPosition = z.strictObject({
  topic: z.string().meta({ example: 'sitrep.claims' }),
  partition: z.number().int(),
  offset: z.number().int(),
});

export const placeRef = z.strictObject({
  pcode: z.string().meta({ example: 'AF0802' }),
  name: z.string().meta({ example: 'Rukha' }),
});
