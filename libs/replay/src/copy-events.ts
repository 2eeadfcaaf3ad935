/**
 * Bulk loading of a read model being rebuilt (its schema is not live: no conflicts, no readers),
 * with COPY in text format. A `CopyStream` stays open for the whole bulk phase: rows are written
 * as the log is read, and Postgres stores them in its own process meanwhile.
 */
import { ClaimEvent, CURRENT_SCHEMA, DistrictStatus, LogPosition } from '@sitrep/domain';
import { PoolClient } from 'pg';
import { from as copyFrom, CopyStreamQuery } from 'pg-copy-streams';

const SPECIAL = /[\\\t\n\r]/;
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
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
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
  const target =
    event.type === 'claim.asserted'
      ? undefined
      : 'claimId' in event.data.target
        ? event.data.target.claimId
        : undefined;
  return `${copyField(event.id)}\t${copyField(event.type)}\t${event.schema}\t${copyField(event.reportId)}\t${copyField(event.claimant)}\t${copyField(event.place.province)}\t${copyField(event.place.pcode)}\t${copyField(target)}\t${copyField(event.observedAt)}\t${copyField(event.recordedAt)}\t${position.partition}\t${position.offset}\t${copyField(body ?? JSON.stringify(event))}\n`;
}

/**
 * Whether a message's text holds exactly the event `decodeEvent` made of it, so that the text can
 * be stored as the body instead of serialising the event again: its schema is the current one
 * (nothing was upcast) and, for an assertion, its data names the actor (decoding adds
 * `actor: null` otherwise). Read with a small scanner, not a parser: anything unusual (escapes in
 * keys, a schema that is not a plain integer) answers false, and the event is serialised.
 */
export function storedAsIs(text: string, event: ClaimEvent): boolean {
  const shape = topLevel(text);
  if (!shape || shape.schema !== CURRENT_SCHEMA[event.type]) return false;
  return event.type !== 'claim.asserted' || shape.dataHasActor;
}

const NAMES = ['schema', 'data', 'actor'] as const;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The top-level `schema` (an integer) and whether `data` has an `actor` key; or undefined. */
function topLevel(text: string): { schema: number | undefined; dataHasActor: boolean } | undefined {
  let i = 0;
  const n = text.length;
  const space = () => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  /** The index after the string whose opening quote is at `from` (skipped natively). */
  const skipString = (from: number): number => {
    let j = from + 1;
    for (;;) {
      const quote = text.indexOf('"', j);
      if (quote < 0) return n;
      let escapes = 0;
      while (text.charCodeAt(quote - 1 - escapes) === BACKSLASH) escapes++;
      if (escapes % 2 === 0) return quote + 1;
      j = quote + 1;
    }
  };
  /** A key without escapes (else undefined), `i` on its opening quote. */
  const key = (): string | undefined => {
    const end = text.indexOf('"', i + 1);
    if (end < 0) return undefined;
    for (let k = i + 1; k < end; k++) if (text.charCodeAt(k) === BACKSLASH) return undefined;
    // Only the names looked for are told apart ('' for the others): no string is made.
    let name = '';
    for (const known of NAMES)
      if (known.length === end - i - 1 && text.startsWith(known, i + 1)) name = known;
    i = end + 1;
    return name;
  };
  /** Skip one value; false when the text ends first. */
  const value = (): boolean => {
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = skipString(i);
        if (depth === 0) return true;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
        i++;
      } else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) return true; // the end of the enclosing object
        depth--;
        i++;
        if (depth === 0) return true;
      } else if (c === 0x2c && depth === 0) return true;
      else i++;
    }
    return false;
  };
  /** The keys of the object at `i` (on its `{`), each value skipped; `onKey` may read a value. */
  const object = (onKey: (name: string) => boolean): boolean => {
    i++;
    for (;;) {
      space();
      const c = text.charCodeAt(i);
      if (c === 0x7d) {
        i++;
        return true;
      }
      if (c === 0x2c) {
        i++;
        continue;
      }
      if (c !== QUOTE) return false;
      const name = key();
      if (name === undefined) return false;
      space();
      if (text.charCodeAt(i) !== 0x3a) return false;
      i++;
      space();
      if (!onKey(name)) return false;
    }
  };
  let schema: number | undefined;
  let data = false;
  let dataHasActor = false;
  space();
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  const ok = object((name) => {
    if (name === 'schema') {
      const start = i;
      while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      if (i === start || schema !== undefined) return false;
      schema = Number(text.slice(start, i));
      space();
      const c = text.charCodeAt(i);
      return c === 0x2c || c === 0x7d;
    }
    if (name === 'data') {
      if (data) return false; // twice: the parser keeps the last one
      data = true;
      if (text.charCodeAt(i) !== 0x7b) return value();
      return object((inner) => {
        if (inner === 'actor') dataHasActor = true;
        return value();
      });
    }
    return value();
  });
  return ok ? { schema, dataHasActor } : undefined;
}

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

/** Bytes of COPY rows sent at a time. */
const CHUNK = 1024 * 1024;

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
