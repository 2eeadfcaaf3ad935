import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { log } from './output';

/** A CPU profile of this process (node:inspector), like `node --cpu-prof` but for one phase. */
export async function startCpuProfile(): Promise<{ stop: (file: string) => Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      log(`CPU profile written to ${file}`);
    },
  };
}
