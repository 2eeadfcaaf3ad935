import { BUSY_EVERY_MS, BUSY_SHARE, IDLE_AFTER_MS, SettlerPacing } from './settler-pacing';

describe('when the observed settler rewrites', () => {
  it('given no batch for a moment, then it settles until nothing is pending', () => {
    const pacing = new SettlerPacing();
    pacing.batchStarted();
    pacing.batchEnded(1000);
    expect(pacing.due(1000 + IDLE_AFTER_MS - 1)).not.toBe('until-settled');
    expect(pacing.due(1000 + IDLE_AFTER_MS)).toBe('until-settled');
  });

  it('given a batch that takes seconds, then the projector is busy all along, not idle', () => {
    const pacing = new SettlerPacing();
    pacing.batchStarted();
    pacing.batchEnded(0);
    pacing.batchStarted();
    pacing.roundEnded(0, 100);
    const long = BUSY_EVERY_MS + 1000; // the batch still going
    expect(pacing.idle(long)).toBe(false);
    expect(pacing.due(long)).toBe('bounded');
    pacing.batchEnded(long);
    expect(pacing.due(long + IDLE_AFTER_MS)).toBe('until-settled');
  });

  it('given two partitions in flight, then one ending leaves the projector busy', () => {
    const pacing = new SettlerPacing();
    pacing.batchStarted();
    pacing.batchStarted();
    pacing.batchEnded(0);
    expect(pacing.idle(60_000)).toBe(false);
    pacing.batchEnded(60_000);
    expect(pacing.idle(60_000 + IDLE_AFTER_MS)).toBe(true);
  });

  it('while busy, a bounded round at most every 15 seconds', () => {
    const pacing = new SettlerPacing();
    pacing.batchStarted();
    pacing.roundEnded(0, 100);
    expect(pacing.due(BUSY_EVERY_MS - 1)).toBe('none');
    expect(pacing.due(BUSY_EVERY_MS)).toBe('bounded');
  });

  it('while busy, rounds take at most a quarter of the time however long they take', () => {
    const pacing = new SettlerPacing();
    pacing.batchStarted();
    pacing.roundEnded(0, 4000); // a round of 4 s: the next one not before 12 s after it
    expect(pacing.due(4000 + BUSY_SHARE * 4000 - 1)).toBe('none');
    expect(pacing.due(4000 + BUSY_SHARE * 4000)).toBe('bounded');
  });
});
