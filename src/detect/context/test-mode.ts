// Test-mode (sandbox) provider keys: `sk_test_…`, `FLWSECK_TEST-…`, `EZTK…`, `shippo_test_…`. They are
// real credentials of a real (test) account — they read and write its test data, webhooks and
// settings — so a provider match stays genuine with a `test-mode` signal and a lower severity.
// Obvious placeholders still win through the value cues (EXAMPLE, x-runs, repeats, templates).
// Only provider formats get this treatment: a generic `password = test_secret` keeps its
// `placeholder:test-mode` cue (placeholder.ts), since a typed word is no issued key.
import type { Severity } from '../types.js';

// Markers the providers put in test/sandbox key prefixes. Anchored at the start or after the
// provider's own prefix (`shippo_test_`, `klarna_test_api_`, `access_token$sandbox$`).
const TEST_MODE_KEY =
  /^(?:(?:sk|rk)_test_|test_|TEST-|sandbox_|[a-z]+_test_|FLW(?:SECK|PUBK)_TEST|EZTK|secret-test-|sk_sbox_|pdl_sdbx_|xnd_development_|SB-Mid-server-|access-sandbox-|access_token\$sandbox\$)/;

export function isTestModeKey(value: string): boolean {
  return TEST_MODE_KEY.test(value);
}

const LOWER: Record<Severity, Severity> = { critical: 'medium', high: 'medium', medium: 'low', low: 'low' };

/** A test-mode key's severity: one step below the detector's, never above medium. */
export function testModeSeverity(s: Severity): Severity {
  return LOWER[s];
}
