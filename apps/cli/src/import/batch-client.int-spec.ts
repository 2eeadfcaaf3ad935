/**
 * The importer's HTTP client against a local HTTP server that answers as the batch endpoint does
 * when the claim log is away: a whole batch 503, then one line 503, then the rest; and a 401.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BatchClient, ImportStopped } from './batch-client';

let server: Server;
let url: string;
const received: string[][] = [];
let answers: ((lines: string[]) => { status: number; body: string; headers?: object })[] = [];

const read = async (request: IncomingMessage) => {
  let text = '';
  for await (const chunk of request) text += (chunk as Buffer).toString();
  return text.split('\n').filter((l) => l);
};
const ndjson = (results: object[]) => results.map((r) => `${JSON.stringify(r)}\n`).join('');

beforeAll(async () => {
  server = createServer((request, response) => {
    void read(request).then((lines) => {
      received.push(lines);
      const answer = answers.shift()!(lines);
      response.writeHead(answer.status, { ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received.length = 0;
});

it('sends again what was answered 503, as a whole or line by line, and keeps the order', async () => {
  answers = [
    () => ({
      status: 503,
      body: '{"status":503,"detail":"the claim log is away"}',
      headers: { 'retry-after': '1', 'content-type': 'application/problem+json' },
    }),
    (lines) => ({
      status: 200,
      body: ndjson(
        lines.map((_, i) =>
          i === 1
            ? { line: 2, status: 503, problem: { status: 503, retryAfter: 1 } }
            : { line: i + 1, status: i === 2 ? 400 : 201, reportId: `r${i}` },
        ),
      ),
    }),
    () => ({ status: 200, body: ndjson([{ line: 1, status: 200, reportId: 'r1' }]) }),
  ];
  const waits: string[] = [];
  const client = new BatchClient({ api: url, key: 'k', onWait: (reason) => waits.push(reason) });
  const results = await client.send(['{"a":0}', '{"a":1}', '{"a":2}']);
  expect(results.map((r) => [r.line, r.status])).toEqual([
    [1, 201],
    [2, 200],
    [3, 400],
  ]);
  expect(received).toEqual([
    ['{"a":0}', '{"a":1}', '{"a":2}'],
    ['{"a":0}', '{"a":1}', '{"a":2}'],
    ['{"a":1}'],
  ]);
  expect(waits).toEqual([
    expect.stringMatching(/503: the claim log is away/),
    '1 report(s) answered 503',
  ]);
});

it('stops with what to do when the key is refused', async () => {
  answers = [() => ({ status: 401, body: '{"status":401,"detail":"the API key is unknown"}' })];
  const client = new BatchClient({ api: url, key: 'wrong' });
  const sent = client.send(['{}']);
  await expect(sent).rejects.toThrow(ImportStopped);
  await expect(sent).rejects.toThrow(/--key/);
});

it('stops once its patience is spent', async () => {
  answers = [() => ({ status: 503, body: '{}', headers: { 'retry-after': '2' } })];
  const client = new BatchClient({ api: url, key: 'k', patienceMs: 1000 });
  await expect(client.send(['{}'])).rejects.toThrow(/run the same import again/);
});
