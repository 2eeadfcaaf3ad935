/** The wire shape of `POST /v1/reports` (DESIGN.md, "HTTP API"): strict, unknown fields rejected. */
import { z } from 'zod';
import { isoTime, isStorable, NOT_STORABLE } from '../http/validation';

export const actorSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an actor is a slug: lower-case letters, digits and hyphens');
// Every text is refused here, before anything reaches the log, if Postgres could not store it.
const placeName = z.string().trim().min(1).max(120).refine(isStorable, NOT_STORABLE);
const text = (max: number) => z.string().trim().min(1).max(max).refine(isStorable, NOT_STORABLE);

const statement = {
  claimant: actorSlug,
  speaker: text(200).optional(),
  observedAt: isoTime,
  credibility: z
    .number()
    .int()
    .min(1, 'credibility is 1 to 6')
    .max(6, 'credibility is 1 to 6')
    .optional(),
  quote: text(1000).optional(),
};
const where = { place: placeName, province: placeName.optional() };
const precision = z.enum(['exact', 'day', 'approximate']).optional();

const byId = z.strictObject({ claimId: z.uuid() });
const byIndex = z.strictObject({ index: z.number().int().min(0) });
const blanket = z.strictObject({
  claimant: actorSlug,
  place: placeName,
  province: placeName.optional(),
});

export const claimSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...statement,
    ...where,
    kind: z.literal('control'),
    actor: actorSlug,
    precision,
  }),
  z.strictObject({
    ...statement,
    ...where,
    kind: z.literal('presence'),
    actor: actorSlug,
    precision,
  }),
  z.strictObject({ ...statement, ...where, kind: z.literal('contest'), precision }),
  z.strictObject({
    ...statement,
    kind: z.literal('dispute'),
    target: z.union([byId, byIndex, blanket]),
  }),
  z.strictObject({
    ...statement,
    kind: z.literal('corroborate'),
    degree: z.enum(['full', 'partial']),
    target: z.union([byId, byIndex]),
  }),
  z.strictObject({ ...statement, kind: z.literal('retract'), target: z.union([byId, byIndex]) }),
]);

export const reportSchema = z.strictObject({
  reportId: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
      'reportId: 1-128 letters, digits, ".", "_", ":" or "-"',
    ),
  source: z.strictObject({
    outlet: text(200),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .refine(isStorable, NOT_STORABLE)
      .optional(),
    publishedAt: isoTime.optional(),
    reliability: z.enum(['A', 'B', 'C', 'D', 'E', 'F']).optional(),
  }),
  claims: z.array(claimSchema).min(1).max(200),
});

export type ReportInput = z.infer<typeof reportSchema>;
export type ClaimInput = z.infer<typeof claimSchema>;
