// Incremental server-sent-events parser and serializer (WHATWG event-stream format).
// Input may arrive in any chunking (bytes split inside UTF-8 sequences, '\r\n' split across chunks);
// each character is looked at once, and memory is bounded by the event being read (capped).
// On request the parser also hands back each event's exact wire text, so a proxy can forward an event
// it did not change as it arrived instead of re-serialising it.
import { LeakgateError } from '../errors.js';
import type { SseEvent } from './types.js';

export const DEFAULT_MAX_EVENT_SIZE = 8 * 1024 * 1024;

export interface SseParserOptions {
  /** Largest event (in UTF-16 code units of its lines) before parsing fails. Default 8 MiB. */
  maxEventSize?: number;
}

const LF = 10;
const CR = 13;

export class SseParser {
  readonly #max: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  /** Pieces of the line being read (joined once the line ends, so a long line costs O(length)). */
  #line: string[] = [];
  #lineLen = 0;
  #afterCR = false;
  #atStart = true;
  // The event being read.
  #data: string[] = [];
  #hasData = false;
  #event: string | undefined;
  #id: string | undefined;
  #retry: number | undefined;
  #comments: string[] = [];
  #size = 0;
  #seenField = false;
  /** Wire text of the event being read, from earlier chunks (only while a caller asked for raws). */
  #rawParts: string[] = [];
  /** Where the current event's wire text starts in the text being scanned. */
  #rawFrom = 0;

  constructor(opts: SseParserOptions = {}) {
    this.#max = opts.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  }

  /**
   * Feeds a chunk; returns the events it completed. With `raws`, appends each returned event's exact
   * wire text (its lines and the blank line that ended it, as received) to it, index for index.
   */
  push(chunk: Uint8Array | string, raws?: (string | undefined)[]): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (this.#atStart && text.length > 0) {
      // TextDecoder drops a leading byte BOM itself; string input may still start with U+FEFF.
      this.#atStart = false;
      if (typeof chunk === 'string' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: SseEvent[] = [];
    this.#scan(text, out, raws);
    return out;
  }

  /**
   * The stream ended: returns a final event that lacked its blank line, if any. Its raw (when asked
   * for) is undefined: it never had a wire form that ends an event, so it must be serialised.
   */
  end(raws?: (string | undefined)[]): SseEvent[] {
    const out: SseEvent[] = [];
    const base = raws?.length ?? 0;
    const rest = this.#decoder.decode();
    if (rest) this.#scan(rest, out, raws);
    if (this.#lineLen > 0) this.#takeLine(out);
    this.#dispatch(out);
    if (raws) while (raws.length < base + out.length) raws.push(undefined);
    this.#rawParts = [];
    return out;
  }

  /** True between events: nothing of a next event has been read (no partial line, no field yet). */
  get idle(): boolean {
    return this.#lineLen === 0 && !this.#seenField;
  }

  #scan(text: string, out: SseEvent[], raws: (string | undefined)[] | undefined): void {
    let start = 0;
    const n = text.length;
    this.#rawFrom = 0;
    if (this.#afterCR && n > 0) {
      this.#afterCR = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    // indexOf is much faster than a per-character loop; each position is still looked at once.
    let nextLF = text.indexOf('\n', start);
    let nextCR = text.indexOf('\r', start);
    while (nextLF !== -1 || nextCR !== -1) {
      const i = nextCR === -1 || (nextLF !== -1 && nextLF < nextCR) ? nextLF : nextCR;
      const c = text.charCodeAt(i);
      this.#append(text, start, i);
      let end = i;
      if (c === CR) {
        if (i + 1 < n) {
          if (text.charCodeAt(i + 1) === LF) end = i + 1;
        } else {
          this.#afterCR = true;
        }
      }
      const before = out.length;
      if (this.#takeLine(out)) this.#endRaw(text, end + 1, raws, out.length > before);
      start = end + 1;
      if (nextLF !== -1 && nextLF < start) nextLF = text.indexOf('\n', start);
      if (nextCR !== -1 && nextCR < start) nextCR = text.indexOf('\r', start);
    }
    if (start < n) this.#append(text, start, n);
    if (raws && this.#rawFrom < n) this.#rawParts.push(this.#rawFrom === 0 ? text : text.slice(this.#rawFrom));
  }

  /** A blank line ended at `to`: the wire text since the last one is the event's raw (if it made one). */
  #endRaw(text: string, to: number, raws: (string | undefined)[] | undefined, dispatched: boolean): void {
    if (raws && dispatched) {
      const tail = text.slice(this.#rawFrom, to);
      raws.push(this.#rawParts.length === 0 ? tail : this.#rawParts.join('') + tail);
    }
    // A blank line that made no event (stray newlines) is dropped from the raws: it means nothing.
    this.#rawParts = [];
    this.#rawFrom = to;
  }

  #append(text: string, from: number, to: number): void {
    if (to <= from) return;
    this.#line.push(from === 0 && to === text.length ? text : text.slice(from, to));
    this.#lineLen += to - from;
    this.#check(this.#lineLen);
  }

  #check(extra: number): void {
    if (this.#size + extra > this.#max) {
      throw new LeakgateError(
        'LG_ERR_BODY_TOO_LARGE',
        `SSE event exceeds the ${this.#max}-character limit (an event must be bounded; raise maxEventSize if needed)`,
      );
    }
  }

  /** Takes the line read so far; true when it was blank (an event boundary). */
  #takeLine(out: SseEvent[]): boolean {
    const line = this.#line.length === 0 ? '' : this.#line.length === 1 ? (this.#line[0] as string) : this.#line.join('');
    this.#line = [];
    this.#size += this.#lineLen + 1;
    this.#lineLen = 0;
    if (line.length === 0) {
      this.#dispatch(out);
      return true;
    }
    this.#seenField = true;
    if (line.charCodeAt(0) === 58 /* ':' */) {
      this.#comments.push(line);
      return false;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        this.#hasData = true;
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        // Unknown fields are ignored, as the standard says.
        break;
    }
    return false;
  }

  #dispatch(out: SseEvent[]): void {
    if (this.#seenField) {
      const ev: SseEvent = { data: this.#hasData ? this.#data.join('\n') : '' };
      if (this.#event !== undefined) ev.event = this.#event;
      if (this.#id !== undefined) ev.id = this.#id;
      if (this.#retry !== undefined) ev.retry = this.#retry;
      if (this.#comments.length > 0) ev.comments = this.#comments;
      out.push(ev);
    }
    this.#data = [];
    this.#hasData = false;
    this.#event = undefined;
    this.#id = undefined;
    this.#retry = undefined;
    this.#comments = [];
    this.#size = 0;
    this.#seenField = false;
  }
}

/** Parses a whole SSE text (tests, fixtures). */
export function parseSse(text: string | Uint8Array, opts?: SseParserOptions): SseEvent[] {
  const p = new SseParser(opts);
  return [...p.push(text), ...p.end()];
}

/**
 * True for a block that held only comments (keep-alives): forward it as is, do not JSON-parse its data.
 */
export function isCommentOnly(ev: SseEvent): boolean {
  return ev.data === '' && ev.event === undefined && ev.id === undefined && ev.retry === undefined;
}

/** Wire text of one event, ending with the blank line. Data lines are split on '\n'. */
export function serializeSse(ev: SseEvent): string {
  let s = '';
  if (ev.comments) for (const c of ev.comments) s += (c.startsWith(':') ? c : `:${c}`) + '\n';
  if (ev.event !== undefined) s += `event: ${ev.event}\n`;
  if (ev.id !== undefined) s += `id: ${ev.id}\n`;
  if (ev.retry !== undefined) s += `retry: ${ev.retry}\n`;
  if (!(isCommentOnly(ev) && ev.comments && ev.comments.length > 0)) {
    // Any '\r' or '\n' inside data would end the line on the wire; each becomes a new data line.
    for (const line of ev.data.split(/\r\n|\r|\n/)) s += `data: ${line}\n`;
  }
  return s + '\n';
}
