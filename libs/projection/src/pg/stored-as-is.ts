/**
 * Whether a message's text can be stored as the event's body as it is (instead of serialising the
 * decoded event again): read with a small scanner, not a parser.
 */
import { ClaimEvent, CURRENT_SCHEMA } from '@sitrep/domain';

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
