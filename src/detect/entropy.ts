// Shannon entropy (bits per character) and charset shape of a candidate value.

/** Shannon entropy of `s` in bits per character (0 for the empty string). */
export function shannonEntropy(s: string): number {
  return shannonEntropyRange(s, 0, s.length);
}

/** shannonEntropy(text.slice(start, end)), without the slice (same arithmetic, same result). */
export function shannonEntropyRange(text: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return 0;
  // ASCII counts in a reused typed array; anything else in a Map (rare in candidates).
  const counts = ASCII_COUNTS;
  const touched: number[] = [];
  let other: Map<number, number> | undefined;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (counts[c] === 0) touched.push(c);
      counts[c] = (counts[c] ?? 0) + 1;
    } else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let h = 0;
  for (const c of touched) {
    const p = (counts[c] ?? 0) / n;
    h -= p * Math.log2(p);
    counts[c] = 0;
  }
  if (other) {
    for (const k of other.values()) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/** Does text[start, end) hold at least one ASCII digit and one ASCII letter? (shapeOf's digit / lower + upper.) */
export function hasDigitAndLetter(text: string, start: number, end: number): boolean {
  let digit = false;
  let letter = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digit = true;
    else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) letter = true;
    else continue;
    if (digit && letter) return true;
  }
  return false;
}

const ASCII_COUNTS = new Int32Array(128);

/** Character-class makeup, used by the context rules. */
export interface Shape {
  lower: number;
  upper: number;
  digit: number;
  other: number;
  distinct: number;
}

export function shapeOf(s: string): Shape {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  let distinct = 0;
  const seen = SEEN;
  seen.fill(0);
  let extra: Set<number> | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if (seen[c] === 0) {
        seen[c] = 1;
        distinct++;
      }
    } else {
      extra ??= new Set();
      if (!extra.has(c)) {
        extra.add(c);
        distinct++;
      }
    }
    if (c >= 97 && c <= 122) lower++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 48 && c <= 57) digit++;
    else other++;
  }
  return { lower, upper, digit, other, distinct };
}

const SEEN = new Uint8Array(128);

/**
 * Entropy a random string of length n over an alphabet of size k would be expected to reach,
 * roughly: short strings cannot reach log2(k). Used to judge "random enough" fairly for short values.
 */
export function expectedRandomEntropy(n: number, k: number): number {
  if (n <= 1) return 0;
  // Expected distinct symbols when drawing n from k, and a uniform spread over them.
  const distinct = k * (1 - Math.pow(1 - 1 / k, n));
  return Math.log2(Math.max(1, distinct)) * 0.97;
}
