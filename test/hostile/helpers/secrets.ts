// Synthetic secrets in real formats, generated at test time (random each run; never a real
// credential). Each carries the markers a test needs to look for it in bytes the provider, the
// client, the logs or the audit database received.
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { base62, crc32 } from '../../../src/detect/checksum.js';
import { shannonEntropy } from '../../../src/detect/entropy.js';

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** A mixed-case alphanumeric run with every class present (passes entropy floors). */
function mixed(n: number): string {
  for (;;) {
    const s = pick(ALNUM, n);
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

/** A uniformly random AKIA id; by default one whose body entropy is not unusually low. */
export function awsKeyId(opts: { anyEntropy?: boolean } = {}): string {
  for (;;) {
    const body = pick(UPPER_DIGITS, 16);
    // ~0.3% of random ids fall under the pack's entropy floor and are classed placeholder: a known
    // detection gap with its own test (input.test.ts); kept out of the other tests so they stay deterministic.
    if (opts.anyEntropy || shannonEntropy(body) >= 3.2) return `AKIA${body}`;
  }
}

/** GitHub classic PAT: ghp_ + 30 random + base62 CRC32 (valid checksum). */
export function githubPat(): string {
  const random = mixed(30);
  return `ghp_${random}${base62(crc32(random), 6)}`;
}

export function stripeLive(): string {
  return `sk_live_${mixed(24)}`;
}

export function slackBot(): string {
  return `xoxb-${randomInt(10 ** 10, 10 ** 11)}-${randomInt(10 ** 12, 10 ** 13)}-${mixed(24)}`;
}

export function pemPrivateKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  return privateKey;
}

export interface Planted {
  kind: string;
  value: string;
  /** Substrings whose presence anywhere proves a leak (the value, or for PEM its base64 body lines). */
  needles: string[];
}

export function plant(kind: 'aws' | 'github' | 'stripe' | 'slack' | 'pem'): Planted {
  switch (kind) {
    case 'aws': {
      const v = awsKeyId();
      return { kind, value: v, needles: [v] };
    }
    case 'github': {
      const v = githubPat();
      return { kind, value: v, needles: [v, v.slice(4)] };
    }
    case 'stripe': {
      const v = stripeLive();
      return { kind, value: v, needles: [v, v.slice(8)] };
    }
    case 'slack': {
      const v = slackBot();
      return { kind, value: v, needles: [v, v.slice(-24)] };
    }
    case 'pem': {
      const v = pemPrivateKey();
      const body = v.split('\n').filter((l) => l && !l.startsWith('-----'));
      return { kind, value: v, needles: body.filter((l) => l.length >= 40) };
    }
  }
}

export const KINDS = ['aws', 'github', 'stripe', 'slack', 'pem'] as const;

export function allPlanted(): Planted[] {
  return KINDS.map((k) => plant(k));
}

/** Every needle (and a few encodings of it) that must never appear in `haystack`. */
export function leaked(haystack: string | Buffer, planted: readonly Planted[]): string[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
  const out: string[] = [];
  for (const p of planted) {
    for (const n of p.needles) {
      if (text.includes(n)) out.push(`${p.kind}:${n.slice(0, 6)}…`);
    }
  }
  return out;
}

/** An obviously fake, random token with no known format (for clean traffic). */
export function cleanWords(n: number): string {
  const words = ['alpha', 'bravo', 'review', 'function', 'loop', 'empty', 'list', 'please', 'explain', 'the', 'code'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(words[randomInt(words.length)] as string);
  return out.join(' ');
}

export function randomHex(n: number): string {
  return randomBytes(n).toString('hex');
}
