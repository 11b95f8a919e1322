// Test/sandbox-mode provider keys are real credentials of a test account: genuine, with a
// `test-mode` signal and a lower severity than the live key. Obvious placeholders still win.
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import { isTestModeKey, testModeSeverity } from '../../src/detect/context/test-mode.js';
import type { Finding } from '../../src/detect/types.js';

const engine = createEngine({ maxDecodeDepth: 0 });
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function rand(n: number, alphabet = B62): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

function scan(text: string): Finding[] {
  return engine.scanRules([{ path: 'p', text }]);
}

function only(text: string, value: string): Finding {
  const f = scan(text).find((x) => x.value === value);
  expect(f, `no finding for ${value} in ${JSON.stringify(scan(text).map((x) => [x.value, x.class, x.signals]))}`).toBeDefined();
  return f as Finding;
}

describe('test-mode provider keys', () => {
  it('a Stripe sk_test_/rk_test_ key is genuine, test-mode, one step below the live key', () => {
    const body = rand(99);
    const live = only(`STRIPE_SECRET_KEY=sk_live_${body}`, `sk_live_${body}`);
    expect(live.class).toBe('genuine');
    expect(live.severity).toBe('critical');
    expect(live.signals).not.toContain('test-mode');
    for (const prefix of ['sk_test_', 'rk_test_']) {
      const v = `${prefix}${rand(99)}`;
      const f = only(`stripe.api_key = "${v}"`, v);
      expect(f.class).toBe('genuine');
      expect(f.type).toBe(prefix === 'sk_test_' ? 'stripe-secret-key' : 'stripe-restricted-key');
      expect(f.severity).toBe('medium');
      expect(f.signals).toContain('test-mode');
      expect(f.signals).not.toContain('placeholder:test-mode');
    }
  });

  it('other providers: test/sandbox prefixes are genuine with a test-mode signal', () => {
    const cases = [
      `shippo_test_${rand(40, HEX)}`,
      `duffel_test_${rand(43)}`,
      `EZTK${rand(54)}`,
      `FLWSECK_TEST-${rand(32, HEX)}-X`,
      `klarna_test_api_${rand(60)}`,
    ];
    for (const v of cases) {
      const f = only(`key: ${v}`, v);
      expect(f.class, v).toBe('genuine');
      expect(f.signals, v).toContain('test-mode');
      expect(['low', 'medium'], v).toContain(f.severity);
    }
    const lob = `test_${rand(35, HEX)}`;
    const f = only(`LOB_API_KEY=${lob}`, lob);
    expect(f.class).toBe('genuine');
    expect(f.signals).toContain('test-mode');
  });

  it('obvious placeholders in test mode stay placeholders', () => {
    const values = [
      'sk_test_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'sk_test_EXAMPLEKEY1234abcdEXAMPLEKEY',
      'sk_test_abcdefghijklmnopqrstuvwxyz0123',
      'sk_test_BBBBBBBBBBBBBBBBBBBBBBBB',
      // Stripe's own API-reference key, printed in every docs example.
      'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    ];
    for (const v of values) {
      const found = scan(`STRIPE_SECRET_KEY=${v}`).filter((x) => x.class === 'genuine');
      expect(found.map((x) => x.value), v).toEqual([]);
    }
    expect(scan('STRIPE_SECRET_KEY=sk_test_${STRIPE_KEY}').filter((x) => x.class === 'genuine')).toEqual([]);
  });

  it('a typed test word after a generic key name is still a placeholder', () => {
    const found = scan('password = "test_password_123"');
    expect(found.filter((x) => x.class === 'genuine')).toEqual([]);
  });

  it('publishable keys stay out of genuine in either mode', () => {
    for (const v of [`pk_test_${rand(99)}`, `pk_live_${rand(99)}`]) expect(scan(`key = "${v}"`).filter((x) => x.class === 'genuine')).toEqual([]);
  });

  it('isTestModeKey / testModeSeverity', () => {
    expect(isTestModeKey('sk_test_abc')).toBe(true);
    expect(isTestModeKey('sk_live_abc')).toBe(false);
    expect(isTestModeKey('access_token$sandbox$abc')).toBe(true);
    expect(testModeSeverity('critical')).toBe('medium');
    expect(testModeSeverity('high')).toBe('medium');
    expect(testModeSeverity('medium')).toBe('low');
    expect(testModeSeverity('low')).toBe('low');
  });
});
