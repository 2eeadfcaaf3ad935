/**
 * A live stream's position, as SSE `id:` and `Last-Event-ID`: the read-model version and the
 * position in its `district_changes` (`<version>:<position>`, e.g. `3:1042`). Positions of one
 * version mean nothing in another (a replay builds a new one): a client resuming from another
 * version's position is told to reload.
 */
export interface StreamPosition {
  readonly version: number;
  readonly position: number;
}

export const formatStreamPosition = (p: StreamPosition): string => `${p.version}:${p.position}`;

/** The position of an id this API gave out, or undefined. */
export function parseStreamPosition(id: string): StreamPosition | undefined {
  const match = /^(\d{1,9}):(\d{1,16})$/.exec(id.trim());
  if (!match) return undefined;
  const position = Number(match[2]);
  if (!Number.isSafeInteger(position)) return undefined;
  return { version: Number(match[1]), position };
}
