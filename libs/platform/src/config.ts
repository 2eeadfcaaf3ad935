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
  };
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
