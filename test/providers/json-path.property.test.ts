// Property tests: for any JSON value, every string leaf gets a path that parses back to its steps, and
// rewriting that one leaf equals an independent clone-and-assign, with key order kept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRewrites, collectStrings, formatPath, getAt, parsePath, type PathStep } from '../../src/providers/json-path.js';
import type { Json } from '../../src/providers/types.js';

function leaves(v: Json, at: PathStep[] = [], out: [PathStep[], string][] = []): [PathStep[], string][] {
  if (typeof v === 'string') out.push([at, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) leaves(v[k] as Json, [...at, k], out);
  return out;
}

function cloneAndSet(v: Json, steps: PathStep[], text: string): Json {
  const copy = JSON.parse(JSON.stringify(v)) as Json;
  if (steps.length === 0) return text;
  let node = copy as Record<string | number, Json>;
  for (const s of steps.slice(0, -1)) node = node[s] as Record<string | number, Json>;
  Object.defineProperty(node, steps[steps.length - 1] as PropertyKey, { value: text, enumerable: true, writable: true, configurable: true });
  return copy;
}

const key = fc.oneof(fc.string(), fc.constantFrom('a.b', '[0]', '"', '\\', '__proto__', 'text', '0', ''));
const json: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }).map((o) => JSON.parse(JSON.stringify(o)) as Json),
  ),
})).v;

describe('json-path properties', () => {
  it('paths round-trip and rewriting one leaf matches clone-and-assign', () => {
    fc.assert(
      fc.property(json, (body) => {
        const found: { path: string; text: string }[] = [];
        collectStrings(body, '', found);
        const expected = leaves(body);
        expect(found.map((f) => f.text)).toEqual(expected.map((e) => e[1]));
        found.forEach((f, i) => {
          const steps = (expected[i] as [PathStep[], string])[0];
          expect(f.path).toBe(formatPath(steps));
          expect(parsePath(f.path)).toEqual(steps);
          expect(getAt(body, f.path)).toBe(f.text);
          const out = applyRewrites(body, new Map([[f.path, '\u0000R']]));
          expect(JSON.stringify(out)).toBe(JSON.stringify(cloneAndSet(body, steps, '\u0000R')));
        });
      }),
      { numRuns: 300 },
    );
  });
});
