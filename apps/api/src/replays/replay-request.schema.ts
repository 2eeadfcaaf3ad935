/** What `POST /v1/replays` accepts (an empty body: a full replay). */
import { z } from 'zod';

export const replayRequestSchema = z.strictObject({
  province: z
    .string()
    .regex(/^AF\d{2}$/, 'province is a province p-code such as AF08')
    .optional()
    .meta({ description: "replay only this province's events (p-code)", example: 'AF08' }),
  keepOld: z
    .boolean()
    .optional()
    .meta({ description: 'keep the replaced read-model version (default: drop it)' }),
});
