/** What `POST /v1/claims/{claimId}/retractions` accepts. */
import { z } from 'zod';
import { isStorable, NOT_STORABLE } from '../http/validation';

export const retractionSchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, 'a reason is required')
    .max(1000, 'reason: at most 1000 characters')
    // Postgres could not store it: such an event could never be projected.
    .refine(isStorable, `reason ${NOT_STORABLE}`)
    .meta({ description: 'why the claim is withdrawn, for the audit trail' }),
});
