import { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELDS = /authorization|password|secret|token|key$/i;

/** Structured JSON logs, one object per line on stdout; fields that look secret are masked. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly level: Level = (process.env['LOG_LEVEL'] as Level | undefined) ?? 'info',
  ) {}

  write(level: Level, message: string, fields: Record<string, unknown> = {}): void {
    if (RANK[level] < RANK[this.level]) return;
    const masked = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [
        k,
        SECRET_FIELDS.test(k) && v !== undefined ? '***' : v,
      ]),
    );
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level, service: this.service, message, ...masked })}\n`,
    );
  }

  log(message: unknown, context?: string): void {
    this.write('info', String(message), context ? { context } : {});
  }
  error(message: unknown, stack?: string, context?: string): void {
    this.write('error', String(message), { ...(stack && { stack }), ...(context && { context }) });
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', String(message), context ? { context } : {});
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', String(message), context ? { context } : {});
  }
  verbose(message: unknown, context?: string): void {
    this.debug(message, context);
  }
}
