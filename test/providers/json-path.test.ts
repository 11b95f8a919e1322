import { describe, expect, it } from 'vitest';
import { applyRewrites, childPath, collectStrings, formatPath, getAt, parsePath } from '../../src/providers/json-path.js';
import type { Json } from '../../src/providers/types.js';

describe('paths', () => {
  it('formats identifiers bare, indices in brackets, other keys quoted', () => {
    expect(formatPath(['messages', 2, 'content', 0, 'text'])).toBe('messages[2].content[0].text');
    expect(formatPath(['tools', 0, 'function', 'arguments'])).toBe('tools[0].function.arguments');
    expect(formatPath(['a.b'])).toBe('["a.b"]');
    expect(formatPath(['x', 'with "quote"', 'y'])).toBe('x["with \\"quote\\""].y');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath(['0'])).toBe('["0"]');
    expect(childPath('', '')).toBe('[""]');
  });

  it('parses what it formats, for awkward keys too', () => {
    const cases: (string | number)[][] = [
      ['messages', 2, 'content', 0, 'text'],
      ['a.b', 'c[d]', 'e"f', 'g\\h', '', ' ', '\n', 'ünï', '__proto__', '0'],
      [3, 4, 'x'],
      ['$ok', '_fine', 'a1'],
    ];
    for (const steps of cases) expect(parsePath(formatPath(steps))).toEqual(steps);
  });

  it('rejects malformed paths with a clear error', () => {
    for (const bad of ['a.', 'a[', 'a[x]', 'a["x"', 'a..b', 'a]', '1a', 'a[1', 'a["x"]b', 'a[-1]']) {
      expect(() => parsePath(bad), bad).toThrow(/json-path: bad path/);
    }
  });
});

describe('getAt', () => {
  const body: Json = { a: [{ 'b.c': 'x' }, 'y'], n: null };
  it('reads values and misses cleanly', () => {
    expect(getAt(body, '["a"][0]["b.c"]')).toBe('x');
    expect(getAt(body, 'a[1]')).toBe('y');
    expect(getAt(body, 'n')).toBe(null);
    expect(getAt(body, 'a[2]')).toBeUndefined();
    expect(getAt(body, 'a.x')).toBeUndefined();
    expect(getAt(body, 'n.x')).toBeUndefined();
    expect(getAt(body, 'toString')).toBeUndefined();
    expect(getAt(body, '')).toBe(body);
  });
});

describe('applyRewrites', () => {
  const body = JSON.parse(
    '{"z":1,"messages":[{"role":"user","content":"secret here"},{"role":"assistant","content":[{"type":"text","text":"t"}]}],"a.b":"dot","__proto__":"p","k":true}',
  ) as Json;

  it('replaces only the named strings, keeps key order, leaves the input untouched', () => {
    const before = JSON.stringify(body);
    const out = applyRewrites(body, new Map([
      ['messages[0].content', '[REDACTED:x]'],
      ['messages[1].content[0].text', 'T'],
      ['["a.b"]', 'DOT'],
      ['["__proto__"]', 'P'],
    ]));
    expect(JSON.stringify(body)).toBe(before);
    expect(JSON.stringify(out)).toBe(
      '{"z":1,"messages":[{"role":"user","content":"[REDACTED:x]"},{"role":"assistant","content":[{"type":"text","text":"T"}]}],"a.b":"DOT","__proto__":"P","k":true}',
    );
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    // Untouched subtrees are shared, not copied.
    expect((out as { [k: string]: Json })['z']).toBe(1);
  });

  it('returns the same value for no rewrites', () => {
    expect(applyRewrites(body, new Map())).toBe(body);
  });

  it('refuses paths that do not resolve to a string', () => {
    expect(() => applyRewrites(body, new Map([['messages[5].content', 'x']]))).toThrow(/does not exist/);
    expect(() => applyRewrites(body, new Map([['z', 'x']]))).toThrow(/not a string/);
    expect(() => applyRewrites(body, new Map([['nope', 'x']]))).toThrow(/does not exist/);
    expect(() => applyRewrites(body, new Map([['messages', 'x']]))).toThrow(/not a string/);
    expect(() => applyRewrites(body, new Map([['messages[0]', 'x'], ['messages[0].content', 'y']]))).toThrow();
    expect(() => applyRewrites('top', new Map([['a', 'x']]))).toThrow(/not a container/);
  });

  it('rewrites a top-level string and array elements', () => {
    expect(applyRewrites('s', new Map([['', 'r']]))).toBe('r');
    expect(applyRewrites(['a', 'b'], new Map([['[1]', 'B']]))).toEqual(['a', 'B']);
  });
});

describe('collectStrings', () => {
  it('lists every string with its path, in key order', () => {
    const out: { path: string; text: string }[] = [];
    collectStrings({ a: 'x', b: [1, 'y', { 'c d': 'z' }], e: null }, '', out);
    expect(out).toEqual([
      { path: 'a', text: 'x' },
      { path: 'b[1]', text: 'y' },
      { path: 'b[2]["c d"]', text: 'z' },
    ]);
  });
});
