// Detectors whose secret opens with an exact literal (or a choice of literals, sk_(?:live|test)_) run anchored at the keyword hits instead of
// scanning whole windows (candidates.ts, gates.ts anchoredHead). On one-line texts every window is
// the whole text, so their candidates must be exactly the matches of a plain scan of the text:
// checked on seeded random lines built from the packs' own examples, glued with ASCII and
// non-ASCII neighbours (a one-character head takes a whole code point), repeated and overlapping.
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../scripts/packs/lib.js';
import { createCandidateFinder } from '../../src/detect/candidates.js';
import { anchoredCovers } from '../../src/detect/gates.js';
import { loadPacks } from '../../src/detect/packs/load.js';
import { encodeText } from '../../src/detect/regex.js';

const packs = loadPacks([]);
const finder = createCandidateFinder(packs);
const detectors = packs.flatMap((p) => p.detectors);
const anchored = detectors.filter((d) => anchoredCovers(d.pattern.source, d.spec.keywords));
const GLUE = [' ', '', '"', "'", '=', ':', 'ß', '密', '😀', 'x', '_', '-', '.', '/', '\t', '(', 'é '];

describe('anchored literal detectors', () => {
  it('covers many provider detectors', () => {
    expect(anchored.length).toBeGreaterThan(150);
    for (const id of ['stripe-secret-key', 'aws-access-key-id', 'slack-legacy-token']) expect(anchored.some((d) => d.id === id), id).toBe(true);
  });
  it('find() equals a scan of the whole line for each of them', () => {
    const next = rngFor('speed-anchored');
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    let compared = 0;
    let matched = 0;
    for (const d of anchored) {
      const vals = d.spec.examples.genuine.map((g) => (typeof g === 'string' ? g : g.text));
      if (vals.length === 0) continue;
      for (let round = 0; round < 4; round++) {
        let line = '';
        for (let i = 0; i < 6; i++) {
          const v = pick(vals);
          // Whole values, values cut short, and a value run straight into the next one.
          line += pick(GLUE) + (next() < 0.3 ? v.slice(0, Math.max(1, Math.floor(v.length * next()))) : v) + (next() < 0.2 ? '' : pick(GLUE));
        }
        const enc = encodeText(line);
        const want = d.pattern.matchWindow(enc, 0, enc.buf.length).map((m) => [m.secretStart, m.secretEnd]);
        const got = finder
          .find(enc)
          .filter((c) => c.detector === d)
          .map((c) => [c.start, c.end]);
        expect(got, `${d.id}: ${JSON.stringify(line)}`).toEqual(want);
        compared++;
        matched += want.length;
      }
    }
    expect(compared).toBeGreaterThan(400);
    expect(matched).toBeGreaterThan(400);
  });
});
