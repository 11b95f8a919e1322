// The stream hold-back derives the value prefixes it holds from the packs' keywords: a bare provider
// value whose leading literal is missing from its detector's keywords (Honeycomb `hcaik_`) would
// stream its first characters before the marker. Every bare genuine pack example must be held from
// its third character on when it ends the text so far.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';

const engine = createEngine({});

describe('hold-back covers every provider value prefix', () => {
  it('holds the start of each bare genuine example (3..8 characters)', () => {
    const leaks: string[] = [];
    for (const p of engine.packs)
      for (const d of p.detectors) {
        if (d.generic) continue;
        for (const ex of d.spec.examples.genuine) {
          if (typeof ex !== 'string') continue;
          for (let n = 3; n <= Math.min(8, ex.length); n++) {
            const held = engine.holdback(`the value ${ex.slice(0, n)}`);
            if (held < n) {
              leaks.push(`${d.id}: ${JSON.stringify(ex.slice(0, n))} held ${held}`);
              break;
            }
          }
        }
      }
    expect(leaks).toEqual([]);
  });

  it('Honeycomb key ids are held for any key-type letter', () => {
    for (const id of ['hcaik', 'hcxik_', 'hcamk', 'hcbmk_']) expect(engine.holdback(`use ${id}`), id).toBe(id.length);
  });
});
