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
  /** UTF-8 byte offset of a UTF-16 offset. */
  toByte(utf16Offset: number): number;
}

export function encodeText(text: string): EncodedText {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length === text.length) {
    // Pure ASCII: byte offsets are UTF-16 offsets.
    return { text, buf, toUtf16: (b) => b, toByte: (u) => u };
  }
  let byteMap: ((b: number) => number) | undefined;
  let rev: Uint32Array | undefined;
  return {
    text,
    buf,
    toByte(u: number): number {
      if (rev === undefined) {
        rev = new Uint32Array(text.length + 1);
        let b = 0;
        for (let i = 0; i < text.length; i++) {
          rev[i] = b;
          const c = text.charCodeAt(i);
          if (c < 0x80) b += 1;
          else if (c < 0x800) b += 2;
          else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            rev[i + 1] = b;
            b += 4;
            i++;
          } else b += 3;
        }
        rev[text.length] = b;
      }
      return rev[Math.max(0, Math.min(u, text.length))] ?? buf.length;
    },
    toUtf16(b: number): number {
      byteMap ??= createByteMap(text, buf);
      return byteMap(Math.max(0, Math.min(b, buf.length)));
    },
  };
}

const BLOCK_BITS = 6;

/** UTF-16 units a UTF-8 byte starts: 0 for a continuation byte, 2 for a 4-byte lead (a surrogate pair), else 1. */
const UNITS = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = (c & 0xc0) === 0x80 ? 0 : c >= 0xf0 ? 2 : 1;
  return t;
})();

/**
 * byte offset -> UTF-16 offset (a byte inside a code point maps to its start; byteLength maps to
 * text.length). `buf` is Buffer.from(text), always well-formed UTF-8 (a lone surrogate became
 * EF BF BD, one unit), so the UTF-16 offset of a code point's first byte is the sum of UNITS over
 * the bytes before it. Built lazily and sparsely: one checkpoint (that sum) per 64-byte block,
 * filled only as far as the highest offset asked for, then a walk of at most one block. Most
 * segments with matches are ASCII apart from a few characters, and most matches lie in a few
 * windows: a full per-byte map cost a pass and 4 bytes per byte of every such segment.
 */
function createByteMap(text: string, buf: Uint8Array): (b: number) => number {
  const byteLength = buf.length;
  const blocks = (byteLength >> BLOCK_BITS) + 1;
  const cp = new Uint32Array(blocks);
  let filled = 1; // checkpoints [0, filled) are set; cp[0] = 0
  return (b: number): number => {
    if (b >= byteLength) return text.length;
    while (b > 0 && ((buf[b] as number) & 0xc0) === 0x80) b--;
    const k = b >> BLOCK_BITS;
    for (; filled <= k; filled++) {
      let u = cp[filled - 1] as number;
      const to = filled << BLOCK_BITS;
      for (let q = to - (1 << BLOCK_BITS); q < to; q++) u += UNITS[buf[q] as number] as number;
      cp[filled] = u;
    }
    let u = cp[k] as number;
    for (let q = k << BLOCK_BITS; q < b; q++) u += UNITS[buf[q] as number] as number;
    return u;
  };
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
  /** Matches inside the byte window [byteStart, byteEnd) of the encoded text (offsets still text-relative). */
  matchWindow(enc: EncodedText, byteStart: number, byteEnd: number, limit?: number): PatternMatch[];
  /**
   * The match that starts exactly at byte `at` when the text is the byte window [byteStart, byteEnd)
   * (RE2 anchored at `at`, the window before it as context: what a scan of the window would find
   * there if its previous match ended at or before `at`), or undefined. `end` of the result is a
   * UTF-16 offset; `byteEnd` (whole match end) is returned for the caller's next anchor.
   */
  matchAt(enc: EncodedText, byteStart: number, byteEnd: number, at: number): { match: PatternMatch | undefined; byteEnd: number } | undefined;
  /** Whole-string test (for allow lists and example checks on short strings). */
  test(value: string): boolean;
}

/** Thrown by compilePattern; callers turn it into a coded error naming the pack and path. */
export class PatternError extends Error {}

/**
 * The pattern with every group made non-capturing, and whether the `secret` group is the whole
 * match (only zero-width `\b`, `^`, `$` or inline flags outside it). Why: RE2 finds match bounds
 * with its DFA (forward, then reverse for the start) when no group is asked for, but needs its
 * NFA for group offsets: ~1 µs per byte of match, so a 1 MB key block cost ~1 s with the group and
 * ~7 ms without. When the secret is the whole match, the group is not needed at all.
 */
export function withoutCaptures(source: string): { stripped: string; secretIsWhole: boolean } {
  let out = '';
  let inClass = false;
  let depth = 0;
  let secretDepth = -1;
  let secretOpen = -1;
  let secretClose = -1;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading ']' (or '^]') is a literal member, not the end of the class.
      if (source[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (source[i + 1] === ']') {
        out += ']';
        i++;
      }
      continue;
    }
    if (c === '(') {
      depth++;
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(source.slice(i));
      if (named) {
        if (named[1] === 'secret' && secretOpen === -1) {
          secretOpen = i;
          secretDepth = depth;
        }
        out += '(?:';
        i += named[0].length - 1;
      } else if (source[i + 1] === '?') out += '(';
      else out += '(?:';
      continue;
    }
    if (c === ')') {
      if (depth === secretDepth && secretClose === -1) secretClose = i;
      depth--;
      out += c;
      continue;
    }
    out += c;
  }
  const zeroWidth = /^(?:\\b|\^|\$|\(\?[a-z]+\))*$/;
  const secretIsWhole =
    secretOpen !== -1 && secretClose !== -1 && zeroWidth.test(source.slice(0, secretOpen)) && zeroWidth.test(source.slice(secretClose + 1));
  return { stripped: out, secretIsWhole };
}

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
  // Sticky twins for matchAt, compiled on first use.
  let sticky: RE2 | undefined;
  let stickyBare: RE2 | undefined;
  const { stripped, secretIsWhole } = withoutCaptures(normalised);
  // Whole-match secrets need no group offsets: match bounds come from RE2's DFA (see withoutCaptures).
  let bare: RE2 | undefined;
  if (secretIsWhole) {
    try {
      bare = new RE2(stripped, opts.ignoreCase ? 'gi' : 'g');
    } catch {
      bare = undefined;
    }
  }
  function runBare(r: RE2, enc: EncodedText, buf: Buffer, base: number, limit: number): PatternMatch[] {
    const out: PatternMatch[] = [];
    r.lastIndex = 0;
    for (let n = 0; n < limit; n++) {
      const m = r.exec(buf);
      if (m === null) break;
      const len = m[0].length;
      if (len === 0) {
        r.lastIndex = m.index + 1;
        continue;
      }
      const start = enc.toUtf16(base + m.index);
      const end = enc.toUtf16(base + m.index + len);
      out.push({ start, end, secretStart: start, secretEnd: end });
    }
    r.lastIndex = 0;
    return out;
  }
  function run(enc: EncodedText, buf: Buffer, base: number, limit: number): PatternMatch[] {
    if (bare !== undefined) return runBare(bare, enc, buf, base, limit);
    const out: PatternMatch[] = [];
    re.lastIndex = 0;
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
        start: enc.toUtf16(base + whole[0]),
        end: enc.toUtf16(base + whole[1]),
        secretStart: enc.toUtf16(base + sec[0]),
        secretEnd: enc.toUtf16(base + sec[1]),
      });
    }
    re.lastIndex = 0;
    return out;
  }
  return {
    source: normalised,
    matchAll(enc: EncodedText, limit = 10_000): PatternMatch[] {
      return run(enc, enc.buf, 0, limit);
    },
    matchWindow(enc: EncodedText, byteStart: number, byteEnd: number, limit = 10_000): PatternMatch[] {
      if (byteStart <= 0 && byteEnd >= enc.buf.length) return run(enc, enc.buf, 0, limit);
      return run(enc, enc.buf.subarray(byteStart, byteEnd), byteStart, limit);
    },
    matchAt(enc: EncodedText, byteStart: number, byteEnd: number, at: number) {
      const whole = byteStart <= 0 && byteEnd >= enc.buf.length;
      const sub = whole ? enc.buf : enc.buf.subarray(byteStart, byteEnd);
      const base = whole ? 0 : byteStart;
      if (bare !== undefined) {
        stickyBare ??= new RE2(stripped, opts.ignoreCase ? 'yi' : 'y');
        stickyBare.lastIndex = at - base;
        const m = stickyBare.exec(sub);
        stickyBare.lastIndex = 0;
        if (m === null) return undefined;
        const len = m[0].length;
        const start = enc.toUtf16(base + m.index);
        const end = enc.toUtf16(base + m.index + len);
        return { match: len === 0 ? undefined : { start, end, secretStart: start, secretEnd: end }, byteEnd: base + m.index + len };
      }
      sticky ??= new RE2(normalised, opts.ignoreCase ? 'ydi' : 'yd');
      sticky.lastIndex = at - base;
      const m = sticky.exec(sub);
      sticky.lastIndex = 0;
      const all = m?.indices?.[0];
      if (!m || !all) return undefined;
      const sec = m.indices?.groups?.['secret'] ?? all;
      const match =
        sec === undefined || sec[1] <= sec[0]
          ? undefined
          : { start: enc.toUtf16(base + all[0]), end: enc.toUtf16(base + all[1]), secretStart: enc.toUtf16(base + sec[0]), secretEnd: enc.toUtf16(base + sec[1]) };
      return { match, byteEnd: base + all[1] };
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

/** One keyword occurrence: byte span and the literal indices it proves present. */
export interface LiteralHit {
  byteStart: number;
  byteEnd: number;
  literals: readonly number[];
}

/**
 * Positions of the literals in one pass (a single case-insensitive alternation, run as a DFA).
 * A hit also reports every literal contained in the matched one ("api_key" proves "key").
 */
export interface LiteralScanner {
  scan(enc: EncodedText, maxHits?: number): LiteralHit[];
}

export function compileLiteralScanner(literals: readonly string[]): LiteralScanner {
  if (literals.length === 0) return { scan: () => [] };
  // Longest first so the alternation prefers the most specific literal at a position.
  const order = [...literals.keys()].sort((a, b) => (literals[b]?.length ?? 0) - (literals[a]?.length ?? 0));
  const re = new RE2(order.map((i) => escapeLiteral(literals[i] ?? '')).join('|'), 'gi');
  const byText = new Map<string, number[]>();
  literals.forEach((l, i) => {
    const contained: number[] = [];
    literals.forEach((o, j) => {
      if (l.includes(o)) contained.push(j);
    });
    byText.set(l.toLowerCase(), contained);
  });
  return {
    scan(enc, maxHits = 1_000_000) {
      const out: LiteralHit[] = [];
      re.lastIndex = 0;
      for (let n = 0; n < maxHits; n++) {
        const m = re.exec(enc.buf);
        if (m === null) break;
        const b = m[0];
        const key = b.toString('utf8').toLowerCase();
        out.push({ byteStart: m.index, byteEnd: m.index + b.length, literals: byText.get(key) ?? [] });
      }
      re.lastIndex = 0;
      return out;
    },
  };
}

/** Built-in (non-pack) patterns the engine itself needs, compiled once through this module. */
export function compileInternal(source: string, ignoreCase = false): CompiledPattern {
  return compilePattern(source, { ignoreCase });
}
