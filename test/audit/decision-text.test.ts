// The writer's field-by-field serialiser must give exactly canonicalJson's bytes for every decision
// record() can be handed (random strings with control characters, non-ASCII and lone surrogates,
// extreme numbers), and a decision canonical JSON cannot hold fails alone, not its batch.
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { openAuditLog } from '../../src/audit/index.js';
import { decisionBody, decisionText } from '../../src/audit/rows.js';
import type { AuditDecision } from '../../src/audit/types.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { auditConfig, decision, tempDir } from './helpers.js';

const text = fc.string({ unit: 'binary', maxLength: 24 });
const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, 0.99995, 1e15, -1));
const finding = fc.record({
  type: text, class: fc.constantFrom('genuine' as const, 'placeholder' as const, 'benign' as const), confidence: num, entropy: num,
  detectors: fc.array(text, { maxLength: 3 }), signals: fc.array(text, { maxLength: 3 }), path: text,
  start: fc.integer({ min: 0, max: 2 ** 40 }), end: fc.integer({ min: 0, max: 2 ** 40 }),
  action: fc.constantFrom('allow' as const, 'warn' as const, 'redact' as const, 'block' as const), fingerprint: text,
});
const decisions: fc.Arbitrary<AuditDecision> = fc.record({
  requestId: text, route: text, upstream: text, tenant: text, direction: fc.constantFrom('request' as const, 'response' as const),
  action: fc.constantFrom('allow' as const, 'warn' as const, 'redact' as const, 'block' as const), shadow: fc.boolean(),
  rulesetHash: text, modelVersion: text, findings: fc.array(finding, { maxLength: 4 }),
  failure: fc.option(fc.record({ code: text, reason: text }), { nil: undefined }),
});

describe('decisionText', () => {
  it('is byte for byte canonicalJson({ ...body, seq, prev })', () => {
    fc.assert(
      fc.property(decisions, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), text, fc.integer({ min: -8.64e15, max: 8.64e15 }), (d, seq, prev, t) => {
        const body = decisionBody(d, t);
        let expected: string | Error;
        try {
          expected = canonicalJson({ ...body, seq, prev });
        } catch (e) {
          expected = e as Error;
        }
        if (expected instanceof Error) expect(() => decisionText(body, seq, prev)).toThrow(/safe integer/);
        else expect(decisionText(body, seq, prev)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('a body with an unexpected key falls back to canonicalJson (nothing dropped)', () => {
    const body = { ...decisionBody({ requestId: 'r', route: 'x', upstream: 'u', tenant: 't', direction: 'request', action: 'allow', shadow: false, rulesetHash: 'h', modelVersion: 'm', findings: [] }, 0), extra: 'kept' };
    expect(decisionText(body, 1, 'p')).toBe(canonicalJson({ ...body, seq: 1, prev: 'p' }));
    expect(decisionText(body, 1, 'p')).toContain('"extra":"kept"');
  });
});

describe('writer: a decision canonical JSON cannot hold', () => {
  it('is refused alone (fail closed); the rest of its batch commits and the chain verifies', async () => {
    const tmp = tempDir();
    try {
      const db = join(tmp.dir, 'nan.db');
      const log = openAuditLog(auditConfig({ db }));
      const bad = decision(log, 2);
      bad.findings = [{ ...decision(log, 2, ['ghp_x']).findings[0]!, start: Number.NaN }];
      const results = await Promise.allSettled([log.record(decision(log, 1)), log.record(bad), log.record(decision(log, 3))]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/not a safe integer/);
      await log.close();
      const r = await verifyAuditFile(db);
      expect(r).toMatchObject({ ok: true, rows: 3 });
    } finally {
      tmp.cleanup();
    }
  });
});
