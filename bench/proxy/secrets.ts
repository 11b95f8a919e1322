// Synthetic secrets in real formats for the benchmark's "8 KB with 5 secrets" request: generated at
// run time (random each run, never a real credential), each one a format the committed packs detect.
import { randomInt } from 'node:crypto';
import { base62, crc32 } from '../../src/detect/checksum.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const URLSAFE = `${ALNUM}_-`;

function pick(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** Mixed case and digits all present, distinct enough to pass entropy floors. */
function mixed(alphabet: string, n: number): string {
  for (;;) {
    const s = pick(alphabet, n);
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s) && new Set(s).size > n / 2) return s;
  }
}

export interface BenchSecret {
  kind: string;
  value: string;
}

export function benchSecrets(): BenchSecret[] {
  const gh = mixed(ALNUM, 30);
  let akia = '';
  while (new Set(akia).size < 11) akia = pick(BASE32, 16);
  return [
    { kind: 'aws-access-key-id', value: `AKIA${akia}` },
    { kind: 'github-pat', value: `ghp_${gh}${base62(crc32(gh), 6)}` },
    { kind: 'stripe-live', value: `sk_live_${mixed(ALNUM, 24)}` },
    { kind: 'slack-bot', value: `xoxb-${randomInt(10 ** 10, 10 ** 11)}-${randomInt(10 ** 12, 10 ** 13)}-${mixed(ALNUM, 24)}` },
    { kind: 'anthropic-api-key', value: `sk-ant-api03-${mixed(URLSAFE, 93)}AA` },
  ];
}

const WORDS = 'please review this function and explain what the loop does when the input list is empty'.split(' ');

/** ~8,000 characters of prose for request `id`; with `secrets`, one secret in a sentence every ~1,600 characters. */
export function benchProse(id: string | number, secrets: readonly string[]): string {
  let s = `request ${id}: `;
  let next = 0;
  for (let i = 0; s.length < 8000; i++) {
    s += `${WORDS[i % WORDS.length]} `;
    if (next < secrets.length && s.length > 800 + next * 1600) s += `and the key is ${secrets[next++]} there `;
  }
  return s;
}
