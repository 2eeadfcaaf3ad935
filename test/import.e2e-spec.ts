/**
 * `npm run import` (the CLI, run from sources in a child process) against a real stack: an NDJSON
 * file of valid and invalid lines imported, the import killed midway and run again (nothing
 * doubled in the log's read model, every reject listed with its problem), and an ACLED export of
 * the fall of the Panjshir valley imported to the claims it stands for.
 */
import { loadGazetteer } from '@sitrep/platform';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportBodies } from '../bench/src/ingest/report-bodies';
import { Json, startStack, Stack } from './support/stack';

let stack: Stack;
let dir: string;

const CLI = join(__dirname, 'support/cli-child.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The CLI's `import` in a child process, into `target` (default: the stack of the file). */
function importer(file: string, rejects: string, ...options: string[]) {
  return importInto(stack, file, rejects, ...options);
}

function importInto(target: Stack, file: string, rejects: string, ...options: string[]) {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'import',
      file,
      '--api',
      target.baseUrl,
      '--key',
      target.adminKey,
      '--rejects',
      rejects,
      ...options,
    ],
    { env: { ...process.env, LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    /** The summary the CLI prints when it finishes. */
    async summary(): Promise<Json> {
      const { code } = await exited;
      if (code !== 0) throw new Error(`the import exited ${code}: ${stderr}`);
      return { ...JSON.parse(stdout), stderr };
    },
  };
}

const rejectsOf = (path: string): Json[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l));

const count = async (sql: string) => (await stack.pool.query<{ n: number }>(sql)).rows[0]!.n;

beforeAll(async () => {
  stack = await startStack();
  dir = mkdtempSync(join(tmpdir(), 'sitrep-import-'));
});
afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('given an NDJSON file of 400 reports and 4 bad lines', () => {
  const bodies = new ReportBodies(loadGazetteer(), 'import-test', 9);
  const lines = Array.from({ length: 400 }, (_, i) => bodies.next(1 + (i % 3)));
  const claims = lines.reduce((sum, l) => sum + (JSON.parse(l) as Json).claims.length, 0);
  const changed = JSON.parse(lines[0]!) as Json;
  changed.claims[0].credibility = changed.claims[0].credibility === 1 ? 2 : 1;
  const unresolvable = JSON.parse(lines[1]!) as Json;
  unresolvable.reportId = 'import-test-unresolvable';
  unresolvable.claims = [{ ...unresolvable.claims[0], kind: 'contest', place: 'Atlantis' }];
  delete unresolvable.claims[0].actor;
  // Inserted at these lines of the file (1-based), with the status each must be refused with.
  const bad: [number, string, number][] = [
    [5, '{"reportId": "import-test-broken", ', 400],
    [50, '{"reportId":"import-test-no-claims","source":{"outlet":"Wire"},"claims":[]}', 400],
    [120, JSON.stringify(unresolvable), 422],
    [200, JSON.stringify(changed), 409],
  ];
  const file = () => join(dir, 'reports.ndjson');
  const rejects = () => join(dir, 'reports.rejects.ndjson');

  beforeAll(() => {
    const all = [...lines];
    for (const [at, line] of bad) all.splice(at - 1, 0, line);
    writeFileSync(file(), `${all.join('\n')}\n`);
  });

  it('when the import is killed midway and run again, then every report is in once, and the bad lines are rejects', async () => {
    const first = importer(file(), rejects(), '--concurrency', '1', '--batch-size', '5');
    const deadline = Date.now() + 60_000;
    while ((await count('SELECT count(*)::int AS n FROM report_claims')) === 0) {
      if (Date.now() > deadline || first.child.exitCode !== null)
        throw new Error('the first import never got a report in');
      await sleep(10);
    }
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const before = await count('SELECT count(DISTINCT report_id)::int AS n FROM report_claims');
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(400);

    const second = await importer(file(), rejects()).summary();
    expect(second).toMatchObject({ processed: 404, rejected: 4 });
    expect(second.created + second.unchanged).toBe(400);
    expect(second.unchanged).toBeGreaterThanOrEqual(before);
    expect(second.stderr).toMatch(/accepted new.*unchanged.*rejected/);

    const listed = rejectsOf(rejects());
    expect(listed.map((r) => [r.line, r.problem.status])).toEqual(bad.map(([at, , s]) => [at, s]));
    expect(listed.map((r) => r.input)).toEqual(bad.map(([, line]) => line));
    expect(listed[0].problem.detail).toMatch(/not valid JSON/);
    expect(listed[2].problem.errors[0]).toMatchObject({ field: 'place', input: 'Atlantis' });

    await stack.waitForProjection(60_000);
    expect(await stack.eventCount()).toBe(claims);
    expect(await count('SELECT count(*)::int AS n FROM report_claims')).toBe(claims);
  });

  it('when run a third time, then nothing is added: every report comes back unchanged', async () => {
    const third = await importer(file(), rejects(), '--concurrency', '8').summary();
    console.log(`third run: ${third.seconds} s, ${third.reportsPerSecond} reports/s`);
    expect(third).toMatchObject({ processed: 404, created: 0, unchanged: 400, rejected: 4 });
    expect(rejectsOf(rejects())).toHaveLength(4);
    await stack.waitForProjection(60_000);
    expect(await stack.eventCount()).toBe(claims);
  });
});

describe('given an ACLED export of the fall of the Panjshir valley (September 2021)', () => {
  const file = join(__dirname, 'fixtures/acled-panjshir-2021-09.csv');
  const rejects = () => join(dir, 'acled.rejects.ndjson');
  // A stack of its own: the generated reports above claim places all over the country.
  let acled: Stack;
  beforeAll(async () => {
    acled = await startStack();
  });
  afterAll(async () => {
    await acled?.stop();
  });

  it('then its territory and clash events become claims by acled, and the rest are rejects with reasons', async () => {
    const summary = await importInto(acled, file, rejects()).summary();
    expect(summary).toMatchObject({
      format: 'acled-csv',
      processed: 8,
      created: 5,
      unchanged: 0,
      rejected: 3,
    });
    // Rows refused before sending are listed at once, the API's refusals as batches come back.
    const listed = rejectsOf(rejects()).sort((a, b) => a.line - b.line);
    expect(listed.map((r) => [r.line, r.problem.status, r.problem.title])).toEqual([
      [8, 422, 'Row not mappable'], // an air strike says nothing of control
      [9, 422, 'Unprocessable claims'], // "Nowhere Valley" is no district of Panjshir
      [10, 400, 'Invalid CSV'], // a stray quote
    ]);
    expect(listed[0].problem.detail).toMatch(/Air\/drone strike/);
    expect(listed[0].input).toMatch(/^AFGT0006,/);

    await acled.waitForProjection(60_000);
    const district = async (pcode: string) => (await acled.get(`/v1/districts/${pcode}`)).body;
    const rukha = await district('AF0802');
    expect(rukha).toMatchObject({ status: 'claimed', controller: 'taliban' });
    expect(rukha.positions).toEqual([
      expect.objectContaining({ claimant: 'acled', kind: 'control', actor: 'taliban' }),
    ]);
    const claim = (await acled.get(`/v1/claims/${rukha.positions[0].claimIds[0]}`)).body;
    expect(JSON.stringify(claim)).toMatch(/acled:AFGT0002/);
    expect(JSON.stringify(claim)).toMatch(/Rukhah/);
    for (const pcode of ['AF0801', 'AF0804', 'AF0805'])
      expect(await district(pcode)).toMatchObject({ status: 'claimed', controller: 'taliban' });
    expect(await district('AF0803')).toMatchObject({ status: 'contested', controller: null });
    const province = (await acled.get('/v1/provinces/AF08')).body;
    expect(province.byStatus).toEqual({ claimed: 4, contested: 1, unclaimed: 2 });

    const again = await importInto(acled, file, rejects()).summary();
    expect(again).toMatchObject({ created: 0, unchanged: 5, rejected: 3 });
  });
});
