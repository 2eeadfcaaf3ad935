/**
 * CSV (RFC 4180) read as a stream: fields separated by commas, quoted with `"` when they hold
 * commas, quotes (doubled) or line breaks; records end with LF or CRLF. Nothing is held but the
 * record being read, so files of any size pass through in constant memory.
 */

export interface CsvRecord {
  /** The line of the file on which the record starts (1-based). */
  readonly line: number;
  readonly fields: readonly string[];
  /** The record as it stands in the file, without its line break. */
  readonly raw: string;
}

/** A record whose quotes are unbalanced or misplaced; the parser resumes at the next line. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly raw: string,
    message: string,
  ) {
    super(message);
  }
}

/** Split CSV text, given chunk by chunk, into records (blank lines are skipped). */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private raw = '';
  private quoted = false;
  /** After the closing quote of a quoted field: only `,`, a line break or `"` may follow. */
  private afterQuote = false;
  private line = 1;
  private start = 1;
  private broken: string | undefined;

  /** The records completed by `text`. */
  *push(text: string): Generator<CsvRecord | CsvSyntaxError> {
    for (const c of text) {
      if (c === '\n') this.line += 1;
      if (this.broken !== undefined) {
        // Skip to the end of the broken record's line, then report it.
        if (c === '\n') yield this.fail(this.broken);
        else this.raw += c;
        continue;
      }
      if (this.quoted) {
        if (c === '"') {
          this.quoted = false;
          this.afterQuote = true;
        } else this.field += c;
        this.raw += c;
        continue;
      }
      if (c === '\n') {
        const record = this.end();
        if (record) yield record;
        continue;
      }
      this.raw += c;
      if (c === '"') {
        if (this.afterQuote) {
          this.field += '"'; // a doubled quote inside a quoted field
          this.quoted = true;
          this.afterQuote = false;
        } else if (this.field.length === 0) this.quoted = true;
        else
          this.broken = 'a quote inside an unquoted field (quote the field and double the quote)';
      } else if (c === ',') {
        this.fields.push(this.field);
        this.field = '';
        this.afterQuote = false;
      } else if (c === '\r') {
        // Part of CRLF; a stray CR inside a field is kept.
        if (!this.afterQuote) this.field += c;
      } else if (this.afterQuote) {
        this.broken = 'text after the closing quote of a field';
      } else this.field += c;
    }
  }

  /** The last record, when the text does not end with a line break. */
  *finish(): Generator<CsvRecord | CsvSyntaxError> {
    if (this.broken !== undefined) yield this.fail(this.broken);
    else if (this.quoted)
      yield this.fail('a quoted field is not closed before the end of the file');
    else {
      const record = this.end();
      if (record) yield record;
    }
  }

  private end(): CsvRecord | undefined {
    this.fields.push(this.field.endsWith('\r') ? this.field.slice(0, -1) : this.field);
    const raw = this.raw.endsWith('\r') ? this.raw.slice(0, -1) : this.raw;
    const record = { line: this.start, fields: this.fields, raw };
    this.reset();
    return raw.trim().length === 0 ? undefined : record;
  }

  private fail(reason: string): CsvSyntaxError {
    const error = new CsvSyntaxError(this.start, this.raw.replace(/\r$/, ''), reason);
    this.reset();
    return error;
  }

  private reset(): void {
    this.field = '';
    this.fields = [];
    this.raw = '';
    this.quoted = false;
    this.afterQuote = false;
    this.broken = undefined;
    this.start = this.line;
  }
}

/** Records of a CSV stream, in order. */
export async function* csvRecords(
  chunks: AsyncIterable<string>,
): AsyncGenerator<CsvRecord | CsvSyntaxError> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.finish();
}
