// Nested encodings in text: base64 blobs, URL-encoding (%xx) and \uXXXX / \xXX escapes. Only runs
// that look encoded are decoded, each decoded layer is scanned by the same rules, and findings in
// it map back to the span of the encoded run in the original text. Bounded by depth and size.
import { compileInternal, type EncodedText } from './regex.js';

export type Encoding = 'base64' | 'url' | 'escape';

export interface EncodedRun {
  start: number;
  end: number;
  encoding: Encoding;
  decoded: string;
}

const B64_RUN = compileInternal('[A-Za-z0-9+/_-]{24,}={0,2}');
const URL_RUN = compileInternal('[^\\s"\'<>`]*%[0-9A-Fa-f]{2}[^\\s"\'<>`]*');
const ESC_RUN = compileInternal('[^\\s"\'`]*\\\\(?:u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2})[^\\s"\'`]*');

const MAX_RUNS = 64;
const MAX_RUN_CHARS = 64 * 1024;

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

function decodeBase64(run: string): string | undefined {
  const t = run.replace(/=+$/, '');
  // A real base64 blob mixes cases and digits; plain identifiers do not.
  if (!/[A-Z]/.test(t) || !/[a-z]/.test(t) || t.length % 4 === 1) return undefined;
  const norm = t.replace(/-/g, '+').replace(/_/g, '/');
  const out = Buffer.from(norm, 'base64').toString('utf8');
  return printable(out) ? out : undefined;
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
export function findEncodedRuns(enc: EncodedText): EncodedRun[] {
  const out: EncodedRun[] = [];
  const text = enc.text;
  const add = (encoding: Encoding, decode: (s: string) => string | undefined, ms: { start: number; end: number }[]): void => {
    for (const m of ms) {
      if (out.length >= MAX_RUNS) return;
      if (m.end - m.start > MAX_RUN_CHARS) continue;
      const decoded = decode(text.slice(m.start, m.end));
      if (decoded !== undefined) out.push({ start: m.start, end: m.end, encoding, decoded });
    }
  };
  add('base64', decodeBase64, B64_RUN.matchAll(enc, MAX_RUNS * 4));
  if (text.includes('%')) add('url', decodeUrl, URL_RUN.matchAll(enc, MAX_RUNS));
  if (text.includes('\\')) add('escape', decodeEscapes, ESC_RUN.matchAll(enc, MAX_RUNS));
  return out;
}
