// Maximal runs of one character class, found by a plain loop over the string. Used for the
// entropy candidates and for locating encoded blobs: such runs are frequent in ordinary code, and a
// regex exec per run costs tens of microseconds in node-re2, a table lookup per character does not.

export type Charset = 'base64' | 'hex' | 'alnum';

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const CHARSET_TABLES: Record<Charset, Uint8Array> = {
  base64: table(`${ALNUM}+/_-`),
  hex: table('0123456789abcdefABCDEF'),
  alnum: table(ALNUM),
};

export interface Run {
  start: number;
  end: number;
}

/** Maximal runs of `member` characters with minLen ≤ length ≤ maxLen (longer runs are skipped). */
export function findRuns(text: string, member: Uint8Array, minLen: number, maxLen: number, trailingPad = false): Run[] {
  const out: Run[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || member[c] !== 1) {
      i++;
      continue;
    }
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d >= 128 || member[d] !== 1) break;
      i++;
    }
    let end = i;
    if (trailingPad) while (end < n && end - i < 2 && text.charCodeAt(end) === 61) end++;
    const len = end - start;
    if (len >= minLen && len <= maxLen) out.push({ start, end });
    i = end > i ? end : i;
  }
  return out;
}

const BASE64_MIN = 16;
const base64Cache = new WeakMap<object, Run[]>();

/**
 * Base64-alphabet runs (with trailing '=' padding) of at least 16 characters, computed once per
 * encoded segment: the entropy candidates and the decoder both need them.
 */
export function base64Runs(enc: { readonly text: string }, minLen: number): Run[] {
  let runs = base64Cache.get(enc);
  if (runs === undefined) {
    runs = findRuns(enc.text, CHARSET_TABLES.base64, BASE64_MIN, Number.MAX_SAFE_INTEGER, true);
    base64Cache.set(enc, runs);
  }
  return minLen <= BASE64_MIN ? runs : runs.filter((r) => r.end - r.start >= minLen);
}
