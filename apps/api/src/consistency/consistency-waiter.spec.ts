import { ProjectionListener } from '../live/projection-listener';
import { CheckpointsReader } from './checkpoints.reader';
import { ConsistencyWaiter } from './consistency-waiter';

/** A read model that stands where the test says, and a listener the test wakes. */
function given(state: { next: number; newestMark: string | null; pendingUpTo: Set<string> }) {
  const wakes = new Set<() => void>();
  const checkpoints = {
    nextOffsets: async () => new Map([[0, state.next]]),
    newestPendingRewrite: async () => state.newestMark,
    rewritesPendingUpTo: async (id: string) => state.pendingUpTo.has(id),
  } as unknown as CheckpointsReader;
  const listener = {
    subscribe: (wake: () => void) => {
      wakes.add(wake);
      return () => wakes.delete(wake);
    },
  } as unknown as ProjectionListener;
  const announce = () => wakes.forEach((wake) => wake());
  return { waiter: new ConsistencyWaiter(checkpoints, listener), announce };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const written = new Map([[0, 41]]); // the write's event is at offset 41 of partition 0

describe('given a write the projector has applied', () => {
  it('when no observed rewrite is pending, then the read goes ahead at once', async () => {
    const { waiter } = given({ next: 42, newestMark: null, pendingUpTo: new Set() });
    await expect(waiter.waitFor(written, 0)).resolves.toBe(true);
  });

  it('when observed rewrites were pending as it was applied, then the read waits for them', async () => {
    const state = { next: 42, newestMark: '7', pendingUpTo: new Set(['7']) };
    const { waiter, announce } = given(state);
    let answered: boolean | undefined;
    void waiter.waitFor(written, 5_000).then((ok) => (answered = ok));
    await settle();
    expect(answered).toBeUndefined();

    // The settler rewrote them; marks made later (8) are not waited for.
    state.pendingUpTo.delete('7');
    state.newestMark = '8';
    announce();
    await settle();
    await settle();
    expect(answered).toBe(true);
  });

  it('when the rewrites are not done in time, then false (the caller answers 503)', async () => {
    const { waiter } = given({ next: 42, newestMark: '7', pendingUpTo: new Set(['7']) });
    await expect(waiter.waitFor(written, 20)).resolves.toBe(false);
  });
});

describe('given a write the projector has not applied yet', () => {
  it('then the read waits for the checkpoint, whatever is pending', async () => {
    const state = { next: 40, newestMark: null as string | null, pendingUpTo: new Set<string>() };
    const { waiter, announce } = given(state);
    let answered: boolean | undefined;
    void waiter.waitFor(written, 5_000).then((ok) => (answered = ok));
    await settle();
    expect(answered).toBeUndefined();
    state.next = 42;
    announce();
    await settle();
    await settle();
    expect(answered).toBe(true);
  });
});
