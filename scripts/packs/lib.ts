// Building blocks for the provider pack generator (gen.ts): a token format is written once as a
// list of segments, and both the RE2 pattern and the synthetic examples come from that one list,
// so a pattern and its examples cannot drift apart. Random values come from a seeded PRNG, so
// re-running the generator reproduces the committed YAML byte for byte.

/** Character classes used by token bodies (RE2 class text and the alphabet to draw from). */
export const CS = {
  alnum: { re: 'A-Za-z0-9', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789' },
  hex: { re: 'a-f0-9', chars: '0123456789abcdef' },
  HEX: { re: 'A-F0-9', chars: '0123456789ABCDEF' },
  hexAny: { re: 'a-fA-F0-9', chars: '0123456789abcdef' },
  upper: { re: 'A-Z0-9', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' },
  lower: { re: 'a-z0-9', chars: 'abcdefghijklmnopqrstuvwxyz0123456789' },
  alpha: { re: 'A-Za-z', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' },
  b64url: { re: 'A-Za-z0-9_-', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-' },
  b64: { re: 'A-Za-z0-9+/', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/' },
  base32l: { re: 'a-z2-7', chars: 'abcdefghijklmnopqrstuvwxyz234567' },
  digits: { re: '0-9', chars: '0123456789' },
} as const;
export type CharSet = keyof typeof CS;

export type Rng = () => number;

/** mulberry32: small, fast, good enough for synthetic examples; seeded per detector id. */
export function rngFor(seed: string): Rng {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353), (h = (h << 13) | (h >>> 19));
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function draw(rng: Rng, chars: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += chars[Math.floor(rng() * chars.length)];
  return s;
}

/** A segment of a token: a literal, a random run of one class, or raw regex with its own generator. */
export type Seg =
  | string
  | { cs: CharSet; n: number; max?: number; gen?: number }
  | { re: string; gen: (rng: Rng) => string; cls?: string };

export const r = (cs: CharSet, n: number, max?: number, gen?: number): Seg => ({ cs, n, max, gen });
export const raw = (re: string, gen: (rng: Rng) => string, cls?: string): Seg => ({ re, gen, cls });
export const uuidSeg = (): Seg =>
  raw('[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', (g) =>
    [8, 4, 4, 4, 12].map((n) => draw(g, CS.hex.chars, n)).join('-'), 'a-f0-9-');

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\$]/g, '\\$&');
}

export function segRe(s: Seg): string {
  if (typeof s === 'string') return escapeRe(s);
  if ('cs' in s) return `[${CS[s.cs].re}]{${s.n}${s.max !== undefined ? `,${s.max}` : ''}}`;
  return s.re;
}

export function segGen(s: Seg, rng: Rng): string {
  if (typeof s === 'string') return s;
  if ('cs' in s) return draw(rng, CS[s.cs].chars, s.gen ?? (s.max !== undefined ? Math.min(s.max, Math.max(s.n, Math.round((s.n + s.max) / 2))) : s.n));
  return s.gen(rng);
}

/** Regex class text of the characters a segment may contain (for boundaries). */
export function segClass(s: Seg): string {
  if (typeof s === 'string') return escapeClass(s);
  if ('cs' in s) return CS[s.cs].re;
  return s.cls ?? 'A-Za-z0-9';
}

function escapeClass(s: string): string {
  return [...new Set(s)].map((c) => (/[\]\\^-]/.test(c) ? `\\${c}` : c)).join('');
}

const WORD = /^[A-Za-z0-9_]$/;

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** True when every character a class admits is a regex word character (so \b is a clean edge). */
export function classIsWordOnly(cls: string): boolean {
  const probe = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=.~%$#*,:'];
  // Escape-aware: build a JS regex of the class only to classify characters at generation time.
  const re = new RegExp(`^[${cls}]$`); // generator-time only, on our own literal classes
  return probe.filter((c) => re.test(c)).every((c) => WORD.test(c));
}

export function startBoundary(first: Seg): string {
  const c = typeof first === 'string' ? first[0]! : undefined;
  if (c !== undefined && WORD.test(c)) return '\\b';
  if (c === undefined && typeof first !== 'string' && classIsWordOnly(segClass(first))) return '\\b';
  return '(?:^|[^A-Za-z0-9_])';
}

export function endBoundary(cls: string): string {
  if (classIsWordOnly(cls)) return '\\b';
  return `(?:[^${cls.includes('A-Za-z0-9') ? cls : `A-Za-z0-9${cls}`}]|$)`;
}
