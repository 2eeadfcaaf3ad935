/** Configuration comes only from environment variables, validated once at start. */

export interface Config {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
  readonly port: number;
  readonly bootstrapKey: string | undefined;
  /** How long the API waits for a Kafka commit before answering 503. */
  readonly kafkaTimeoutMs: number;
  /** Partitions of the claim topic when the app creates it. */
  readonly partitions: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Time to receive a whole HTTP request (headers and body); slower senders get 408. */
  readonly httpRequestTimeoutMs: number;
  /** Requests per key (or per address without a key) per window; 0 turns the limit off. */
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  /** The projector's own metrics listener; port 0 picks a free port. */
  readonly projectorMetricsPort: number;
  readonly projectorMetricsHost: string;
  /** The projector's Kafka session: how long a dead member holds its partitions. */
  readonly projectorSessionTimeoutMs: number;
  /**
   * Partitions a projector applies at once: one batch's CPU work overlaps another's wait for
   * Postgres (batches of different partitions touch different districts).
   */
  readonly projectorConcurrency: number;
  /** Replication of the topics the apps create; undefined: 3 on a cluster of 3 or more, else 1. */
  readonly kafkaReplicationFactor: number | undefined;
  /** `min.insync.replicas` of those topics; undefined: 2 when replicated 3 times or more, else 1. */
  readonly kafkaMinInsyncReplicas: number | undefined;
  /** Live stream: a comment is sent on an idle stream this often. */
  readonly streamHeartbeatMs: number;
  /** Live stream: open streams per API key, and in all, per API process. */
  readonly streamMaxPerKey: number;
  readonly streamMaxStreams: number;
  /** How long the projector keeps rows of `district_changes` (resumable stream positions). */
  readonly streamRetentionMs: number;
  /** How long a read with `?after=<consistency token>` waits for the projector. */
  readonly consistencyWaitMs: number;
}

export class ConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(
      `Invalid configuration:\n  - ${problems.join('\n  - ')}\nSee the configuration table in README.md.`,
    );
    this.name = 'ConfigError';
  }
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/sitrep';

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
    return fallback;
  }
  return value;
}

function optionalInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : integer(env, name, min, min, max, problems);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const databaseUrl = env['DATABASE_URL'] || DEFAULT_DATABASE_URL;
  try {
    const url = new URL(databaseUrl);
    if (!/^postgres(ql)?:$/.test(url.protocol) || url.pathname.length < 2) throw new Error();
  } catch {
    problems.push('DATABASE_URL must look like postgres://user@host:5432/database');
  }
  const kafkaBrokers = (env['KAFKA_BROKERS'] || '127.0.0.1:9092').split(',').map((b) => b.trim());
  for (const broker of kafkaBrokers) {
    if (!/^[\w.-]+:\d{1,5}$/.test(broker))
      problems.push(`KAFKA_BROKERS entry ${JSON.stringify(broker)} must be host:port`);
  }
  const topicPrefix = env['SITREP_TOPIC_PREFIX'] ?? '';
  if (!/^[\w.-]*$/.test(topicPrefix)) {
    problems.push('SITREP_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"');
  }
  const bootstrapKey = env['SITREP_BOOTSTRAP_KEY'] || undefined;
  if (bootstrapKey !== undefined && bootstrapKey.length < 16) {
    problems.push('SITREP_BOOTSTRAP_KEY must be at least 16 characters');
  }
  const logLevel = (env['LOG_LEVEL'] || 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    problems.push('LOG_LEVEL must be debug, info, warn or error');
  const config: Config = {
    databaseUrl,
    kafkaBrokers,
    topicPrefix,
    port: integer(env, 'PORT', 3000, 0, 65535, problems),
    bootstrapKey,
    kafkaTimeoutMs: integer(env, 'KAFKA_TIMEOUT_MS', 5000, 100, 120000, problems),
    partitions: integer(env, 'SITREP_PARTITIONS', 6, 1, 1000, problems),
    logLevel,
    httpRequestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30000, 1000, 600000, problems),
    rateLimitMax: integer(env, 'RATE_LIMIT_MAX', 1000, 0, 10_000_000, problems),
    rateLimitWindowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 1000, 100, 3_600_000, problems),
    projectorMetricsPort: integer(env, 'PROJECTOR_METRICS_PORT', 9464, 0, 65535, problems),
    projectorMetricsHost: env['PROJECTOR_METRICS_HOST'] || '127.0.0.1',
    projectorSessionTimeoutMs: integer(
      env,
      'PROJECTOR_SESSION_TIMEOUT_MS',
      10000,
      6000,
      300000,
      problems,
    ),
    projectorConcurrency: integer(env, 'PROJECTOR_CONCURRENCY', 2, 1, 64, problems),
    kafkaReplicationFactor: optionalInteger(env, 'KAFKA_REPLICATION_FACTOR', 1, 5, problems),
    kafkaMinInsyncReplicas: optionalInteger(env, 'KAFKA_MIN_INSYNC_REPLICAS', 1, 5, problems),
    streamHeartbeatMs: integer(env, 'STREAM_HEARTBEAT_MS', 15000, 100, 300000, problems),
    streamMaxPerKey: integer(env, 'STREAM_MAX_PER_KEY', 5, 1, 10000, problems),
    streamMaxStreams: integer(env, 'STREAM_MAX_STREAMS', 500, 1, 100000, problems),
    streamRetentionMs: integer(
      env,
      'STREAM_RETENTION_MS',
      24 * 3600 * 1000,
      1000,
      90 * 24 * 3600 * 1000,
      problems,
    ),
    consistencyWaitMs: integer(env, 'CONSISTENCY_WAIT_MS', 5000, 0, 60000, problems),
  };
  if (
    config.kafkaReplicationFactor !== undefined &&
    config.kafkaMinInsyncReplicas !== undefined &&
    config.kafkaMinInsyncReplicas > config.kafkaReplicationFactor
  )
    problems.push('KAFKA_MIN_INSYNC_REPLICAS must not exceed KAFKA_REPLICATION_FACTOR');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Topic and consumer-group names, all under the stack's prefix. */
export function topicsFor(prefix: string) {
  return {
    claims: `${prefix}sitrep.claims.v1`,
    deadLetters: `${prefix}sitrep.claims.v1.dlq`,
    projectorGroup: `${prefix}sitrep.projector`,
    transactionalId: `${prefix}sitrep.api`,
  } as const;
}
export type Topics = ReturnType<typeof topicsFor>;

/** The database URL with any password hidden, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
