/**
 * For tests: a log cut into random batches as consumers might fetch it. Each batch holds the next
 * 1 to `maxBatch` events of one partition, in log order; the partitions take turns at random.
 */
import { LoggedEvent } from '@sitrep/domain';

export function* randomBatches(
  log: readonly LoggedEvent[],
  random: () => number,
  maxBatch: number,
): Generator<{ readonly partition: number; readonly batch: LoggedEvent[] }> {
  const queues = new Map<number, LoggedEvent[]>();
  for (const e of log) {
    const queue = queues.get(e.position.partition) ?? [];
    queue.push(e);
    queues.set(e.position.partition, queue);
  }
  for (;;) {
    const open = [...queues].filter(([, queue]) => queue.length > 0);
    if (open.length === 0) return;
    const [partition, queue] = open[Math.floor(random() * open.length)]!;
    yield { partition, batch: queue.splice(0, 1 + Math.floor(random() * maxBatch)) };
  }
}
