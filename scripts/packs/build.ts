// Turns a compact detector definition into a DetectorSpec-shaped object with synthetic examples.
import type { Rng, Seg } from './lib.js';
import { CS, endBoundary, entropy, rngFor, segClass, segGen, segRe, startBoundary } from './lib.js';

export interface Def {
  id: string;
  provider: string;
  desc: string;
  /** The secret's shape, start to end. */
  body: Seg[];
  /** Key-name regex (matched case-insensitively) that must precede the value: context-anchored. */
  ctx?: string;
  /** Env-style name used in the examples; must satisfy ctx when ctx is set. */
  env: string;
  keywords: string[];
  severity?: 'low' | 'medium' | 'high' | 'critical';
  confidence?: number;
  strength?: 'strong' | 'weak';
  checksum?: 'github-crc32' | 'jwt';
  entropy?: number;
  /** Post-process a generated value (checksums). */
  finish?: (v: string, rng: Rng) => string;
  /** Generated not-examples (e.g. a well-formed value with a wrong checksum), given a fresh valid value. */
  notGen?: (valid: string) => string[];
  /** Extra values that must not be reported as genuine (test keys, publishable keys, doc examples). */
  not?: string[];
  /** A second, self-contained context regex (case-insensitive) used instead of ctx + separator, e.g. `SSWS\s+`. */
  ctxAlt?: string;
  /** Builds one more genuine example text (shown with ctxAlt). */
  ex2?: (v: string) => string;
  /** Only the placeholder auto not-example: a bare or short value is still another detector's genuine secret. */
  placeholderNotOnly?: boolean;
  /** Override the start boundary (e.g. to refuse a `SB-` sandbox prefix before the token). */
  start?: string;
  /** Override the class used for the end boundary. */
  endClass?: string;
  /** Finding type when several detectors report one kind. */
  type?: string;
  /** The test/sandbox-mode form of a generated value (`sk_live_…` → `sk_test_…`): a genuine example too
   * (a test-mode key is a real credential of a test account; the engine lowers its severity). */
  testMode?: (v: string) => string;
  /** Builds a realistic surrounding text for a value (context-anchored formats like connection strings). */
  ex?: (v: string) => string;
}

const SEP = `[\\w.-]{0,30}["']?\\s{0,3}(?::=|=>|[:=])\\s{0,3}["'\`]?(?:Bearer\\s+|Basic\\s+|token\\s+)?`;

export function pattern(d: Def): string {
  const body = d.body.map(segRe).join('');
  const last = [...d.body].reverse().find((s) => typeof s !== 'string') ?? d.body[d.body.length - 1]!;
  const end = endBoundary(d.endClass ?? segClass(last));
  // A context that already ends in its own separator (`AccountKey=`) is followed directly by the value.
  if (d.ctx !== undefined) {
    const lead = `(?i:${d.ctx})${/[=:]$/.test(d.ctx) ? '' : SEP}`;
    return `${d.ctxAlt !== undefined ? `(?:${lead}|(?i:${d.ctxAlt}))` : lead}(?<secret>${body})${end}`;
  }
  return `${d.start ?? startBoundary(d.body[0]!)}(?<secret>${body})${end}`;
}

function gen(d: Def, rng: Rng): string {
  const v = d.body.map((s) => segGen(s, rng)).join('');
  return d.finish ? d.finish(v, rng) : v;
}

/** The value with every random run cut short of its minimum length. */
function short(d: Def, rng: Rng): string {
  return d.body
    .map((s) => {
      if (typeof s === 'string') return s;
      if ('cs' in s) return segGen({ cs: s.cs, n: Math.max(1, s.n - 4) }, rng);
      const g = s.gen(rng);
      return g.slice(0, g.length >> 1);
    })
    .join('');
}

/** The value with all random runs filled with one repeated character: a template placeholder. */
function placeholder(d: Def, rng: Rng): string {
  return d.body
    .map((s) => {
      if (typeof s === 'string') return s;
      if ('cs' in s) {
        const c = CS[s.cs].chars.includes('x') ? 'x' : CS[s.cs].chars.includes('X') ? 'X' : CS[s.cs].chars[0]!;
        return c.repeat(s.gen ?? s.n);
      }
      return s.gen(rng).replace(/[A-Za-z0-9]/g, '0');
    })
    .join('');
}

/** A value with one character from outside the alphabet inside its longest random run, early enough
 * that the part before it is shorter than the run's minimum. */
function wrongAlphabet(d: Def, rng: Rng): string {
  let longest = -1;
  d.body.forEach((s, i) => {
    const cur = longest >= 0 ? d.body[longest]! : undefined;
    if (typeof s !== 'string' && 'cs' in s && (cur === undefined || (typeof cur !== 'string' && 'cs' in cur && s.n > cur.n))) longest = i;
  });
  if (longest < 0) {
    // Only raw segments: break the longest one in the middle.
    const parts = d.body.map((s) => segGen(s, rng));
    const i = parts.reduce((best, p, j) => (typeof d.body[j] !== 'string' && p.length > (parts[best]?.length ?? -1) ? j : best), 0);
    const p = parts[i]!;
    parts[i] = p.slice(0, p.length >> 1) + '!' + p.slice((p.length >> 1) + 1);
    return parts.join('');
  }
  return d.body
    .map((s, i) => {
      const v = segGen(s, rng);
      if (i !== longest || typeof s === 'string' || !('cs' in s)) return v;
      const at = Math.floor(s.n / 2);
      return v.slice(0, at) + '!' + v.slice(at + 1);
    })
    .join('');
}

export function build(d: Def): Record<string, unknown> {
  const rng = rngFor(d.id);
  const v = [gen(d, rng), gen(d, rng), gen(d, rng)];
  const env = d.env;
  const lowerEnv = env.toLowerCase();
  const genuine: Array<string | { text: string; value: string }> = [];
  const not: string[] = [];
  if (d.ex !== undefined) {
    const ex = d.ex;
    genuine.push(...v.map((value) => ({ text: ex(value), value })));
    not.push(ex(short(d, rng)), ex(placeholder(d, rng)), `the value ${gen(d, rng)} without any key name`);
  } else if (d.ctx === undefined) {
    genuine.push(v[0]!);
    genuine.push({ text: `${env}=${v[1]}`, value: v[1]! });
    genuine.push({ text: `{"${lowerEnv}": "${v[2]}", "region": "eu-west-1"}`, value: v[2]! });
    not.push(short(d, rng), wrongAlphabet(d, rng), placeholder(d, rng));
  } else {
    genuine.push({ text: `${env}=${v[0]}`, value: v[0]! });
    genuine.push({ text: `  ${lowerEnv}: "${v[1]}"`, value: v[1]! });
    genuine.push({ text: `export ${env}='${v[2]}'  # rotated monthly`, value: v[2]! });
    const sh = short(d, rng);
    const ph = placeholder(d, rng);
    const bare = gen(d, rng);
    if (d.placeholderNotOnly) not.push(`${env}=${ph}`);
    else not.push(`${env}=${sh}`, `${env}=${ph}`, `the value ${bare} without any key name`);
  }
  if (d.ex2) {
    const value = gen(d, rng);
    genuine.push({ text: d.ex2(value), value });
  }
  if (d.testMode) {
    const value = d.testMode(gen(d, rng));
    genuine.push({ text: `${env}=${value}`, value });
  }
  if (d.notGen) not.push(...d.notGen(gen(d, rng)));
  not.push(...(d.not ?? []));
  const out: Record<string, unknown> = {
    id: d.id,
    provider: d.provider,
    ...(d.type ? { type: d.type } : {}),
    description: d.desc,
    pattern: pattern(d),
    keywords: d.keywords.map((k) => k.toLowerCase()),
    entropy: d.entropy ?? defaultEntropy(v),
    ...(d.checksum ? { checksum: d.checksum } : {}),
    severity: d.severity ?? 'high',
    confidence: d.confidence ?? (d.ctx !== undefined ? 0.7 : d.checksum ? 0.99 : 0.95),
    ...((d.strength ?? (d.ctx !== undefined ? 'weak' : 'strong')) === 'weak' ? { strength: 'weak' } : {}),
    examples: { genuine, not },
  };
  return out;
}

/** A floor comfortably under what random values of this shape reach, and well above `xxxx` fills. */
function defaultEntropy(vals: string[]): number {
  const min = Math.min(...vals.map(entropy));
  if (min >= 4.2) return 3.5;
  if (min >= 3.6) return 3.0;
  return 2.5;
}
