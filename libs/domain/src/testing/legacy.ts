/**
 * Events as older builds wrote them, for tests and generated logs that mix schemas: the JSON of
 * `event` in an older schema of its type (codec.ts has the history). Readers upcast them back.
 */
import { ClaimEvent } from '../events';

export function legacyEncoding(event: ClaimEvent, schema: number): Record<string, unknown> {
  const { submittedBy: _submittedBy, ...rest } = event;
  if (event.type === 'claim.asserted' && schema === 1) {
    // Schema 1 had no precision: every observedAt was taken as exact.
    const { precision: _precision, ...data } = event.data;
    return { ...rest, schema, data };
  }
  if (event.type === 'claim.asserted' ? schema === 2 : schema === 1) return { ...rest, schema };
  throw new Error(`${event.type} has no older schema ${schema}`);
}
