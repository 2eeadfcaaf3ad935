import { TimeSlice } from './time-slice';

describe('a time slice of long synchronous work', () => {
  it('lets waiting callbacks run once the slice has lasted its time', async () => {
    const slice = new TimeSlice(0);
    let ran = false;
    setImmediate(() => (ran = true));
    await slice.yieldIfDue();
    expect(ran).toBe(true);
  });

  it('goes on without a pause within the slice', async () => {
    const slice = new TimeSlice(60_000);
    let ran = false;
    setImmediate(() => (ran = true));
    await slice.yieldIfDue();
    expect(ran).toBe(false);
  });
});
