// Keyed fingerprints: HMAC-SHA256(audit key, value). The same secret gets the same fingerprint in
// every event (correlation), while without the key the fingerprint says nothing about the value.
import { createHmac } from 'node:crypto';

export type Fingerprinter = (value: string) => string;

export function makeFingerprinter(key: Buffer): Fingerprinter {
  if (key.length < 32) throw new RangeError('fingerprint key must be at least 32 bytes');
  return function fingerprint(value: string): string {
    return createHmac('sha256', key).update(value, 'utf8').digest('hex');
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Guard against a caller handing audit a raw value where a fingerprint belongs. */
export function isFingerprint(s: string): boolean {
  return s.length === 64 && HEX64.test(s);
}
