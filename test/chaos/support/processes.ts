/**
 * The built apps (dist/) as real processes, as in production: the suite kills them hard, stops
 * them cleanly, and notices any exit it did not cause (a crash fails the scenario).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const MAIN = {
  api: join(root, 'dist/apps/api/src/main.js'),
  projector: join(root, 'dist/apps/projector/src/main.js'),
} as const;

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Exit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Did the suite cause it (kill, stop)? */
  readonly expected: boolean;
}

export class AppProcess {
  /** Every app process of the run, so a failed scenario leaves none behind. */
  private static readonly all = new Set<AppProcess>();

  static async killAll(): Promise<void> {
    for (const app of AppProcess.all)
      if (app.running) await app.kill('SIGKILL').catch(() => undefined);
  }

  private child: ChildProcess | undefined;
  private log: WriteStream;
  private expecting = false;
  private output = '';
  readonly exits: Exit[] = [];
  starts = 0;

  constructor(
    readonly name: string,
    private readonly main: string,
    private readonly env: Record<string, string>,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    AppProcess.all.add(this);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Exits the suite did not cause: crashes. */
  get crashes(): Exit[] {
    return this.exits.filter((e) => !e.expected);
  }

  /** Start the process; resolves once `ready` says so (polled), or rejects if it exits first. */
  async start(
    ready: (output: string) => Promise<boolean> | boolean,
    timeoutMs = 90_000,
  ): Promise<void> {
    this.starts++;
    this.output = '';
    this.expecting = false;
    const child = spawn(process.execPath, [this.main], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const capture = (chunk: Buffer) => {
      this.log.write(chunk);
      if (this.output.length < 1_000_000) this.output += chunk.toString();
    };
    child.stdout!.on('data', capture);
    child.stderr!.on('data', capture);
    child.once('exit', (code, signal) => {
      this.exits.push({ name: this.name, code, signal, expected: this.expecting });
      this.log.write(`--- ${this.name} exited (${code ?? signal}) ---\n`);
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.name} exited during startup: ${this.output.slice(-2000)}`);
      if (await ready(this.output)) return;
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms`);
  }

  /** Send a signal the suite means (SIGKILL: a crash; SIGTERM: a clean stop) and wait for the exit. */
  async kill(signal: NodeJS.Signals, timeoutMs = 30_000): Promise<Exit> {
    const child = this.child;
    if (!child || !this.running) throw new Error(`${this.name} is not running`);
    this.expecting = true;
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await Promise.race([exit, sleep(timeoutMs)]);
    if (this.running) {
      child.kill('SIGKILL');
      await exit;
      throw new Error(`${this.name} did not exit within ${timeoutMs} ms of ${signal}`);
    }
    return this.exits[this.exits.length - 1]!;
  }

  /** Stop at the end of a scenario (SIGTERM). */
  async stop(): Promise<void> {
    if (this.running) await this.kill('SIGTERM').catch(() => undefined);
    this.log.end();
  }

  /** Lines of the process's JSON log whose message matches. */
  logged(message: RegExp): number {
    return this.output.split('\n').filter((line) => message.test(line)).length;
  }
}
