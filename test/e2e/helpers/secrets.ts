// Synthetic credentials in real formats, generated fresh at test time (never a real credential),
// and a registry of everything a test file planted so it can prove no fragment ever reached the
// provider, the audit database or its WAL.
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { base62, crc32 } from '../../../src/detect/checksum.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** Random alphanumerics with upper, lower and digit all present (so entropy floors pass). */
function mixed(n: number): string {
  for (;;) {
    const s = pick(ALNUM, n);
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

/** Not a run that reads like a word or an example marker (EXAMPLE, TEST, FAKE…). */
function noWords(s: string): boolean {
  return !/EXAMPLE|TEST|FAKE|DUMMY|SAMPLE|XXXX|AAAA/i.test(s);
}

export function awsAccessKeyId(): string {
  for (;;) {
    const body = pick(BASE32, 16);
    if (noWords(body) && /[2-7]/.test(body)) return `AKIA${body}`;
  }
}

/** GitHub classic PAT: ghp_ + 30 random + 6-char base62 CRC32 of the random part (see src/detect/checksum.ts). */
export function githubPat(): string {
  for (;;) {
    const random = mixed(30);
    if (noWords(random)) return `ghp_${random}${base62(crc32(random), 6)}`;
  }
}

export function stripeLiveKey(): string {
  for (;;) {
    const body = mixed(24);
    if (noWords(body)) return `sk_live_${body}`;
  }
}

export function slackBotToken(): string {
  for (;;) {
    const body = mixed(24);
    if (noWords(body)) return `xoxb-${randomInt(1e10, 1e11)}-${randomInt(1e12, 1e13)}-${body}`;
  }
}

export function pemPrivateKey(): string {
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return privateKey.trimEnd();
}

/**
 * Every secret a test file planted. `fragments()` are the substrings whose presence proves a leak:
 * the value and its random part for tokens, each base64 body line for a PEM block.
 */
export class Planted {
  readonly #values: string[] = [];

  add(value: string): string {
    this.#values.push(value);
    return value;
  }

  aws(): string {
    return this.add(awsAccessKeyId());
  }
  github(): string {
    return this.add(githubPat());
  }
  stripe(): string {
    return this.add(stripeLiveKey());
  }
  slack(): string {
    return this.add(slackBotToken());
  }
  pem(): string {
    return this.add(pemPrivateKey());
  }

  get values(): readonly string[] {
    return this.#values;
  }

  fragments(): string[] {
    const out = new Set<string>();
    for (const v of this.#values) {
      if (v.startsWith('-----BEGIN')) {
        for (const line of v.split('\n')) if (line && !line.startsWith('-----') && line.length >= 16) out.add(line.slice(0, 24));
        continue;
      }
      out.add(v);
      // The random tail alone (a redactor that kept the prefix but leaked the rest is still a leak).
      out.add(v.slice(-16));
    }
    return [...out];
  }

  /** Fragments found in `haystack` (a short prefix of each, safe to print). */
  leaksIn(haystack: string | Buffer): string[] {
    const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
    return this.fragments()
      .filter((f) => text.includes(f))
      .map((f) => `${f.slice(0, 6)}…`);
  }
}

/** True when no prefix of `secret` of at least `min` characters appears in `text` (no fragment released). */
export function noFragment(text: string, secret: string, min = 8): boolean {
  for (let i = 0; i + min <= secret.length; i++) if (text.includes(secret.slice(i, i + min))) return false;
  return true;
}
