/**
 * A real, isolated Sitrep stack for integration and end-to-end tests: its own Postgres database
 * (`sitrep_t_<random>`) and its own Kafka topics (prefix `t<random>.`), the API in-process on a
 * random port and (optionally) the projector in-process. Kafka and Postgres are real, never
 * mocked; `stop()` removes everything the stack created, so test files never see each other's data.
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  Config,
  createPool,
  DEFAULT_DATABASE_URL,
  fetchTopicOffsetsRetrying,
  liveReadModel,
  loadConfig,
  quoteIdent,
  topicsFor,
  Topics,
} from '@sitrep/platform';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Admin, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { createApiApp } from '../../apps/api/src/app.factory';
import { startProjector } from '../../apps/projector/src/projector.factory';

/** JSON bodies as the tests read them: loosely typed on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string;
  readonly body: Json;
  readonly text: string;
}

export interface RequestOptions {
  /** The API key to send; `null` sends no Authorization header. Defaults to the admin key. */
  readonly key?: string | null;
  readonly headers?: Record<string, string>;
  /** A body sent as is (no JSON encoding), e.g. broken JSON or an oversized payload. */
  readonly rawBody?: string | Buffer;
  readonly query?: Record<string, string | number | undefined>;
}

export interface Http {
  readonly baseUrl: string;
  request(
    method: string,
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<HttpResponse>;
  get(path: string, options?: RequestOptions): Promise<HttpResponse>;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<HttpResponse>;
}

export interface StackOptions {
  /** Start the projector in-process with the API (default true). */
  readonly projector?: boolean;
  /** Partitions of the claim topic (default 3). */
  readonly partitions?: number;
  /** Extra environment for `loadConfig`. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ExtraApi {
  readonly config: Config;
  readonly app: NestFastifyApplication;
  readonly http: Http;
  close(): Promise<void>;
}

export interface Stack extends Http {
  readonly config: Config;
  readonly env: Readonly<Record<string, string>>;
  readonly topics: Topics;
  readonly adminKey: string;
  readonly api: NestFastifyApplication;
  /** A pg pool on the test database. */
  readonly pool: Pool;
  /** A kafkajs client on the broker, for tests that produce or consume directly. */
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** The in-process projector, when running. */
  readonly projector: INestApplicationContext | undefined;
  startProjector(): Promise<INestApplicationContext>;
  stopProjector(): Promise<void>;
  /** Start the projector in a child process (to kill it hard with SIGKILL). */
  spawnProjector(): Promise<ChildProcess>;
  /** Another API app on the same database and topics, with some settings changed. */
  startApi(env?: Readonly<Record<string, string>>): Promise<ExtraApi>;
  /** The API in a child process (out of the test's event loop), with some settings changed. */
  spawnApi(env?: Readonly<Record<string, string>>): Promise<{ child: ChildProcess; http: Http }>;
  /** The schema of the live read-model version (`rm_1`, …). */
  readModelSchema(): Promise<string>;
  /** Last stable offset (next offset, read committed) of each partition of the claim topic. */
  highWatermarks(topic?: string): Promise<Map<number, number>>;
  /** The projector's stored checkpoint (next offset) of each partition of the claim topic. */
  checkpoints(): Promise<Map<number, number>>;
  /** Rows in the live read model's `events` table. */
  eventCount(): Promise<number>;
  /** Wait until the live read model has applied everything committed to the claim topic. */
  waitForProjection(timeoutMs?: number): Promise<void>;
  /** Read `topic` from the beginning (fresh consumer group) until `enough` says so. */
  consume(
    topic: string,
    enough: (messages: readonly KafkaMessage[]) => boolean,
    timeoutMs?: number,
  ): Promise<KafkaMessage[]>;
  stop(): Promise<void>;
}

/*
 * @fastify/static (served by the Swagger UI setup) requires `content-disposition` 3, an ES module.
 * Node 20 `require`s it natively, but Jest's module runtime cannot parse it: hand Jest the
 * natively loaded module. (Jest replaces `module.createRequire`; the real one is on the parent
 * class of the Module it hands out.)
 */
jest.mock('content-disposition', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sandboxed = require('node:module') as typeof import('node:module');
  const native = Object.getPrototypeOf(sandboxed) as typeof import('node:module');
  return native.createRequire(__filename)('content-disposition');
});

// The partitioner notice of kafkajs 2 is noise here (keys decide partitions, as the API wants).
process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';

const random = (bytes: number) => randomBytes(bytes).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `DATABASE_URL` of the test server (default: the project's), with another database name. */
function databaseUrl(name: string): string {
  const url = new URL(process.env['SITREP_TEST_DATABASE_URL'] || DEFAULT_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export function httpClient(baseUrl: string, defaultKey: string | null): Http {
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<HttpResponse> => {
    const url = new URL(path, baseUrl);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const key = options.key === undefined ? defaultKey : options.key;
    const headers: Record<string, string> = {
      ...(key !== null && { authorization: `Bearer ${key}` }),
      ...((body !== undefined || options.rawBody !== undefined) && {
        'content-type': 'application/json',
      }),
      ...options.headers,
    };
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const response = await fetch(url, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: Json = undefined;
    // JSON and problem+json are parsed; NDJSON (application/x-ndjson) stays text.
    if (/[/+]json/.test(contentType) && text.length > 0) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, contentType, body: parsed, text };
  };
  return {
    baseUrl,
    request,
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
  };
}

async function listen(app: NestFastifyApplication): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('the API is not listening');
  return `http://127.0.0.1:${address.port}`;
}

/** A Kafka client for the tests themselves: quiet, short retries. */
export function testKafka(brokers: readonly string[]): Kafka {
  return new Kafka({
    clientId: `sitrep-test-${random(3)}`,
    brokers: [...brokers],
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 2000 },
    logLevel: logLevel.NOTHING,
  });
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const id = random(4);
  const dbName = `sitrep_t_${id}`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl(dbName),
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] || '127.0.0.1:9092',
    SITREP_TOPIC_PREFIX: `t${id}.`,
    SITREP_BOOTSTRAP_KEY: `test-admin-${random(12)}`,
    SITREP_PARTITIONS: String(options.partitions ?? 3),
    LOG_LEVEL: 'warn',
    PORT: '0',
    PROJECTOR_METRICS_PORT: '0',
    ...options.env,
  };
  const config = loadConfig(env);
  const topics = topicsFor(config.topicPrefix);
  const kafka = testKafka(config.kafkaBrokers);
  const admin = kafka.admin();
  const extras: ExtraApi[] = [];
  const children: ChildProcess[] = [];
  let api: NestFastifyApplication | undefined;
  let projector: INestApplicationContext | undefined;
  let pool: Pool | undefined;

  const cleanup = async (): Promise<void> => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
    for (const extra of extras.splice(0)) await extra.close().catch(() => undefined);
    await projector?.close().catch(() => undefined);
    projector = undefined;
    await api?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await dropKafkaState(admin, topics).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await dropDatabase(dbName);
  };

  try {
    await admin.connect();
    api = await createApiApp(config);
    const baseUrl = await listen(api);
    if (options.projector !== false) projector = await startProjector(config);
    pool = createPool(config.databaseUrl, 4);
    const stackPool = pool;
    const http = httpClient(baseUrl, config.bootstrapKey!);

    const readModelSchema = async () => (await liveReadModel(stackPool)).schema;
    const highWatermarks = async (topic = topics.claims) =>
      new Map(
        (await fetchTopicOffsetsRetrying(admin, topic)).map(
          (p) => [p.partition, Number(p.high)] as const,
        ),
      );
    const checkpoints = async () => {
      const schema = await readModelSchema();
      const { rows } = await stackPool.query<{ partition: number; next_offset: string }>(
        `SELECT partition, next_offset FROM ${schema}.checkpoints WHERE topic = $1`,
        [topics.claims],
      );
      return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
    };

    const stack: Stack = {
      ...http,
      config,
      env,
      topics,
      adminKey: config.bootstrapKey!,
      api,
      pool,
      kafka,
      admin,
      get projector() {
        return projector;
      },
      async startProjector() {
        if (projector) throw new Error('the projector is already running');
        projector = await startProjector(config);
        return projector;
      },
      async stopProjector() {
        const running = projector;
        projector = undefined;
        await running?.close();
      },
      async spawnProjector() {
        const child = fork(join(__dirname, 'projector-child.js'), [], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error('the projector child did not start within 60 s')),
            60_000,
          );
          child.once('message', (message) => {
            clearTimeout(timer);
            if (message === 'ready') resolve();
            else reject(new Error(`the projector child failed: ${JSON.stringify(message)}`));
          });
          child.once('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`the projector child exited early (${code ?? signal})`));
          });
        });
        return child;
      },
      async spawnApi(overrides = {}) {
        const child = fork(join(__dirname, 'api-child.js'), [], {
          env: { ...process.env, ...env, ...overrides },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        const port = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error('the API child did not start within 60 s')),
            60_000,
          );
          child.once('message', (message: { port?: number; error?: string }) => {
            clearTimeout(timer);
            if (message.port) resolve(message.port);
            else reject(new Error(`the API child failed: ${message.error}`));
          });
          child.once('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`the API child exited early (${code ?? signal})`));
          });
        });
        const key = overrides['SITREP_BOOTSTRAP_KEY'] ?? config.bootstrapKey!;
        return { child, http: httpClient(`http://127.0.0.1:${port}`, key) };
      },
      async startApi(overrides = {}) {
        const extraConfig = loadConfig({ ...env, ...overrides });
        const app = await createApiApp(extraConfig);
        const extraUrl = await listen(app);
        const extra: ExtraApi = {
          config: extraConfig,
          app,
          http: httpClient(extraUrl, extraConfig.bootstrapKey ?? null),
          close: async () => {
            const i = extras.indexOf(extra);
            if (i >= 0) extras.splice(i, 1);
            await app.close();
          },
        };
        extras.push(extra);
        return extra;
      },
      readModelSchema,
      highWatermarks,
      checkpoints,
      async eventCount() {
        const schema = await readModelSchema();
        const { rows } = await stackPool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${schema}.events`,
        );
        return rows[0]!.n;
      },
      async waitForProjection(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        let lagging: string[] = [];
        let caughtUp: string | undefined;
        while (Date.now() < deadline) {
          // kafkajs asks for the last stable offset (read committed): a transaction committed a
          // moment ago may still lack its partition markers, so it is below that offset until
          // they are written. Caught up twice in a row, 250 ms apart, at the same offsets.
          const [high, done] = await Promise.all([highWatermarks(), checkpoints()]);
          lagging = [...high]
            .filter(([partition, next]) => next > 0 && (done.get(partition) ?? 0) < next)
            .map(([p, next]) => `partition ${p}: checkpoint ${done.get(p) ?? 0} < high ${next}`);
          if (lagging.length === 0) {
            // …and the observed timelines that batches left pending are rewritten.
            const schema = await readModelSchema();
            const { rows } = await stackPool.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM ${schema}.observed_pending`,
            );
            if (rows[0]!.n > 0) lagging = [`${rows[0]!.n} observed timelines pending`];
          }
          // Caught up twice in a row on the same offsets (a commit's markers may come late).
          const offsets = JSON.stringify([...high]);
          if (lagging.length === 0 && caughtUp === offsets) return;
          caughtUp = lagging.length === 0 ? offsets : undefined;
          await sleep(lagging.length === 0 ? 250 : 100);
        }
        throw new Error(
          `the projector did not catch up within ${timeoutMs} ms (${lagging.join('; ')})` +
            (projector ? '' : ' — is the projector running?'),
        );
      },
      async consume(topic, enough, timeoutMs = 30_000) {
        const groupId = `${config.topicPrefix}test-reader-${random(3)}`;
        const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000 });
        const messages: KafkaMessage[] = [];
        try {
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(
                  new Error(
                    `read only ${messages.length} message(s) of ${topic} in ${timeoutMs} ms`,
                  ),
                ),
              timeoutMs,
            );
            consumer
              .run({
                eachMessage: async ({ message }) => {
                  messages.push(message);
                  if (enough(messages)) {
                    clearTimeout(timer);
                    resolve();
                  }
                },
              })
              .catch(reject);
          });
          return messages;
        } finally {
          await consumer.disconnect().catch(() => undefined);
          await admin.deleteGroups([groupId]).catch(() => undefined);
        }
      },
      async stop() {
        await cleanup();
      },
    };
    return stack;
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

async function dropKafkaState(admin: Admin, topics: Topics): Promise<void> {
  await admin.deleteGroups([topics.projectorGroup]).catch(() => undefined);
  const existing = new Set(await admin.listTopics());
  const mine = [topics.claims, topics.deadLetters].filter((t) => existing.has(t));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
}

/** Drop a test database, disconnecting whoever still uses it. */
export async function dropDatabase(name: string): Promise<void> {
  const admin = new Pool({ connectionString: databaseUrl('postgres'), max: 1 });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
