/**
 * A batch of one partition's messages decoded as every projection reads the log: the events it
 * can apply, the dead letters with their reason, and the bytes each event's body can be stored
 * as. The live projector and both replays decode with it.
 */
import { decodeEvent, Gazetteer, LoggedEvent, placeProblem } from '@sitrep/domain';
import { isUtf8 } from 'node:buffer';
import { Letter } from './dead-letter-producer';
import { storedAsIs } from './pg/stored-as-is';

export interface LogMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface DecodedBatch<M extends LogMessage> {
  readonly events: LoggedEvent[];
  readonly letters: (Letter & { readonly message: M })[];
  /**
   * By claim id, the bytes of the claim's first message in the batch (the one the engine
   * applies) when they can be stored as the event's body as they came (`storedAsIs`, and valid
   * UTF-8); null when the event must be serialised again.
   */
  readonly bodies: Map<string, Buffer | null>;
}

/** `refused`: offsets to send to the dead-letter topic whatever they hold, with the reason. */
export function decodeBatch<M extends LogMessage>(
  partition: number,
  messages: readonly M[],
  gazetteer: Gazetteer,
  refused: ReadonlyMap<string, string> = new Map(),
): DecodedBatch<M> {
  const events: LoggedEvent[] = [];
  const letters: (Letter & { message: M })[] = [];
  const bodies = new Map<string, Buffer | null>();
  for (const message of messages) {
    const offset = Number(message.offset);
    const text = message.value?.toString('utf8');
    const decoded = decodeEvent(text);
    const reason =
      refused.get(message.offset) ??
      (decoded.ok ? placeProblem(decoded.event, gazetteer) : decoded.reason);
    if (!decoded.ok || reason !== undefined) {
      letters.push({ partition, offset, reason: reason ?? 'unknown', message });
      continue;
    }
    const { event } = decoded;
    events.push({ event, position: { partition, offset } });
    // Bytes that are not UTF-8 decode with replacement characters: the event is serialised again
    // from what was decoded (Postgres would refuse the bytes).
    if (!bodies.has(event.id))
      bodies.set(
        event.id,
        storedAsIs(text!, event) && isUtf8(message.value!) ? message.value! : null,
      );
  }
  return { events, letters, bodies };
}
