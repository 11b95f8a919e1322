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

/**
 * Maximal runs of `member` characters with minLen ≤ length ≤ maxLen (longer runs are skipped), in
 * text[from, to). With `trailingPad`, up to two '=' after a run count towards its length.
 *
 * A run shorter than `need` members (minLen, less the padding it may take) can never qualify, so
 * the loop probes the character `need - 1` ahead: when that one is not a member, no qualifying run
 * starts before it and the whole stretch is skipped unread. Only around a probe that is a member
 * does it walk back to the run's start and forward to its end. Ordinary code is mostly short
 * words, so this reads a fraction of the characters a plain loop does, with the same result.
 */
export function findRuns(text: string, member: Uint8Array, minLen: number, maxLen: number, trailingPad = false, from = 0, to = text.length): Run[] {
  const out: Run[] = [];
  const n = Math.min(to, text.length);
  const need = Math.max(1, trailingPad ? minLen - 2 : minLen);
  // Invariant: i === from, or text[i - 1] is not a member (i may start a run).
  let i = from;
  for (;;) {
    const probe = i + need - 1;
    if (probe >= n) break;
    const c = text.charCodeAt(probe);
    if (c >= 128 || member[c] !== 1) {
      i = probe + 1;
      continue;
    }
    // Back to the start of the run holding the probe (never before i).
    let start = probe;
    while (start > i) {
      const d = text.charCodeAt(start - 1);
      if (d >= 128 || member[d] !== 1) break;
      start--;
    }
    // Forward to its end.
    let e = probe + 1;
    while (e < n) {
      const d = text.charCodeAt(e);
      if (d >= 128 || member[d] !== 1) break;
      e++;
    }
    if (e - start < need) {
      // Too short even with padding; text[e] (if any) is not a member.
      i = e + 1;
      continue;
    }
    let end = e;
    if (trailingPad) while (end < n && end - e < 2 && text.charCodeAt(end) === 61) end++;
    const len = end - start;
    if (len >= minLen && len <= maxLen) out.push({ start, end });
    i = end > e ? end : e + 1;
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
