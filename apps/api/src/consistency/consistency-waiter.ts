import { Injectable } from '@nestjs/common';
import { ProjectionListener } from '../live/projection-listener';
import { CheckpointsReader } from './checkpoints.reader';
import { checkpointsPassed, LogPositions } from './consistency-token';

/**
 * Waits until the projector has applied a write (its checkpoints passed the write's positions, and
 * the observed timelines its late events left to rewrite are rewritten): read once, then again
 * after each batch or rewrite the projector announces (one LISTEN
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
    // Applied: the checkpoints passed the write, and the observed rewrites pending when they did
    // (the write's late events among them) are done. Later marks are not waited for.
    let rewritesUpTo: string | null | undefined;
    const passed = async () => {
      if (rewritesUpTo === undefined) {
        if (!checkpointsPassed(positions, await this.checkpoints.nextOffsets())) return false;
        rewritesUpTo = await this.checkpoints.newestPendingRewrite();
      }
      return rewritesUpTo === null || !(await this.checkpoints.rewritesPendingUpTo(rewritesUpTo));
    };
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
