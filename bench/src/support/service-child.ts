/**
 * A Sitrep service (the API or the projector) in a child process of the ingest benchmark, started
 * as its main.ts starts it, configured by the environment. Over IPC the benchmark asks it for its
 * CPU time, its longest event-loop stall and to profile itself (node:inspector, for one phase
 * only), and stops it cleanly.
 *
 * node service-child.js api|projector
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { JsonLogger, loadConfig } from '@sitrep/platform';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApiApp } from '../../../apps/api/src/app.factory';
import { startProjector } from '../../../apps/projector/src/projector.factory';
import { startCpuProfile } from './cpu-profile';

export type ServiceRequest =
  | { readonly type: 'cpu' }
  /** The longest the event loop was held up since the last ask (heartbeats wait that long). */
  | { readonly type: 'event-loop' }
  | { readonly type: 'profile-start' }
  | { readonly type: 'profile-stop'; readonly file: string }
  | { readonly type: 'stop' };

export type ServiceReply =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'cpu'; readonly seconds: number }
  | { readonly type: 'event-loop'; readonly maxMs: number; readonly p99Ms: number }
  | { readonly type: 'done' };

async function start(kind: string): Promise<INestApplicationContext> {
  const config = loadConfig();
  if (kind === 'projector') return startProjector(config);
  const app = await createApiApp(config, new JsonLogger('api', config.logLevel));
  await app.listen({ port: config.port, host: '127.0.0.1' });
  return app;
}

async function main(): Promise<void> {
  const send = (reply: ServiceReply) => process.send?.(reply);
  const app = await start(process.argv[2] ?? 'api');
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let profiler: Awaited<ReturnType<typeof startCpuProfile>> | undefined;
  process.on('message', (request: ServiceRequest) => {
    void (async () => {
      if (request.type === 'cpu') {
        const { user, system } = process.cpuUsage();
        return send({ type: 'cpu', seconds: (user + system) / 1e6 });
      }
      if (request.type === 'event-loop') {
        const reply = { maxMs: loop.max / 1e6, p99Ms: loop.percentile(99) / 1e6 };
        loop.reset();
        return send({ type: 'event-loop', ...reply });
      }
      if (request.type === 'profile-start') profiler = await startCpuProfile();
      if (request.type === 'profile-stop') await profiler?.stop(request.file);
      if (request.type === 'stop') {
        await app.close();
        send({ type: 'done' });
        process.exit(0);
      }
      send({ type: 'done' });
    })();
  });
  send({ type: 'ready' });
}

main().catch((error: Error) => {
  process.send?.({ type: 'failed', error: error.message } satisfies ServiceReply);
  process.exit(1);
});
