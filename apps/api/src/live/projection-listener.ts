import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { CONFIG, Config, JsonLogger, LOGGER, PROJECTION_CHANNEL } from '@sitrep/platform';
import { Client } from 'pg';

/** While the LISTEN connection is down, subscribers are woken this often (they poll). */
const POLL_WHILE_DOWN_MS = 1000;
const RECONNECT_MS = 1000;

/**
 * One LISTEN connection per API process on the projector's channel: each committed batch (and
 * each read-model switch) wakes every subscriber (live streams, reads waiting for a consistency
 * token), which then read what they need. Connected on the first subscriber; while it is down
 * (Postgres restarting) subscribers are woken every second instead, and once more when it is
 * back, so nothing committed meanwhile is missed.
 */
@Injectable()
export class ProjectionListener implements OnModuleDestroy {
  private readonly wakers = new Set<() => void>();
  private client: Client | undefined;
  private connecting = false;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {}

  /** Call `wake` after each committed batch; returns the unsubscribe function. */
  subscribe(wake: () => void): () => void {
    this.wakers.add(wake);
    if (!this.client) this.startPolling();
    void this.connect();
    return () => this.wakers.delete(wake);
  }

  /** Whether notifications arrive (else subscribers are polled). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private startPolling(): void {
    this.poll ??= setInterval(() => this.wakeAll(), POLL_WHILE_DOWN_MS);
    this.poll.unref();
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }

  private async connect(): Promise<void> {
    if (this.closed || this.client || this.connecting) return;
    this.connecting = true;
    const client = new Client({
      connectionString: this.config.databaseUrl,
      connectionTimeoutMillis: 5000,
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', () => this.wakeAll());
    try {
      await client.connect();
      await client.query(`LISTEN ${PROJECTION_CHANNEL}`);
      if (this.closed) throw new Error('closed');
      this.client = client;
      this.stopPolling();
      this.wakeAll(); // whatever was committed while nobody listened
    } catch (error) {
      await client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.write('warn', 'cannot LISTEN for projector notices; polling meanwhile', {
          error: (error as Error).message,
        });
        setTimeout(() => void this.connect(), RECONNECT_MS).unref();
      }
    } finally {
      this.connecting = false;
    }
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.startPolling();
    setTimeout(() => void this.connect(), RECONNECT_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.stopPolling();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
