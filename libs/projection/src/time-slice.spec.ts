import { TimeSlice } from './time-slice';

describe('a time slice of long synchronous work', () => {
  it('is due once it has lasted its time, and its yield lets waiting callbacks run', async () => {
    const slice = new TimeSlice(0);
    expect(slice.due).toBe(true);
    let ran = false;
    setImmediate(() => (ran = true));
    await slice.yield();
    expect(ran).toBe(true);
  });

  it('is not due within its time', () => {
    expect(new TimeSlice(60_000).due).toBe(false);
  });
});
