/**
 * Replays: read models rebuilt from the claim log while the live version keeps serving. A full
 * replay builds a new version and switches (full-replay.ts); a scoped one re-derives a province
 * in place (scoped-replay.ts). One at a time, across processes (replay-lock.ts); a replay whose
 * process dies leaves the live version untouched, and the next one cleans up after it. Progress
 * and the outcome are in the `replays` table (replay-store.ts).
 */
import { randomUUID } from 'node:crypto';
import { FullReplay } from './full-replay';
import { ReadModelVersions } from './read-model-versions.repository';
import { ReplayLock } from './replay-lock';
import { emptyReplayTimings, ReplayDeps, ReplayOptions } from './replay-run';
import { ReplayRecord, ReplayStore } from './replay-store';
import { ScopedReplay } from './scoped-replay';

export interface ReplayHandle {
  readonly id: string;
  readonly done: Promise<ReplayRecord>;
}

export class Replayer {
  constructor(private readonly deps: ReplayDeps) {}

  /** Take the replay lock, record the replay and start it; `done` settles when it ends. */
  async start(options: ReplayOptions = {}): Promise<ReplayHandle> {
    const { pool, clock } = this.deps;
    const lock = await ReplayLock.take(pool);
    const id = randomUUID();
    const store = new ReplayStore(pool);
    try {
      await store.failAbandoned(clock.now());
      await new ReadModelVersions(pool).failAbandoned();
      await store.create(id, options.province ?? null, options.keepOld ?? false, clock.now());
    } catch (error) {
      await lock.release();
      throw error;
    }
    const done = this.execute(id, options, store).finally(() => lock.release());
    return { id, done };
  }

  private async execute(
    id: string,
    options: ReplayOptions,
    store: ReplayStore,
  ): Promise<ReplayRecord> {
    const { logger, clock } = this.deps;
    const timings = options.timings ?? emptyReplayTimings();
    const started = performance.now();
    const run = options.province
      ? new ScopedReplay(this.deps, id, options.province)
      : new FullReplay(this.deps, id, options, timings, started);
    const report = async () => {
      const { processed, total } = run.progress();
      const seconds =
        (run instanceof FullReplay && run.readSeconds) || (performance.now() - started) / 1000;
      const progress = {
        processed,
        total,
        eventsPerSecond: seconds > 0 ? processed / seconds : 0,
      };
      options.onProgress?.(progress);
      await store.progress(id, progress);
    };
    const ticker = setInterval(() => void report().catch(() => undefined), 500);
    try {
      const checksum =
        run instanceof FullReplay
          ? await run.run((version) =>
              store.progress(id, { ...run.progress(), eventsPerSecond: 0, version }),
            )
          : await run.run();
      await report();
      await store.finish(id, 'done', clock.now(), checksum, null);
      logger.write(
        checksum.match ? 'info' : 'error',
        checksum.match ? 'replay done: checksums match' : 'replay done: CHECKSUM MISMATCH',
        { replay: id, live: checksum.live, rebuilt: checksum.rebuilt },
      );
    } catch (error) {
      const message = (error as Error).message;
      logger.write('error', 'replay failed', { replay: id, error: message });
      await store.finish(id, 'failed', clock.now(), null, message).catch(() => undefined);
      if (run instanceof FullReplay) await run.abandon(error as Error).catch(() => undefined);
      else await run.stop().catch(() => undefined);
    } finally {
      clearInterval(ticker);
      timings.total = performance.now() - started;
    }
    return (await store.find(id))!;
  }
}
