// Synthetic credential generators for pack examples. Values are random (seeded, so re-runs are
// stable) in each provider's documented alphabet and length; checksummed formats get a valid checksum.
import { createHash } from 'node:crypto';

export const ALPHABETS: Record<string, string> = {
  alnum: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  lower: '0123456789abcdefghijklmnopqrstuvwxyz',
  UPPER: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  b64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  digits: '0123456789',
  b32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  bech32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  pwd: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*-_.~',
};

/** Deterministic byte stream from a seed (SHA-256 in counter mode). */
export class SeededBytes {
  private buf = Buffer.alloc(0);
  private counter = 0;
  constructor(private readonly seed: string) {}
  next(n: number): Buffer {
    while (this.buf.length < n) {
      const h = createHash('sha256').update(`${this.seed}#${this.counter++}`).digest();
      this.buf = Buffer.concat([this.buf, h]);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return Buffer.from(out);
  }
  pick(alphabet: string, len: number): string {
    let s = '';
    const bytes = this.next(len * 2);
    for (let i = 0; i < len; i++) s += alphabet[bytes.readUInt16BE(i * 2) % alphabet.length];
    return s;
  }
}

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
  for (const b of Buffer.from(s, 'utf8')) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** base62 (0-9A-Za-z) of a CRC32, left-padded with '0' to 6 chars: the GitHub/npm token checksum. */
export function base62crc(body: string): string {
  const a = ALPHABETS.alnum as string;
  let n = crc32(body);
  let s = '';
  while (n > 0) {
    s = a[n % 62] + s;
    n = Math.floor(n / 62);
  }
  return s.padStart(6, '0');
}

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/** Macaroon v2 binary: version 2, location, identifier, caveats, signature (32 bytes). */
function macaroon(rng: SeededBytes, location: string): string {
  const field = (type: number, data: Buffer): Buffer => Buffer.concat([Buffer.from([type, data.length]), data]);
  const id = Buffer.from(rng.pick(ALPHABETS.hex as string, 32).replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5'));
  const caveat = Buffer.from(JSON.stringify({ permissions: 'user', version: 1 }));
  const parts = [
    Buffer.from([2]),
    field(1, Buffer.from(location)),
    field(2, id),
    Buffer.from([0]),
    field(2, caveat),
    Buffer.from([0]),
    Buffer.from([0]),
    field(6, rng.next(32)),
  ];
  return b64url(Buffer.concat(parts));
}

function jwt(rng: SeededBytes, payload: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  return `${header}.${b64url(JSON.stringify(payload))}.${b64url(rng.next(32))}`;
}

export function generate(kind: string, len: number, rng: SeededBytes): string {
  switch (kind) {
    case 'uuid': {
      const h = rng.pick(ALPHABETS.hex as string, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }
    case 'UUID':
      return generate('uuid', len, rng).toUpperCase();
    case 'npm': {
      const body = rng.pick(ALPHABETS.alnum as string, 30);
      return body + base62crc(body);
    }
    case 'pypi':
      return macaroon(rng, 'pypi.org');
    case 'testpypi':
      return macaroon(rng, 'test.pypi.org');
    case 'jwt':
      return jwt(rng, { sub: rng.pick(ALPHABETS.lower as string, 12), iat: 1760000000, jti: rng.pick(ALPHABETS.hex as string, 16) });
    case 'sntrys': {
      const payload = b64url(JSON.stringify({ iat: 1760000000.5, url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: rng.pick('abcdefghijklmnopqrstuvwxyz', 8) })).replace(/-/g, '+').replace(/_/g, '/');
      return `${payload}_${rng.pick(ALPHABETS.b64 as string, 43)}`;
    }
    case 'grafana-key':
      return Buffer.from(JSON.stringify({ k: rng.pick(ALPHABETS.alnum as string, 32), n: 'deploy', id: 1 })).toString('base64');
    case 'glc':
      return Buffer.from(JSON.stringify({ o: '1' + rng.pick(ALPHABETS.digits as string, 6), n: 'stack-write', k: rng.pick(ALPHABETS.alnum as string, 24), m: { r: 'prod-us-east-0' } })).toString('base64');
    case 'mapbox':
      return `${b64url(JSON.stringify({ u: rng.pick('abcdefghijklmnopqrstuvwxyz', 8), a: rng.pick(ALPHABETS.lower as string, 25) }))}.${rng.pick(ALPHABETS.b64url as string, 22)}`;
    case 'intercom':
      return Buffer.from(`tok:${generate('uuid', 36, rng)}:1:0`).toString('base64');
    case 'digits1':
      return rng.pick('123456789', 1) + rng.pick(ALPHABETS.digits as string, len - 1);
    default: {
      const a = ALPHABETS[kind];
      if (!a) throw new Error(`unknown generator kind ${kind}`);
      return rng.pick(a, len);
    }
  }
}
