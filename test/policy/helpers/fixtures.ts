// Configs and synthetic secrets for policy tests. Secrets are generated at test time in the real
// format (never real credentials).
import { randomInt } from 'node:crypto';
import { ConfigSchema, type Config } from '../../../src/config/schema.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = ALNUM + '+/';

function pick(alphabet: string, n: number, rand: () => number = () => randomInt(1 << 30)): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rand() % alphabet.length];
  return s;
}

/** A deterministic generator for reproducible property runs. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) & 0x3fffffff;
  };
}

export const fakeAwsKey = (rand?: () => number): string => 'AKIA' + pick(BASE32, 16, rand);
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(s: string): number {
  let c = 0xffffffff;
  for (const b of Buffer.from(s)) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function base62(n: number, width: number): string {
  let s = '';
  for (let v = n; v > 0; v = Math.floor(v / 62)) s = B62[v % 62] + s;
  return s.padStart(width, '0');
}
/** GitHub's format: ghp_ + 30 random base62 + 6-char base62 CRC32 of the random part (so it checks out as genuine). */
export const fakeGithubPat = (rand?: () => number): string => {
  const body = pick(ALNUM, 30, rand);
  return 'ghp_' + body + base62(crc32(body), 6);
};
export const fakePassword = (rand?: () => number): string => 'Pw' + pick(ALNUM, 14, rand);
export function fakePem(rand?: () => number): string {
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) lines.push(pick(B64, 64, rand));
  return `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----`;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> | T[K] : T[K] };

/** A validated, frozen config with an 'openai' and an 'internal' upstream; `patch` merges shallowly per section. */
export function testConfig(patch: DeepPartial<Record<keyof Config, unknown>> = {}): Readonly<Config> {
  const raw = {
    upstreams: {
      openai: { url: 'http://127.0.0.1:1', api: 'openai' },
      internal: { url: 'http://127.0.0.1:2', api: 'openai' },
    },
    ...patch,
  };
  return Object.freeze(ConfigSchema.parse(raw));
}
