// Near-duplicate removal: MinHash over character 5-gram shingles with LSH banding. Two examples
// whose windows share most shingles (Jaccard ≳ 0.8: 6 bands of 8 rows catch 0.8 at ~75%, 0.6 at ~10%) land in a common bucket; the later one goes.
import { fnv1a } from './rng.js';

const HASHES = 48;
const BANDS = 6;
const ROWS = HASHES / BANDS;
const SEEDS = Array.from({ length: HASHES }, (_, i) => [(Math.imul(i + 1, 0x9e3779b1) | 1) >>> 0, Math.imul(i + 7, 0x85ebca6b) >>> 0] as const);

function signature(text: string): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  const n = Math.max(1, text.length - 4);
  for (let i = 0; i < n; i++) {
    const x = fnv1a(text.slice(i, i + 5));
    for (let h = 0; h < HASHES; h++) {
      const s = SEEDS[h]!;
      const v = (Math.imul(x ^ s[1], s[0]) ^ (x >>> 13)) >>> 0;
      if (v < sig[h]!) sig[h] = v;
    }
  }
  return sig;
}

export class NearDupFilter {
  private readonly buckets = new Set<string>();
  removed = 0;

  /** True when `text` is new (and remembers it); false for a near-duplicate of an earlier text. */
  admit(text: string): boolean {
    const sig = signature(text);
    const keys: string[] = [];
    let dup = false;
    for (let b = 0; b < BANDS; b++) {
      let k = `${b}`;
      for (let r = 0; r < ROWS; r++) k += `:${sig[b * ROWS + r]}`;
      if (this.buckets.has(k)) dup = true;
      keys.push(k);
    }
    if (dup) {
      this.removed++;
      return false;
    }
    for (const k of keys) this.buckets.add(k);
    return true;
  }
}
