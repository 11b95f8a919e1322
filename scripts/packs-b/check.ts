// Stand-alone check for the provider packs owned by this helper (until the engine's pack test lands):
// schema validation, RE2 compilation, and each detector's own examples.
// Usage: node --import tsx scripts/packs-b/check.ts [filter-packs/x.yaml …]
import { existsSync, readFileSync } from 'node:fs';
import RE2 from 're2';
import { parse } from 'yaml';
import { verifyChecksum } from '../../src/detect/checksum.js';
import { PackSchema, type DetectorSpec } from '../../src/detect/packs/schema.js';

const DEFAULT_FILES = ['messaging', 'databases', 'observability', 'registries', 'saas'].map((p) => `filter-packs/${p}.yaml`);

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / s.length) * Math.log2(c / s.length);
  return h;
}

/** All `secret` captures of a detector over a text. */
function secrets(re: RE2, text: string): string[] {
  const out: string[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const s = m.groups?.secret;
    if (s !== undefined) out.push(s);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

function keywordHit(d: DetectorSpec, text: string): boolean {
  if (d.keywords.length === 0) return true;
  const t = text.toLowerCase();
  return d.keywords.some((k) => t.includes(k));
}

const files = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_FILES.filter((f) => existsSync(f));
let failures = 0;
let total = 0;
const ids = new Set<string>();
const types = new Set<string>();
for (const file of files) {
  const parsed = PackSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    console.error(`${file}: schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    failures++;
    continue;
  }
  const pack = parsed.data;
  const allow = pack.allow.map((a) => new RE2(a));
  const fail = (d: string, msg: string): void => {
    console.error(`${file}: ${d}: ${msg}`);
    failures++;
  };
  for (const d of pack.detectors) {
    total++;
    if (ids.has(d.id)) fail(d.id, 'duplicate id');
    ids.add(d.id);
    types.add(d.type ?? d.id);
    if (/<<[A-Za-z0-9_]+/.test(JSON.stringify(d))) fail(d.id, 'unexpanded <<placeholder>>');
    let re: RE2;
    try {
      re = new RE2(d.pattern, 'g');
    } catch (e) {
      fail(d.id, `pattern does not compile: ${(e as Error).message}`);
      continue;
    }
    for (const k of d.keywords) if (!/^[\x20-\x7e]+$/.test(k)) fail(d.id, `odd keyword ${k}`);
    for (const g of d.examples.genuine) {
      const { text, value } = typeof g === 'string' ? { text: g, value: g } : g;
      if (!keywordHit(d, text)) fail(d.id, `genuine example misses every keyword: ${text.slice(0, 60)}`);
      const got = secrets(re, text);
      if (!got.includes(value)) fail(d.id, `genuine not matched: ${text.slice(0, 80)} → got ${JSON.stringify(got)}`);
      if (d.entropy !== undefined && entropy(value) < d.entropy) fail(d.id, `genuine below entropy floor (${entropy(value).toFixed(2)} < ${d.entropy}): ${value.slice(0, 40)}`);
      if (allow.some((a) => a.test(value))) fail(d.id, `genuine is allow-listed: ${value.slice(0, 40)}`);
      if (d.checksum && !verifyChecksum(d.checksum, value)) fail(d.id, `genuine fails ${d.checksum}: ${value.slice(0, 40)}`);
    }
    for (const n of d.examples.not) {
      const got = secrets(re, n).filter(
        (s) => !(d.entropy !== undefined && entropy(s) < d.entropy) && !allow.some((a) => a.test(s)) && !(d.checksum && !verifyChecksum(d.checksum, s)),
      );
      if (keywordHit(d, n) && got.length > 0) fail(d.id, `not-example matched: ${n.slice(0, 80)} → ${JSON.stringify(got)}`);
    }
    if (d.examples.genuine.length < 2) fail(d.id, 'fewer than 2 genuine examples');
    if (d.examples.not.length < 2) fail(d.id, 'fewer than 2 not examples');
  }
  console.log(`${file}: ${pack.detectors.length} detectors`);
}
console.log(`${total} detectors, ${types.size} distinct types, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
