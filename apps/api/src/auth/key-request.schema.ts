/** What `POST /v1/keys` accepts. */
import { z } from 'zod';
import { SCOPES } from './scopes';

export const keyRequestSchema = z.strictObject({
  name: z.string().min(1).max(100).meta({
    description: 'who holds the key: a desk, an analyst, an import',
    example: 'kabul desk',
  }),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .meta({ description: '`admin` holds every scope', example: ['ingest', 'read'] }),
});
