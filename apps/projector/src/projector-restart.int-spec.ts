/**
 * A projector replaced after a crash resumes within seconds (issue 8, finding 5): a member that
 * died without leaving holds its partitions only for the session timeout (10 s, was 30 s); one
 * stopped with SIGTERM leaves its group, so its successor starts at once.
 */
import { ChildProcess } from 'node:child_process';
import { Json, startStack, Stack } from '../../../test/support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ projector: false, partitions: 2 });
});

afterAll(async () => {
  await stack?.stop();
});

const report = (reportId: string, place: string) => ({
  reportId,
  source: { outlet: 'Wire' },
  claims: [
    { claimant: 'nrf', kind: 'control', actor: 'nrf', place, observedAt: '2021-09-05T16:00:00Z' },
  ],
});

async function submit(reportId: string, place: string): Promise<Json> {
  const response = await stack.post('/v1/reports', report(reportId, place));
  expect(response.status).toBe(201);
  return response.body;
}

/** Milliseconds from now until the read model holds everything on the topic. */
async function timeToProjection(): Promise<number> {
  const started = Date.now();
  await stack.waitForProjection(60_000);
  return Date.now() - started;
}

/** How the child ended: its exit code, or the signal that ended it. */
const exited = (child: ChildProcess) =>
  new Promise<number | string>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode ?? child.signalCode!)
      : child.once('exit', (code, signal) => resolve(code ?? signal!)),
  );

/** Reports about districts of six provinces, so that both partitions get some. */
async function submitAcrossProvinces(prefix: string): Promise<void> {
  const places = ['AF0802', 'AF0907', 'AF1001', 'AF1401', 'AF2301', 'AF3101'];
  for (const [i, place] of places.entries()) await submit(`${prefix}-${i}`, place);
}

it('given a projector SIGKILLed, then the other member takes its partitions well within 30 s; after SIGTERM, at once', async () => {
  const first = await stack.spawnProjector();
  const second = await stack.spawnProjector(); // a second member: each holds one partition
  await submitAcrossProvinces('warm');
  await timeToProjection();

  let started = Date.now();
  first.kill('SIGKILL');
  await submitAcrossProvinces('after-kill');
  await stack.waitForProjection(60_000);
  const afterKill = Date.now() - started;
  expect(await exited(first)).toBe('SIGKILL');
  expect(afterKill).toBeLessThan(20_000);

  const third = await stack.spawnProjector();
  await submitAcrossProvinces('rejoined');
  await timeToProjection();
  // Nest closes everything (the consumer leaves its group), then re-raises the signal.
  started = Date.now();
  second.kill('SIGTERM');
  await submitAcrossProvinces('after-term');
  await stack.waitForProjection(60_000);
  const afterTerm = Date.now() - started;
  expect(await exited(second)).toBe('SIGTERM');
  expect(afterTerm).toBeLessThan(8_000);
  third.kill('SIGTERM');
  expect(await exited(third)).toBe('SIGTERM');
  process.stdout.write(
    `projector restart: partitions moved ${afterKill} ms after a SIGKILL, ${afterTerm} ms after a SIGTERM\n`,
  );
}, 150_000);
