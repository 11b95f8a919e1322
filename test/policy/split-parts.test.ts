import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import { BOUNDARY_WINDOW, boundaryWindows, crossingFindings } from '../../src/policy/split-parts.js';
import type { Segment } from '../../src/detect/types.js';

// Synthetic GitHub-format token (random body, no valid checksum needed for the pattern).
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function token(seed: number): string {
  let x = seed;
  let body = '';
  for (let i = 0; i < 36; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    body += ALNUM[x % ALNUM.length];
  }
  return `ghp_${body}`;
}

const engine = createEngine({ packPaths: ['filter-packs'] });

function scanAcross(segments: Segment[]) {
  const out = [];
  for (const w of boundaryWindows(segments)) out.push(...crossingFindings(w, engine.scanRules([w.seg])));
  return out;
}

describe('secrets split across sibling parts', () => {
  it('a token cut over three parts is reported as one piece per part, at the right offsets', () => {
    const t = token(7);
    const segs = [
      { path: 'messages[0].content[0].text', text: `my token is ${t.slice(0, 6)}` },
      { path: 'messages[0].content[1].text', text: t.slice(6, 9) },
      { path: 'messages[0].content[2].text', text: `${t.slice(9)} thanks` },
    ];
    const found = scanAcross(segs);
    expect(found.map((f) => [f.path, f.value])).toEqual([
      ['messages[0].content[0].text', t.slice(0, 6)],
      ['messages[0].content[1].text', t.slice(6, 9)],
      ['messages[0].content[2].text', t.slice(9)],
    ]);
    for (const f of found) {
      const seg = segs.find((s) => s.path === f.path)!;
      expect(seg.text.slice(f.start, f.end)).toBe(f.value);
      expect(f.signals).toContain('split-across-parts');
    }
  });

  it('a token wholly inside one part is left to that part\'s own scan (no duplicate)', () => {
    const segs = [
      { path: 'contents[0].parts[0].text', text: `key ${token(3)} here` },
      { path: 'contents[0].parts[1].text', text: 'and nothing else' },
    ];
    expect(scanAcross(segs)).toEqual([]);
  });

  it('parts of different messages are siblings only at the same depth; unrelated paths never join', () => {
    const t = token(9);
    const segs = [
      { path: 'system', text: `prefix ${t.slice(0, 10)}` },
      { path: 'messages[0].content[0].text', text: `${t.slice(10)} rest` },
    ];
    expect(boundaryWindows(segs)).toEqual([]);
  });

  it('whole messages of a conversation are not joined (each turn stays its own cached text)', () => {
    const segs = Array.from({ length: 5 }, (_, i) => ({ path: `messages[${i}].content`, text: `turn ${i}` }));
    expect(boundaryWindows(segs)).toEqual([]);
  });

  it('windows stay bounded: a message of many long parts costs one small window per boundary', () => {
    const long = 'word '.repeat(2000);
    const segs = Array.from({ length: 50 }, (_, i) => ({ path: `messages[0].content[${i}].text`, text: long }));
    const windows = boundaryWindows(segs);
    expect(windows).toHaveLength(49);
    for (const w of windows) expect(w.seg.text.length).toBeLessThanOrEqual(2 * BOUNDARY_WINDOW);
  });
});
