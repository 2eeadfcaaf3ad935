/**
 * Bulk loading of a read model being rebuilt (its schema is not live: no conflicts, no readers),
 * with COPY in text format. A `CopyStream` stays open for the whole bulk phase: rows are written
 * as the log is read, and Postgres stores them in its own process meanwhile.
 */
import { ClaimEvent, CURRENT_SCHEMA, DistrictStatus, LogPosition } from '@sitrep/domain';
import { PoolClient } from 'pg';
import { from as copyFrom, CopyStreamQuery } from 'pg-copy-streams';

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

/** A Postgres array literal of text values (each quoted), for a COPY field. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export const EVENT_COLUMNS =
  'claim_id, type, schema, report_id, claimant, province, place_pcode, target_id, observed_at, recorded_at, partition, log_offset, body';

/**
 * One row of the events table. `body` is the event's JSON when the caller has it already (the
 * message value, when decoding did not change the event); else the event is serialised.
 */
export function eventRow(event: ClaimEvent, position: LogPosition, body?: string): string {
  return `${eventRowStart(event, position)}${copyField(body ?? JSON.stringify(event))}\n`;
}

/** A row of the events table up to its body (included the tab before it). */
export function eventRowStart(event: ClaimEvent, position: LogPosition): string {
  const target =
    event.type === 'claim.asserted'
      ? undefined
      : 'claimId' in event.data.target
        ? event.data.target.claimId
        : undefined;
  return `${copyField(event.id)}\t${copyField(event.type)}\t${event.schema}\t${copyField(event.reportId)}\t${copyField(event.claimant)}\t${copyField(event.place.province)}\t${copyField(event.place.pcode)}\t${copyField(target)}\t${copyField(event.observedAt)}\t${copyField(event.recordedAt)}\t${position.partition}\t${position.offset}\t`;
}

/**
 * Whether a message's text holds exactly the event `decodeEvent` made of it, so that the text can
 * be stored as the body instead of serialising the event again: its schema is the current one
 * (nothing was upcast) and, for an assertion, its data names the actor (decoding adds
 * `actor: null` otherwise). Read with a small scanner, not a parser: anything unusual (escapes in
 * keys, a schema that is not a plain integer) answers false, and the event is serialised.
 */
export function storedAsIs(text: string, event: ClaimEvent): boolean {
  const shape = SCANNER.scan(text);
  if (shape === undefined || shape.schema !== CURRENT_SCHEMA[event.type]) return false;
  return event.type !== 'claim.asserted' || shape.dataHasActor;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Keys told apart by the scanner. */
enum Key {
  Other,
  Schema,
  Data,
  Actor,
}

/**
 * Reads, from valid JSON text, the top-level `schema` (a plain integer) and whether the top-level
 * `data` object has an `actor` key; undefined for anything it does not read plainly (a key with
 * escapes, a key twice). No allocation per call but the answer: one instance, reused.
 */
class TopLevelScanner {
  private text = '';
  private i = 0;
  private readonly shape = { schema: 0, dataHasActor: false };

  scan(text: string): { readonly schema: number; readonly dataHasActor: boolean } | undefined {
    this.text = text;
    this.i = 0;
    this.skipSpace();
    if (text.charCodeAt(this.i) !== OPEN) return undefined;
    this.i++;
    let schema = -1;
    let data = false;
    let dataHasActor = false;
    for (;;) {
      const key = this.nextKey();
      if (key === undefined) break; // end of the object
      if (key === false) return undefined;
      if (key === Key.Schema) {
        if (schema !== -1) return undefined;
        const start = this.i;
        let c = text.charCodeAt(this.i);
        while (c >= 0x30 && c <= 0x39) c = text.charCodeAt(++this.i);
        if (this.i === start || this.i - start > 6) return undefined;
        schema = Number(text.slice(start, this.i));
        this.skipSpace();
        c = text.charCodeAt(this.i);
        if (c !== COMMA && c !== CLOSE) return undefined;
      } else if (key === Key.Data) {
        if (data) return undefined; // twice: the parser keeps the last one
        data = true;
        if (text.charCodeAt(this.i) !== OPEN) {
          if (!this.skipValue()) return undefined;
          continue;
        }
        this.i++;
        for (;;) {
          const inner = this.nextKey();
          if (inner === undefined) break;
          if (inner === false) return undefined;
          if (inner === Key.Actor) dataHasActor = true;
          if (!this.skipValue()) return undefined;
        }
      } else if (!this.skipValue()) return undefined;
    }
    if (schema === -1) return undefined;
    this.shape.schema = schema;
    this.shape.dataHasActor = dataHasActor;
    return this.shape;
  }

  /**
   * Within an object: past separators to the next key and its colon. The key; undefined at the
   * object's end (consumed); false when the text is not read plainly.
   */
  private nextKey(): Key | undefined | false {
    const text = this.text;
    for (;;) {
      this.skipSpace();
      const c = text.charCodeAt(this.i);
      if (c === CLOSE) {
        this.i++;
        return undefined;
      }
      if (c === COMMA) {
        this.i++;
        continue;
      }
      if (c !== QUOTE) return false;
      const start = this.i + 1;
      const end = text.indexOf('"', start);
      if (end < 0) return false;
      for (let k = start; k < end; k++) if (text.charCodeAt(k) === BACKSLASH) return false;
      const length = end - start;
      const key =
        length === 6 && text.startsWith('schema', start)
          ? Key.Schema
          : length === 4 && text.startsWith('data', start)
            ? Key.Data
            : length === 5 && text.startsWith('actor', start)
              ? Key.Actor
              : Key.Other;
      this.i = end + 1;
      this.skipSpace();
      if (text.charCodeAt(this.i) !== COLON) return false;
      this.i++;
      this.skipSpace();
      return key;
    }
  }

  /** Past one value (left on the separator or closing brace after it); false at the text's end. */
  private skipValue(): boolean {
    const text = this.text;
    const n = text.length;
    let depth = 0;
    while (this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c === QUOTE) {
        this.i = this.afterString(this.i);
        if (depth === 0) return true;
      } else if (c === OPEN || c === 0x5b) {
        depth++;
        this.i++;
      } else if (c === CLOSE || c === 0x5d) {
        if (depth === 0) return true; // the end of the enclosing object
        depth--;
        this.i++;
        if (depth === 0) return true;
      } else if (c === COMMA && depth === 0) return true;
      else this.i++;
    }
    return false;
  }

  /** The index after the string whose opening quote is at `from` (found natively). */
  private afterString(from: number): number {
    const text = this.text;
    let j = from + 1;
    for (;;) {
      const quote = text.indexOf('"', j);
      if (quote < 0) return text.length;
      let escapes = 0;
      while (text.charCodeAt(quote - 1 - escapes) === BACKSLASH) escapes++;
      if (escapes % 2 === 0) return quote + 1;
      j = quote + 1;
    }
  }

  private skipSpace(): void {
    while (isSpace(this.text.charCodeAt(this.i))) this.i++;
  }
}

const SCANNER = new TopLevelScanner();

/** Rows of district_status and positions for statuses, as `saveStatuses` would write them. */
export function statusRows(
  statuses: readonly (DistrictStatus & { readonly province: string })[],
  updatedAt: string,
): { districts: string; positions: string } {
  let districts = '';
  let positions = '';
  for (const s of statuses) {
    districts += `${copyField(s.pcode)}\t${copyField(s.province)}\t${copyField(s.status)}\t${copyField(s.controller)}\t${copyField(s.verification)}\t${copyField(JSON.stringify(s.positions))}\t${copyField(JSON.stringify(s.rules))}\t${copyField(updatedAt)}\n`;
    for (const p of s.positions) {
      positions += `${copyField(s.pcode)}\t${copyField(p.claimant)}\t${copyField(p.kind)}\t${copyField(p.actor)}\t${copyField(p.observedAt)}\t${copyField(arrayLiteral(p.claimIds))}\t${copyField(arrayLiteral(p.disputedBy))}\t${copyField(JSON.stringify(p.corroboratedBy))}\n`;
    }
  }
  return { districts, positions };
}

/** Write the statuses of a version being rebuilt (its tables are empty) with COPY. */
export async function copyStatuses(
  client: PoolClient,
  schema: string,
  statuses: readonly (DistrictStatus & { readonly province: string })[],
  updatedAt: string,
): Promise<void> {
  const { districts, positions } = statusRows(statuses, updatedAt);
  const district = new CopyStream(
    client,
    `COPY ${schema}.district_status (pcode, province, status, controller, verification, positions, rules, updated_at) FROM STDIN`,
  );
  await district.write(districts);
  await district.finish();
  const position = new CopyStream(
    client,
    `COPY ${schema}.positions (district, claimant, kind, actor, observed_at, claim_ids, disputed_by, corroborated_by) FROM STDIN`,
  );
  await position.write(positions);
  await position.finish();
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
