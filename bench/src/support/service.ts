/** The parent's side of service-child.ts: start a service, ask it things, stop it. */
import { ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ServiceReply, ServiceRequest } from './service-child';

export class Service {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly kind: 'api' | 'projector',
    readonly port: number | undefined,
    private readonly child: ChildProcess,
  ) {}

  /** Start the service with `env` (added to this process's environment); resolves once ready. */
  static async start(
    kind: 'api' | 'projector',
    env: Readonly<Record<string, string>>,
  ): Promise<Service> {
    const port = kind === 'api' ? await freePort() : undefined;
    const child = fork(join(__dirname, 'service-child.js'), [kind], {
      env: { ...process.env, ...env, ...(port !== undefined && { PORT: String(port) }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // As package.json's start scripts run them.
      execArgv: kind === 'projector' ? ['--max-semi-space-size=64'] : [],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the ${kind} did not start in 60 s`)),
        60_000,
      );
      child.once('message', (reply: ServiceReply) => {
        clearTimeout(timer);
        if (reply.type === 'ready') resolve();
        else reject(new Error(`the ${kind} failed to start: ${JSON.stringify(reply)}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the ${kind} exited with ${code} while starting`));
      });
    });
    return new Service(kind, port, child);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** One request at a time: replies come back in order. */
  request(request: ServiceRequest): Promise<ServiceReply> {
    const result = this.tail.then(
      () =>
        new Promise<ServiceReply>((resolve, reject) => {
          const onExit = (code: number | null) =>
            reject(new Error(`the ${this.kind} exited (${code})`));
          this.child.once('exit', onExit);
          this.child.once('message', (reply: ServiceReply) => {
            this.child.off('exit', onExit);
            resolve(reply);
          });
          this.child.send(request);
        }),
    );
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** CPU time (user + system) the service has used since it started. */
  async cpuSeconds(): Promise<number> {
    const reply = await this.request({ type: 'cpu' });
    return reply.type === 'cpu' ? reply.seconds : NaN;
  }

  /** The longest event-loop stall (and the 99th percentile of delays) since the last ask, in ms. */
  async eventLoop(): Promise<{ maxMs: number; p99Ms: number }> {
    const reply = await this.request({ type: 'event-loop' });
    return reply.type === 'event-loop' ? reply : { maxMs: NaN, p99Ms: NaN };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await Promise.race([
      this.request({ type: 'stop' }).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 15_000)),
    ]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await exited;
  }
}

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
