import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { rowHash } from '../../src/audit/hash-chain.js';

describe('canonical JSON', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('sorts by UTF-16 code units (RFC 8785), not by locale', () => {
    expect(canonicalJson({ b: 0, B: 0, a: 0, _: 0 })).toBe('{"B":0,"_":0,"a":0,"b":0}');
  });

  it('escapes strings as JSON.stringify does, including control characters and lone surrogates', () => {
    expect(canonicalJson('a"b\\c\n\u0001é\ud800')).toBe('"a\\"b\\\\c\\n\\u0001é\\ud800"');
  });

  it('accepts only safe integers', () => {
    expect(() => canonicalJson({ x: 0.5 })).toThrow(/safe integer/);
    expect(() => canonicalJson({ x: 2 ** 53 })).toThrow(/safe integer/);
    expect(canonicalJson({ x: -0 })).toBe('{"x":0}');
  });

  it('gives the documented hash for the example row in docs/AUDIT-FORMAT.md', () => {
    const row = {
      v: 1, kind: 'decision', seq: 1, time: '2026-01-01T00:00:00.000Z', request_id: 'r1', route: 'openai',
      upstream: 'https://api.openai.com', tenant: 'default', direction: 'request', action: 'allow', shadow: false,
      failure: null, ruleset_hash: 'x', model_version: 'none', findings: [], prev: '0'.repeat(64),
    };
    const text = canonicalJson(row);
    expect(text).toBe(
      '{"action":"allow","direction":"request","failure":null,"findings":[],"kind":"decision","model_version":"none",' +
        '"prev":"0000000000000000000000000000000000000000000000000000000000000000","request_id":"r1","route":"openai",' +
        '"ruleset_hash":"x","seq":1,"shadow":false,"tenant":"default","time":"2026-01-01T00:00:00.000Z",' +
        '"upstream":"https://api.openai.com","v":1}',
    );
    expect(rowHash(text).toString('hex')).toBe(EXAMPLE_HASH);
  });
});

// Also printed in docs/AUDIT-FORMAT.md (cross-checked with `printf %s '<row>' | sha256sum`); a change here is a format change.
const EXAMPLE_HASH = 'a7b86328febee79a703f8a7fc6d348c614be02651f7c832f41ff4ea847273b59';
