// The engine's fast paths must give exactly what the plain versions give: each one is checked
// against a straightforward reference implementation on seeded random inputs built to hit its edge
// cases (runs at range ends, '=' padding, surrogates, CRLF, lines longer than the local walk,
// control bytes in decoded base64, keywords in any case and in UTF-8).
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../scripts/packs/lib.js';
import { findEncodedRuns } from '../../src/detect/decode.js';
import { hasDigitAndLetter, shannonEntropy, shannonEntropyRange, shapeOf } from '../../src/detect/entropy.js';
import { gateFor } from '../../src/detect/gates.js';
import { lineIndex } from '../../src/detect/lines.js';
import { compileKeywordScanner } from '../../src/detect/prefilter.js';
import { encodeText } from '../../src/detect/regex.js';
import { CHARSET_TABLES, findRuns, type Run } from '../../src/detect/runs.js';

const rng = (name: string): (() => number) => rngFor(`fast-paths-${name}`);

function pick(next: () => number, parts: readonly string[], n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += parts[Math.floor(next() * parts.length)];
  return s;
}

/** The plain loop findRuns replaced: every character read once. */
function refRuns(text: string, member: Uint8Array, minLen: number, maxLen: number, trailingPad: boolean): Run[] {
  const out: Run[] = [];
  let i = 0;
  const isMember = (c: number): boolean => c < 128 && member[c] === 1;
  while (i < text.length) {
    if (!isMember(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isMember(text.charCodeAt(i))) i++;
    let end = i;
    if (trailingPad) while (end < text.length && end - i < 2 && text.charCodeAt(end) === 61) end++;
    if (end - start >= minLen && end - start <= maxLen) out.push({ start, end });
    i = Math.max(end, i);
  }
  return out;
}

describe('findRuns', () => {
  it('equals the plain loop for every charset, length bound, padding and sub-range', () => {
    const next = rng('runs');
    const parts = ['a', 'Z', '9', '+', '/', '_', '-', '=', '==', '===', ' ', '.', 'é', '\n', 'abcdefghij', 'QUtJQUFCQ0RFRkdI', 'f00d'];
    for (let t = 0; t < 1500; t++) {
      const text = pick(next, parts, 1 + Math.floor(next() * 60));
      for (const cs of ['base64', 'hex', 'alnum'] as const) {
        const minLen = 1 + Math.floor(next() * 24);
        const maxLen = minLen + Math.floor(next() * 40);
        const pad = next() < 0.5;
        expect(findRuns(text, CHARSET_TABLES[cs], minLen, maxLen, pad)).toEqual(refRuns(text, CHARSET_TABLES[cs], minLen, maxLen, pad));
        const from = Math.floor(next() * text.length);
        const to = from + Math.floor(next() * (text.length - from + 1));
        const sub = refRuns(text.slice(from, to), CHARSET_TABLES[cs], minLen, maxLen, false).map((r) => ({ start: r.start + from, end: r.end + from }));
        expect(findRuns(text, CHARSET_TABLES[cs], minLen, maxLen, false, from, to)).toEqual(sub);
      }
    }
  });
});

describe('keyword scanner', () => {
  it('reports exactly the case-insensitive occurrences of every keyword (UTF-8 byte offsets)', () => {
    const next = rng('keywords');
    const keywords = ['ac', 'sk', 'key', 'api_key', 'token', 'x_', '--', '0.', '://', ' -p ', 'hasło', 'пароль', '密码', 'pass', 'password', 'asso'];
    const scanner = compileKeywordScanner(keywords);
    const parts = [...keywords, ...keywords.map((k) => k.toUpperCase()), 'a', 'c', 'S', 'K', '-', ' ', 'é', 'П', '码', '\n', 'Ac', 'pAsSwOrD'];
    for (let t = 0; t < 400; t++) {
      const text = pick(next, parts, 1 + Math.floor(next() * 50));
      const buf = Buffer.from(text);
      const got: number[][] = [];
      scanner.scan(buf, (s, e, k) => got.push([s, e, k]));
      const want: number[][] = [];
      // ASCII letters fold; every other byte (UTF-8 included) must match exactly.
      const low = Buffer.from(buf.map((c) => (c >= 65 && c <= 90 ? c + 32 : c)));
      keywords.forEach((kw, k) => {
        const kb = Buffer.from(kw.toLowerCase());
        for (let i = low.indexOf(kb); i !== -1; i = low.indexOf(kb, i + 1)) want.push([i, i + kb.length, k]);
      });
      const key = (h: number[]): string => h.join(',');
      expect(got.map(key).sort()).toEqual(want.map(key).sort());
      // Hits come in order of their end offset.
      for (let i = 1; i < got.length; i++) expect((got[i] as number[])[1]).toBeGreaterThanOrEqual((got[i - 1] as number[])[1] as number);
    }
  });
});

describe('lineIndex', () => {
  it('lineBounds and position equal a full line index, in and out of order, on short and very long lines', () => {
    const next = rng('lines');
    const parts = ['x', 'yy', ' ', '\n', '\r\n', '\r', 'é'];
    for (let t = 0; t < 300; t++) {
      const long = next() < 0.2 ? 'L'.repeat(2000 + Math.floor(next() * 3000)) : '';
      const text = pick(next, parts, Math.floor(next() * 40)) + long + pick(next, parts, Math.floor(next() * 40));
      const starts = [0];
      for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
      const ref = (o: number): { line: number; column: number; bounds: [number, number] } => {
        let l = 0;
        while (l + 1 < starts.length && (starts[l + 1] as number) <= o) l++;
        const s = starts[l] as number;
        let e = l + 1 < starts.length ? (starts[l + 1] as number) - 1 : text.length;
        if (e > s && text[e - 1] === '\r') e--;
        return { line: l + 1, column: o - s + 1, bounds: [s, e] };
      };
      const offsets = Array.from({ length: 12 }, () => Math.floor(next() * (text.length + 1)));
      if (next() < 0.5) offsets.sort((a, b) => a - b);
      const idx = lineIndex(text);
      for (const o of offsets) {
        const r = ref(o);
        if (next() < 0.5) expect(idx.lineBounds(o)).toEqual(r.bounds);
        expect(idx.position(o)).toEqual({ line: r.line, column: r.column });
        expect(idx.lineBounds(o)).toEqual(r.bounds);
      }
    }
  });
});

describe('entropy in place', () => {
  it('shannonEntropyRange equals shannonEntropy of the slice bit for bit; hasDigitAndLetter equals the shape test', () => {
    const next = rng('entropy');
    const parts = ['a', 'B', '7', '+', '_', 'é', '😀', 'xyz', '0000'];
    for (let t = 0; t < 2000; t++) {
      const text = pick(next, parts, Math.floor(next() * 30));
      const a = Math.floor(next() * (text.length + 1));
      const b = a + Math.floor(next() * (text.length - a + 1));
      const v = text.slice(a, b);
      expect(Object.is(shannonEntropyRange(text, a, b), shannonEntropy(v))).toBe(true);
      const sh = shapeOf(v);
      expect(hasDigitAndLetter(text, a, b)).toBe(sh.digit > 0 && sh.lower + sh.upper > 0);
    }
  });
});

describe('byte -> UTF-16 offsets', () => {
  it('toUtf16 maps every byte to the start of its code point, surrogate pairs and lone surrogates included', () => {
    const next = rng('utf16');
    const parts = ['a', 'é', '€', '😀', '\ud800', '\udc00', 'abc', '\n'];
    for (let t = 0; t < 300; t++) {
      const text = pick(next, parts, Math.floor(next() * (next() < 0.2 ? 400 : 40)));
      const enc = encodeText(text);
      const want: number[] = [];
      for (let i = 0; i < text.length; i++) {
        const cp = text.codePointAt(i) as number;
        const isPair = cp > 0xffff;
        const n = Buffer.byteLength(isPair ? text.slice(i, i + 2) : text[i] as string);
        for (let k = 0; k < n; k++) want.push(i);
        if (isPair) i++;
      }
      want.push(text.length);
      expect(want.length).toBe(enc.buf.length + 1);
      // Asked in random order, and past the end.
      const order = want.map((_, b) => b).sort(() => next() - 0.5);
      for (const b of order) expect(enc.toUtf16(b)).toBe(want[b]);
      // Past the end: the text length (an all-ASCII text maps offsets 1:1, as before).
      if (enc.buf.length !== text.length) expect(enc.toUtf16(enc.buf.length + 5)).toBe(text.length);
    }
  });
});

describe('decoding base64 runs', () => {
  // The decoder as it was before the byte pre-check.
  function refDecode(run: string): string | undefined {
    const t = run.replace(/=+$/, '');
    if (!/[A-Z]/.test(t) || !/[a-z]/.test(t) || t.length % 4 === 1) return undefined;
    const out = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    let bad = 0;
    for (let i = 0; i < out.length; i++) {
      const c = out.charCodeAt(i);
      if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
    }
    return out.length >= 8 && bad <= out.length * 0.02 ? out : undefined;
  }
  it('keeps exactly the runs the plain decoder keeps, for text, near-text and random bytes', () => {
    const next = rng('base64');
    for (let t = 0; t < 3000; t++) {
      const n = 6 + Math.floor(next() * 120);
      const bytes = Buffer.alloc(n);
      const mode = t % 4;
      for (let i = 0; i < n; i++) {
        const r = next();
        // printable ASCII, a little noise, UTF-8 text, or anything
        bytes[i] = mode === 0 ? 32 + Math.floor(r * 95) : mode === 1 ? (r < 0.03 ? Math.floor(next() * 256) : 97 + Math.floor(next() * 26)) : mode === 2 ? (r < 0.5 ? 0x41 + Math.floor(next() * 26) : 0) : Math.floor(r * 256);
      }
      const src = mode === 2 ? Buffer.from('Zürich ключ 鍵 '.repeat(1 + (n % 5)) + String(t)) : bytes;
      const run = src.toString(next() < 0.5 ? 'base64' : 'base64url');
      const text = `x = "${run}"`;
      const got = findEncodedRuns(encodeText(text)).filter((r) => r.encoding === 'base64');
      const runs = findRuns(text, CHARSET_TABLES.base64, 24, Number.MAX_SAFE_INTEGER, true);
      const want = runs.flatMap((r) => {
        const d = refDecode(text.slice(r.start, r.end));
        return d === undefined ? [] : [{ start: r.start, end: r.end, encoding: 'base64', decoded: d }];
      });
      expect(got).toEqual(want);
    }
  });
});

describe('assignment gate scheme check', () => {
  // A key-name detector whose value must be a 32-character run: Bearer/Basic/token schemes pass the
  // gate whatever follows, in any case, when followed by a space character (Latin-1 \s, NBSP too).
  const source = String.raw`(?i)[\w.-]*token[\w.-]*\s{0,3}[:=]\s{0,3}["']?(?<secret>[A-Za-z0-9]{32})`;
  const gate = gateFor(source, 'token');
  const at = (s: string, enc: BufferEncoding = 'latin1'): boolean => {
    const buf = Buffer.from(s, enc);
    return gate ? gate(buf, buf.indexOf('token')) : true;
  };
  it('passes schemes followed by a space byte, and values of the class', () => {
    expect(gate).toBeDefined();
    for (const s of ['token = Bearer x', 'token: BASIC\tx', 'token=token\u00a0x', 'token: bEaReR\nx', `token = "${'a'.repeat(32)}"`, "token = r'" + 'Z'.repeat(32)]) expect(at(s)).toBe(true);
  });
  it('rejects schemes without a following space and short values', () => {
    for (const s of ['token = Bearerx', 'token = Basic', 'token = tokens x', 'token = abc', 'token = Bear er x', 'token = Bearer\u0085x']) expect(at(s)).toBe(false);
  });
});
