// Placeholder cues must not fire on genuinely random values: a random string often holds a 3-character
// run or a short sequence ("abc", "123"), so the repeat/sequence/period cues need long runs. Seeded
// PRNG, so the rates are reproducible.
import { describe, expect, it } from 'vitest';
import { placeholderSignals } from '../../src/detect/context/placeholder.js';
import { rngFor } from '../../scripts/packs/lib.js';

const rng = (seed: number): (() => number) => rngFor(`placeholder-cues-${seed}`);

const ALPHABETS: Record<string, string> = {
  base62: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  lower: 'abcdefghijklmnopqrstuvwxyz0123456789',
  digits: '0123456789',
};
const SHAPE_CUES = ['placeholder:repeated', 'placeholder:sequential', 'placeholder:periodic', 'placeholder:few-chars'];

describe('placeholder cues on random values', () => {
  it('repeat / sequence / period / few-chars fire on under 1% of random values of any length 6..100', () => {
    const next = rng(20261204);
    const worst: string[] = [];
    for (const [name, chars] of Object.entries(ALPHABETS))
      for (const n of [6, 7, 8, 10, 12, 16, 24, 32, 40, 64, 100]) {
        let hits = 0;
        const N = 3000;
        for (let i = 0; i < N; i++) {
          let v = '';
          for (let k = 0; k < n; k++) v += chars[Math.floor(next() * chars.length)];
          if (placeholderSignals({ value: v, body: v }).some((x) => SHAPE_CUES.includes(x))) hits++;
        }
        if (hits / N >= 0.01) worst.push(`${name} ${n}: ${((hits / N) * 100).toFixed(2)}%`);
      }
    expect(worst).toEqual([]);
  });

  it('still fires on typed fills', () => {
    for (const v of ['aaaaaaaaaaaaaaaa', '1234567890abcdef', 'abcabcabcabcabc', 'xyxyxyxyxyxyxy', '0000-1111-0000-1111', '1111222233334444'])
      expect(placeholderSignals({ value: v, body: v }).some((x) => SHAPE_CUES.includes(x)), v).toBe(true);
  });
});
