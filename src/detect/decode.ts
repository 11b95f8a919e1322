// Nested encodings in text: base64 blobs, URL-encoding (%xx) and \uXXXX / \xXX escapes. Only runs
// that look encoded are decoded, each decoded layer is scanned by the same rules, and findings in
// it map back to the span of the encoded run in the original text. Bounded by depth and by a
// per-scan budget; nothing is skipped silently: over the budget the scan fails (ScanBudgetError),
// and the guard applies its fail mode (closed by default) instead of forwarding undecoded text.
import { LeakgateError } from '../errors.js';
import type { EncodedText } from './regex.js';
import { base64Runs, type Run } from './runs.js';

export type Encoding = 'base64' | 'url' | 'escape';

export interface EncodedRun {
  start: number;
  end: number;
  encoding: Encoding;
  decoded: string;
}

/** Characters that can sit in a URL-encoded or escaped run (no whitespace, quotes or code punctuation). */
const RUN_CHARS = (() => {
  const t = new Uint8Array(128);
  for (let c = 33; c < 127; c++) t[c] = 1;
  for (const ch of '"\'`<>(){};,') t[ch.charCodeAt(0)] = 0;
  return t;
})();

/** Runs containing `marker` (found with indexOf), expanded to RUN_CHARS boundaries (each side ≤ MAX_SIDE chars). */
function runsAround(text: string, marker: string, starts: (text: string, at: number) => boolean, test: (run: string) => boolean): Run[] {
  const out: Run[] = [];
  let i = text.indexOf(marker);
  let lastEnd = -1;
  while (i !== -1) {
    // Most markers (`\n` in code, `%` in prose) do not start an escape: skip them without building a run.
    if (i >= lastEnd && starts(text, i)) {
      let s = Math.max(i - MAX_SIDE, lastEnd, 0);
      let e = i + 1;
      // Back to the run start (not before the previous run's end: runs never overlap).
      let b = i;
      while (b > s && (RUN_CHARS[text.charCodeAt(b - 1)] ?? 0) === 1) b--;
      s = b;
      while (e < text.length && e - i < MAX_SIDE && (RUN_CHARS[text.charCodeAt(e)] ?? 0) === 1) e++;
      if (test(text.slice(s, e))) out.push({ start: s, end: e });
      lastEnd = e;
    }
    i = text.indexOf(marker, Math.max(i + 1, lastEnd));
  }
  return out;
}

const MAX_SIDE = 4096;
/** Decoded runs per scanned segment (all layers): a floor plus one per 64 characters of input. */
const RUNS_FLOOR = 4096;
const RUNS_PER_CHAR = 1 / 64;
/** A single encoded run longer than this is not decoded: the scan fails instead. */
const MAX_RUN_CHARS = 16 * 1024 * 1024;
/** Decoded text shorter than this cannot hold a credential; not rescanned, not counted. */
const MIN_DECODED = 8;

/** The scan needed more decoding work than its budget allows; the guard's fail mode applies. */
export class ScanBudgetError extends LeakgateError {
  constructor(what: string) {
    super('LG_ERR_SCAN_FAILED', `scan budget exceeded: ${what}`);
  }
}

/** Decoding work left for one top-level segment scan, shared by every nested layer. */
export interface DecodeBudget {
  runs: number;
}

export function decodeBudgetFor(textLength: number): DecodeBudget {
  return { runs: RUNS_FLOOR + Math.ceil(textLength * RUNS_PER_CHAR) };
}

function isHex(text: string, from: number, n: number): boolean {
  if (from + n > text.length) return false;
  for (let k = from; k < from + n; k++) {
    const c = text.charCodeAt(k) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Mostly printable text (so that a random blob decoded as base64 is not rescanned as garbage). */
function printable(s: string): boolean {
  if (s.length < 8) return false;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  return bad <= s.length * 0.02;
}

/**
 * The decoded text of the base64 run text[start, end), or undefined. Read in place: most runs in
 * code are identifiers and hashes that stop at the case test or the unprintable bound, so the run
 * is sliced (and its padding stripped) only when it is actually decoded.
 */
function decodeBase64At(text: string, start: number, end: number): string | undefined {
  let e = end;
  while (e > start && text.charCodeAt(e - 1) === 61) e--;
  const len = e - start;
  // A real base64 blob mixes cases and digits; plain identifiers do not.
  if (len % 4 === 1 || !hasUpperAndLower(text, start, e)) return undefined;
  if (surelyUnprintableBase64(text, start, e)) return undefined;
  const norm = text.slice(start, e).replace(/-/g, '+').replace(/_/g, '/');
  const out = Buffer.from(norm, 'base64').toString('utf8');
  return printable(out) ? out : undefined;
}

/** Does text[start, end) hold an ASCII upper-case and an ASCII lower-case letter? */
function hasUpperAndLower(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else continue;
    if (upper && lower) return true;
  }
  return false;
}

/** Bytes that are a bad character in any UTF-8 decoding: C0 controls (not tab/LF/CR), which always
 * decode to themselves, and bytes that can never start or continue a sequence (C0, C1, F5–FF), each
 * one U+FFFD. */
const ALWAYS_BAD = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 32; c++) if (c !== 9 && c !== 10 && c !== 13) t[c] = 1;
  for (const c of [0xc0, 0xc1]) t[c] = 1;
  for (let c = 0xf5; c <= 0xff; c++) t[c] = 1;
  return t;
})();

/** 6-bit value of each base64 / base64url character (the run alphabet), -1 for anything else. */
const SEXTET = (() => {
  const t = new Int8Array(128).fill(-1);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < abc.length; i++) t[abc.charCodeAt(i)] = i;
  t[43] = t[45] = 62; // + -
  t[47] = t[95] = 63; // / _
  return t;
})();

/**
 * printable() of what text[start, end) (base64 or base64url, no padding, length % 4 !== 1) decodes to is false for
 * sure: read straight from the characters (the same bytes Buffer.from decodes: full groups of four,
 * then 1 or 2 bytes from a last group of 2 or 3), without the native call or the string. The decoded
 * text has at most one character per byte and at least one bad character per ALWAYS_BAD byte, so when
 * those bytes alone exceed 2% of the byte count they exceed 2% of the text. Most base64-alphabet runs
 * in code are identifiers and hashes that decode to noise and stop here; anything else (including a
 * character outside the alphabet) is left to the decoder and printable().
 */
function surelyUnprintableBase64(text: string, start: number, end: number): boolean {
  const len = end - start;
  const n = Math.floor((len * 3) / 4);
  if (n < 8) return true;
  const limit = n * 0.02;
  let bad = 0;
  for (let i = start; i < end; i += 4) {
    const v0 = sextetAt(text, i);
    const v1 = sextetAt(text, i + 1);
    if (v0 < 0 || v1 < 0) return false; // not the alphabet: leave it to the decoder
    if (ALWAYS_BAD[((v0 << 2) | (v1 >> 4)) & 255] === 1 && ++bad > limit) return true;
    if (i + 2 >= end) break;
    const v2 = sextetAt(text, i + 2);
    if (v2 < 0) return false;
    if (ALWAYS_BAD[((v1 << 4) | (v2 >> 2)) & 255] === 1 && ++bad > limit) return true;
    if (i + 3 >= end) break;
    const v3 = sextetAt(text, i + 3);
    if (v3 < 0) return false;
    if (ALWAYS_BAD[((v2 << 6) | v3) & 255] === 1 && ++bad > limit) return true;
  }
  return false;
}

/** SEXTET of text[i] (-1 outside the alphabet). A module function, not a per-call closure. */
function sextetAt(text: string, i: number): number {
  return SEXTET[text.charCodeAt(i)] ?? -1;
}

function decodeUrl(run: string): string | undefined {
  try {
    const out = decodeURIComponent(run.replace(/\+/g, ' '));
    return out !== run ? out : undefined;
  } catch {
    return undefined;
  }
}

function decodeEscapes(run: string): string | undefined {
  const out = run.replace(/\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})/g, (_m, u: string | undefined, x: string | undefined) =>
    String.fromCharCode(parseInt(u ?? x ?? '0', 16)),
  );
  return out !== run ? out : undefined;
}

/** The encoded runs of a text worth decoding, with their decoded text. */
export function findEncodedRuns(enc: EncodedText, budget: DecodeBudget = decodeBudgetFor(enc.text.length)): EncodedRun[] {
  const out: EncodedRun[] = [];
  const text = enc.text;
  const add = (encoding: Encoding, decode: (text: string, start: number, end: number) => string | undefined, ms: { start: number; end: number }[]): void => {
    for (const m of ms) {
      if (m.end - m.start > MAX_RUN_CHARS) throw new ScanBudgetError(`an encoded run of ${m.end - m.start} characters`);
      const decoded = decode(text, m.start, m.end);
      if (decoded === undefined || decoded.length < MIN_DECODED) continue;
      if (--budget.runs < 0) throw new ScanBudgetError('too many encoded runs to decode');
      out.push({ start: m.start, end: m.end, encoding, decoded });
    }
  };
  add('base64', decodeBase64At, base64Runs(enc, 24));
  add('url', (t, a, b) => decodeUrl(t.slice(a, b)), runsAround(text, '%', (t, at) => isHex(t, at + 1, 2), (r) => /%[0-9A-Fa-f]{2}/.test(r)));
  add('escape', (t, a, b) => decodeEscapes(t.slice(a, b)), runsAround(text, '\\', (t, at) => (t[at + 1] === 'u' && isHex(t, at + 2, 4)) || (t[at + 1] === 'x' && isHex(t, at + 2, 2)), (r) => /\\(?:u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2})/.test(r)));
  return out;
}
