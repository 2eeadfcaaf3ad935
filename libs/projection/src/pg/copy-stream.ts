/**
 * COPY … FROM STDIN in text format, fed as rows come: replays' bulk loads, and the rows a batch
 * adds (new events, new timeline versions: nothing to conflict with) in the live projector.
 */
import { PoolClient } from 'pg';
import { from as copyFrom, CopyStreamQuery } from 'pg-copy-streams';
import { TimeSlice } from '../time-slice';

const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** COPY text format: backslash, tab, newline and carriage return are escaped; null is \N. */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  // Four native searches beat one regular expression on long values (event bodies).
  const plain =
    value.indexOf('\\') < 0 &&
    value.indexOf('\t') < 0 &&
    value.indexOf('\n') < 0 &&
    value.indexOf('\r') < 0;
  return plain ? value : value.replace(SPECIALS, (c) => ESCAPES[c]!);
}

/**
 * A COPY field of JSON text that JSON.stringify wrote (or pieces of it, as line records are):
 * such text holds no raw tab, newline or carriage return (JSON escapes them), so only backslashes
 * need escaping, and one search finds whether there are any.
 */
export function jsonCopyField(json: string | null): string {
  if (json === null) return '\\N';
  return json.indexOf('\\') < 0 ? json : json.replace(/\\/g, '\\\\');
}

/** A Postgres array literal of text values (each quoted), for a COPY field. */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/**
 * Bytes of COPY rows sent at a time. Smaller than the allocator's threshold for mapping fresh
 * pages (and faulting them in one by one, costly on virtual machines): freed chunks get reused.
 */
const CHUNK = 256 * 1024;

/**
 * One COPY … FROM STDIN on a client, fed as rows come. Rows are encoded at once into chunks of
 * memory outside the JavaScript heap (so nothing large lives long on the heap for the garbage
 * collector to copy), and queued on the connection: `flush` returns at once while less than
 * `buffer` bytes wait to be sent (so the caller keeps reading the log while Postgres works), else
 * a promise of when they have drained. The first error is kept and thrown by later calls.
 */
export class CopyStream {
  private readonly stream: CopyStreamQuery;
  private readonly ended: Promise<void>;
  private error: Error | undefined;
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;

  constructor(
    client: PoolClient,
    sql: string,
    private readonly buffer = 64 * 1024 * 1024,
  ) {
    this.stream = client.query(copyFrom(sql, { highWaterMark: buffer }));
    this.ended = new Promise<void>((resolve, reject) => {
      this.stream.on('finish', () => resolve());
      this.stream.on('error', (error: Error) => {
        this.error ??= error;
        reject(error);
      });
    });
    this.ended.catch(() => undefined); // surfaced by flush() and finish()
  }

  /** The error that ended the COPY, if it failed. */
  get failure(): Error | undefined {
    return this.error;
  }

  /** Add rows (whole lines, each ending with a newline). */
  add(rows: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (rows.length * 3 > CHUNK - this.used) {
      this.send();
      if (rows.length * 3 > CHUNK) {
        this.stream.write(Buffer.from(rows, 'utf8'));
        return;
      }
    }
    this.used += this.chunk.write(rows, this.used, 'utf8');
  }

  /**
   * Add one row per item (`row` writes it, newline included), letting timers and I/O run every
   * slice: a settler round may write hundreds of thousands of rows.
   */
  async addEach<T>(items: Iterable<T>, row: (item: T) => string): Promise<void> {
    const slice = new TimeSlice();
    for (const item of items) {
      this.add(row(item));
      if (slice.due) await slice.yield();
    }
  }

  /** Add one row of the events table: its start (`eventRowStart`) and its body (JSON). */
  addRow(start: string, body: string): void {
    const escaped = copyField(body);
    // Each part goes in as it is: concatenating them would copy the body once more.
    if ((start.length + escaped.length + 1) * 3 > CHUNK - this.used) {
      this.add(`${start}${escaped}\n`);
      return;
    }
    this.used += this.chunk.write(start, this.used, 'utf8');
    this.used += this.chunk.write(escaped, this.used, 'utf8');
    this.chunk[this.used++] = 0x0a;
  }

  /**
   * Add one row of the events table whose body is a message's bytes as they came (JSON text that
   * `storedAsIs` accepted): copied without decoding them to a string, unless they hold a
   * character COPY escapes.
   */
  addRowBytes(start: string, body: Buffer): void {
    const plain =
      body.indexOf(0x5c) < 0 &&
      body.indexOf(0x09) < 0 &&
      body.indexOf(0x0a) < 0 &&
      body.indexOf(0x0d) < 0;
    if (!plain || start.length * 3 + body.length + 1 > CHUNK - this.used) {
      this.addRow(start, body.toString('utf8'));
      return;
    }
    this.used += this.chunk.write(start, this.used, 'utf8');
    this.used += body.copy(this.chunk, this.used);
    this.chunk[this.used++] = 0x0a;
  }

  /** Send what was added; a promise when the queue is full (wait for it before adding more). */
  flush(): Promise<void> | undefined {
    if (this.error) throw this.error;
    if (this.send()) return undefined;
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        if (this.error) reject(this.error);
        else resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
    });
  }

  /** Add rows and send them. */
  write(rows: string): Promise<void> | undefined {
    this.add(rows);
    return this.flush();
  }

  /** End the COPY and wait until Postgres has stored every row. */
  async finish(): Promise<void> {
    if (this.error) throw this.error;
    this.send();
    this.stream.end();
    await this.ended;
  }

  /** Abandon the COPY (Postgres rolls it back). */
  abort(reason: Error): void {
    if (!this.stream.destroyed) this.stream.destroy(reason);
  }

  /** Queue the current chunk; false when the queue is over `buffer` bytes. */
  private send(): boolean {
    if (this.used === 0) return this.stream.writableLength < this.buffer;
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    return this.stream.write(full);
  }
}
