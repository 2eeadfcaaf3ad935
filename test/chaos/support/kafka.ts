/**
 * Kafka brokers of the fault suite's own (scripts/kafka/kafka.sh with other ports and a data
 * directory under the suite's work folder), one broker or a cluster, so the suite can kill,
 * stop and restart them without touching the broker other work shares.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = join(__dirname, '../../../scripts/kafka/kafka.sh');

export class ChaosKafka {
  constructor(
    readonly nodes: number,
    readonly port: number,
    readonly dataDir: string,
  ) {}

  private get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_NODES: String(this.nodes),
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.port + 100),
      SITREP_KAFKA_DATA: this.dataDir,
      KAFKA_HEAP_OPTS: this.nodes === 1 ? '-Xmx512m -Xms256m' : '-Xmx384m -Xms256m',
    };
  }

  get brokers(): string[] {
    return Array.from({ length: this.nodes }, (_, i) => `127.0.0.1:${this.port + i}`);
  }

  private async kafka(...args: string[]): Promise<void> {
    await run('bash', [script, ...args], { env: this.env, maxBuffer: 16 * 1024 * 1024 });
  }

  /** Start every node on fresh storage. */
  async start(): Promise<void> {
    await this.kafka('stop').catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
    await this.kafka('start');
  }

  kill(node: number): Promise<void> {
    return this.kafka('kill', String(node));
  }

  stopNode(node: number): Promise<void> {
    return this.kafka('stop-node', String(node));
  }

  startNode(node: number): Promise<void> {
    return this.kafka('start-node', String(node));
  }

  async stop(): Promise<void> {
    await this.kafka('stop');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
