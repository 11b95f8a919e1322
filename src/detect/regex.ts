// The one module that touches RE2. Patterns are compiled once (at pack load) and matched on
// Buffers: node-re2 re-encodes a JS string to UTF-8 on every call, so a segment is encoded once
// and every pattern runs on the same Buffer. Byte offsets are mapped back to UTF-16 offsets here,
// so nothing outside this module ever sees a byte offset.
import RE2 from 're2';

/** A segment encoded once for matching. */
export interface EncodedText {
  readonly text: string;
  readonly buf: Buffer;
  /** UTF-16 offset of a UTF-8 byte offset. */
  toUtf16(byteOffset: number): number;
}

export function encodeText(text: string): EncodedText {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length === text.length) {
    // Pure ASCII: byte offsets are UTF-16 offsets.
    return { text, buf, toUtf16: (b) => b };
  }
  let map: Uint32Array | undefined;
  return {
    text,
    buf,
    toUtf16(b: number): number {
      if (map === undefined) map = buildByteMap(text, buf.length);
      return map[Math.max(0, Math.min(b, buf.length))] ?? text.length;
    },
  };
}

/** byte offset -> UTF-16 offset for every byte boundary (bytes inside a code point map to its start). */
function buildByteMap(text: string, byteLength: number): Uint32Array {
  const map = new Uint32Array(byteLength + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let n: number;
    let units = 1;
    if (c < 0x80) n = 1;
    else if (c < 0x800) n = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n = 4;
        units = 2;
      } else n = 3; // lone surrogate: encoded as U+FFFD (3 bytes)
    } else n = 3;
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
    i += units - 1;
  }
  map[byteLength] = text.length;
  return map;
}

/** One match: whole-match and secret-group spans, UTF-16 offsets into the text. */
export interface PatternMatch {
  start: number;
  end: number;
  secretStart: number;
  secretEnd: number;
}

export interface CompiledPattern {
  readonly source: string;
  /** All non-overlapping matches that captured a non-empty secret group. */
  matchAll(enc: EncodedText, limit?: number): PatternMatch[];
  /** Whole-string test (for allow lists and example checks on short strings). */
  test(value: string): boolean;
}

/** Thrown by compilePattern; callers turn it into a coded error naming the pack and path. */
export class PatternError extends Error {}

/**
 * Compile an RE2 pattern. Go/PCRE-style `(?P<name>` is accepted; inline flags like `(?i)` are RE2's own.
 * `requireSecret`: the pattern must define a group named `secret`.
 */
export function compilePattern(source: string, opts: { requireSecret?: boolean; ignoreCase?: boolean } = {}): CompiledPattern {
  const normalised = source.replace(/\(\?P</g, '(?<');
  let re: RE2;
  try {
    re = new RE2(normalised, opts.ignoreCase ? 'gdi' : 'gd');
  } catch (err) {
    throw new PatternError(`does not compile in RE2: ${(err as Error).message}`);
  }
  if (opts.requireSecret && !/\(\?<secret>/.test(normalised)) throw new PatternError('needs a named group (?<secret>…)');
  let testRe: RE2 | undefined;
  return {
    source: normalised,
    matchAll(enc: EncodedText, limit = 10_000): PatternMatch[] {
      const out: PatternMatch[] = [];
      re.lastIndex = 0;
      const buf = enc.buf;
      for (let n = 0; n < limit; n++) {
        const m = re.exec(buf);
        if (m === null) break;
        const idx = m.indices;
        const whole = idx?.[0];
        if (!whole) break;
        if (whole[1] === whole[0]) re.lastIndex = whole[1] + 1; // empty match: step past it
        const sec = idx.groups?.['secret'] ?? whole;
        if (sec === undefined || sec[1] <= sec[0]) continue;
        out.push({
          start: enc.toUtf16(whole[0]),
          end: enc.toUtf16(whole[1]),
          secretStart: enc.toUtf16(sec[0]),
          secretEnd: enc.toUtf16(sec[1]),
        });
      }
      re.lastIndex = 0;
      return out;
    },
    test(value: string): boolean {
      if (testRe === undefined) testRe = new RE2(normalised, opts.ignoreCase ? 'i' : '');
      return testRe.test(value);
    },
  };
}

/** A multi-literal prefilter: one pass over the Buffer reports which literals occur (case-insensitive). */
export interface LiteralSet {
  readonly size: number;
  /** Indices (into the literal list) of the literals that occur in the text. */
  match(enc: EncodedText): number[];
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`);
}

export function compileLiteralSet(literals: readonly string[]): LiteralSet {
  if (literals.length === 0) return { size: 0, match: () => [] };
  const set = new RE2.Set(literals.map(escapeLiteral), 'i');
  return {
    size: literals.length,
    match: (enc) => set.match(enc.buf),
  };
}

/** Built-in (non-pack) patterns the engine itself needs, compiled once through this module. */
export function compileInternal(source: string, ignoreCase = false): CompiledPattern {
  return compilePattern(source, { ignoreCase });
}
