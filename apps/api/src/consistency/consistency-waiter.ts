import { Injectable } from '@nestjs/common';
import { ProjectionListener } from '../live/projection-listener';
import { CheckpointsReader } from './checkpoints.reader';
import { checkpointsPassed, LogPositions } from './consistency-token';

/**
 * Waits until the projector has applied a write (its checkpoints passed the write's positions):
 * the checkpoints are read once, then again after each batch the projector announces (one LISTEN
 * connection per process; polled every second while it is down), never in a busy loop.
 */
@Injectable()
export class ConsistencyWaiter {
  constructor(
    private readonly checkpoints: CheckpointsReader,
    private readonly listener: ProjectionListener,
  ) {}

  /** True once applied; false when `timeoutMs` passed first. */
  async waitFor(positions: LogPositions, timeoutMs: number): Promise<boolean> {
    const passed = async () => checkpointsPassed(positions, await this.checkpoints.nextOffsets());
    if (await passed()) return true;
    if (timeoutMs <= 0) return false;
    return new Promise<boolean>((resolve, reject) => {
      let checking = false;
      let again = false;
      let done = false;
      const finish = (result: boolean | Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const check = () => {
        if (done) return;
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        passed().then(
          (ok) => {
            checking = false;
            if (ok) finish(true);
            else if (again) {
              again = false;
              check();
            }
          },
          (error: Error) => finish(error),
        );
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const unsubscribe = this.listener.subscribe(check);
      check(); // a batch committed before the subscription
    });
  }
}
