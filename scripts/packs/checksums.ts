// Valid checksums for synthetic examples. Same published schemes the engine verifies
// (src/detect/checksum.ts), re-implemented here so the generator does not import src/.
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
  for (const byte of Buffer.from(s, 'utf8')) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let s = '';
  for (let v = n; v > 0; v = Math.floor(v / 62)) s = B62[v % 62] + s;
  return s.padStart(width, '0');
}

/** GitHub classic tokens: `<prefix>_` + 30 random base62 + base62(CRC32(random), 6). */
export function githubChecksum(v: string): string {
  const us = v.lastIndexOf('_');
  const random = v.slice(us + 1, us + 31);
  return v.slice(0, us + 1) + random + base62(crc32(random), 6);
}

export function githubValid(v: string): boolean {
  const us = v.lastIndexOf('_');
  const body = v.slice(us + 1);
  return body.length === 36 && base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** JWT-shaped: three base64url parts whose header is JSON with alg/typ. */
export function jwtValid(v: string): boolean {
  const parts = v.split('.');
  if (parts.length !== 3) return false;
  try {
    const h: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    return typeof h === 'object' && h !== null && ('alg' in h || 'typ' in h);
  } catch {
    return false;
  }
}
