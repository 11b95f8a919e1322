// Format checksums carried by some credentials. A pass raises confidence; a fail means the value
// was not issued by the provider (typed by hand, truncated, or made up for docs/tests).
import type { DetectorSpec } from './packs/schema.js';

type ChecksumKind = NonNullable<DetectorSpec['checksum']>;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(s: string): number {
  let c = 0xffffffff;
  const b = Buffer.from(s, 'utf8');
  for (let i = 0; i < b.length; i++) c = (CRC_TABLE[(c ^ b[i]!) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let s = '';
  let v = n;
  while (v > 0) {
    s = B62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(width, '0');
}

/** GitHub/npm style: `<prefix>_<30 random>` + 6-char base62 CRC32 of the random part. */
function crcSuffixValid(value: string): boolean {
  const us = value.lastIndexOf('_');
  const body = value.slice(us + 1);
  if (body.length < 7) return false;
  const random = body.slice(0, -6);
  const check = body.slice(-6);
  return base62(crc32(random), 6) === check || base62(crc32(value.slice(0, -6)), 6) === check;
}

function b64urlDecode(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s)) return undefined;
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}

function jwtValid(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3 && parts.length !== 5) return false;
  const header = b64urlDecode(parts[0] ?? '');
  if (header === undefined) return false;
  try {
    const h: unknown = JSON.parse(header);
    return typeof h === 'object' && h !== null && ('alg' in h || 'typ' in h || 'enc' in h);
  } catch {
    return false;
  }
}

function pypiValid(value: string): boolean {
  const body = value.replace(/^pypi-/, '');
  const bin = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64').subarray(0, 64).toString('latin1');
  return bin.includes('pypi.org');
}

export function luhnValid(digits: string): boolean {
  const d = digits.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(d)) return false;
  let sum = 0;
  let dbl = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let v = d.charCodeAt(i) - 48;
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

function slackWebhookValid(value: string): boolean {
  // hooks.slack.com/services/T<team>/B<bot>/<24 alnum>
  return /\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{23,25}$/.test(value);
}

/** true = checksum passes, false = fails. */
export function verifyChecksum(kind: ChecksumKind, value: string): boolean {
  switch (kind) {
    case 'github-crc32':
    case 'npm-crc32':
      return crcSuffixValid(value);
    case 'jwt':
      return jwtValid(value);
    case 'pypi-macaroon':
      return pypiValid(value);
    case 'luhn':
      return luhnValid(value);
    case 'slack-webhook':
      return slackWebhookValid(value);
  }
}
