/**
 * CPU time of the servers on this machine beside the process a benchmark measures: the whole
 * Postgres server (every backend, the background processes, and the backends that have already
 * exited, which the postmaster's reaped-children counters keep) and the Kafka broker. Read from
 * /proc (Linux); undefined where it cannot be read. Other work on the same servers counts too.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ServerCpu {
  readonly postgres: number | undefined;
  readonly broker: number | undefined;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime, seconds. */
  readonly own: number;
  /** cutime + cstime (children reaped), seconds. */
  readonly children: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    // Fields after the command: state ppid … utime(14) stime(15) cutime(16) cstime(17).
    const rest = text.slice(close + 2).split(' ');
    const field = (n: number) => Number(rest[n - 3]);
    return {
      pid,
      comm,
      ppid: field(4),
      own: (field(14) + field(15)) / TICKS_PER_SECOND,
      children: (field(16) + field(17)) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined; // gone meanwhile, or no /proc
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** CPU seconds the Postgres server and the Kafka broker have used so far. */
export function serverCpu(): ServerCpu {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return { postgres: undefined, broker: undefined };
  }
  const stats = pids.map(procStat).filter((s): s is ProcStat => s !== undefined);
  const postgres = stats.filter((s) => s.comm === 'postgres');
  const postgresPids = new Set(postgres.map((s) => s.pid));
  const postmasters = postgres.filter((s) => !postgresPids.has(s.ppid));
  const broker = stats.filter(
    (s) => s.comm === 'java' && /kafka\.Kafka\b|KafkaRaftServer/.test(cmdline(s.pid)),
  );
  const sum = (list: readonly ProcStat[], f: (s: ProcStat) => number) =>
    list.reduce((total, s) => total + f(s), 0);
  return {
    postgres:
      postmasters.length > 0
        ? sum(postgres, (s) => s.own) + sum(postmasters, (s) => s.children)
        : undefined,
    broker: broker.length > 0 ? sum(broker, (s) => s.own) : undefined,
  };
}

/** CPU seconds each server used between two readings. */
export function cpuBetween(before: ServerCpu, after: ServerCpu): ServerCpu {
  const delta = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : b - a;
  return {
    postgres: delta(before.postgres, after.postgres),
    broker: delta(before.broker, after.broker),
  };
}

/** A server's CPU seconds as a summary prints them ('-' where unknown). */
export const cpuFigure = (s: number | undefined): string =>
  s === undefined ? '-' : `${s.toFixed(1)} s`;

/** …and as its JSON line has them (null where unknown). */
export const cpuJson = (s: number | undefined): number | null =>
  s === undefined ? null : Number(s.toFixed(1));
