// Shannon entropy (bits per character) and charset shape of a candidate value.

/** Shannon entropy of `s` in bits per character (0 for the empty string). */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

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
  const seen = new Set<number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    seen.add(c);
    if (c >= 97 && c <= 122) lower++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 48 && c <= 57) digit++;
    else other++;
  }
  return { lower, upper, digit, other, distinct: seen.size };
}

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
