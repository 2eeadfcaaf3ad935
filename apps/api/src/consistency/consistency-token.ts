/**
 * A consistency token: where a write's events sit in the claim log, per partition the offset of
 * its last event there. A read given the token waits until the projector's checkpoints have
 * passed every one of those offsets (read your own writes). On the wire it is opaque: base64url
 * of `partition:offset` pairs joined by commas, in partition order.
 */

/** Partition → the offset of the write's last event in it. */
export type LogPositions = ReadonlyMap<number, number>;

const MAX_PARTITIONS = 10_000;
const PAIR = /^(\d{1,5}):(\d{1,16})$/;

export function encodeConsistencyToken(positions: LogPositions): string {
  const pairs = [...positions]
    .sort(([a], [b]) => a - b)
    .map(([partition, offset]) => `${partition}:${offset}`);
  return Buffer.from(pairs.join(','), 'utf8').toString('base64url');
}

/** The positions of a token, or undefined when it is not one this API gives out. */
export function decodeConsistencyToken(token: string): LogPositions | undefined {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  // base64url decoding ignores what it cannot read: insist on the canonical form.
  if (Buffer.from(text, 'utf8').toString('base64url') !== token) return undefined;
  const positions = new Map<number, number>();
  for (const pair of text.split(',')) {
    const match = PAIR.exec(pair);
    if (!match) return undefined;
    const partition = Number(match[1]);
    const offset = Number(match[2]);
    if (partition >= MAX_PARTITIONS || !Number.isSafeInteger(offset)) return undefined;
    if (positions.has(partition)) return undefined;
    positions.set(partition, offset);
  }
  return positions;
}

/** The latest position per partition of several writes' events (a report's, a group's). */
export function lastPositions(
  events: Iterable<{ readonly partition: number; readonly offset: number }>,
): Map<number, number> {
  const positions = new Map<number, number>();
  for (const { partition, offset } of events)
    positions.set(partition, Math.max(offset, positions.get(partition) ?? -1));
  return positions;
}

/** Whether checkpoints (partition → next offset to apply) have passed every position. */
export function checkpointsPassed(
  positions: LogPositions,
  checkpoints: ReadonlyMap<number, number>,
): boolean {
  for (const [partition, offset] of positions)
    if ((checkpoints.get(partition) ?? 0) <= offset) return false;
  return true;
}
