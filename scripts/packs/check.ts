// Validates provider packs without the engine: schema, RE2 compile, and every example.
// Run: node --import tsx scripts/packs/check.ts filter-packs/ai.yaml [more.yaml…]
//   genuine: its value must equal the `secret` group of some match, pass the entropy floor,
//            the checksum (if any) and not be allow-listed;
//   not:     no match may survive those same filters (a placeholder may match the regex but must
//            fall under the entropy floor, fail the checksum or be allow-listed).
import { readFileSync } from 'node:fs';
import RE2 from 're2';
import { parse } from 'yaml';
import { PackSchema } from '../../src/detect/packs/schema.js';
import type { DetectorSpec } from '../../src/detect/packs/schema.js';
import { githubValid, jwtValid } from './checksums.js';
import { entropy } from './lib.js';

let failures = 0;
const fail = (msg: string): void => {
  failures++;
  console.error(`FAIL ${msg}`);
};

function secrets(re: RE2, text: string): string[] {
  const out: string[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const s = m.groups?.['secret'];
    if (s !== undefined) out.push(s);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

function checksumOk(d: DetectorSpec, v: string): boolean {
  if (d.checksum === 'github-crc32') return githubValid(v);
  if (d.checksum === 'jwt') return jwtValid(v);
  return true;
}

const seenIds = new Map<string, string>();
let total = 0;
for (const file of process.argv.slice(2)) {
  const parsed = PackSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    for (const i of parsed.error.issues) fail(`${file}: ${i.path.join('.')}: ${i.message}`);
    continue;
  }
  const pack = parsed.data;
  const allow = pack.allow.map((a) => new RE2(a));
  const allowed = (v: string): boolean => allow.some((a) => a.test(v));
  for (const d of pack.detectors) {
    total++;
    const where = `${file}: ${d.id}`;
    if (seenIds.has(d.id)) fail(`${where}: id also in ${seenIds.get(d.id)}`);
    seenIds.set(d.id, file);
    let re: RE2;
    try {
      re = new RE2(d.pattern, 'g');
    } catch (e) {
      fail(`${where}: pattern does not compile: ${(e as Error).message}`);
      continue;
    }
    const survives = (v: string, text: string): boolean =>
      (d.entropy === undefined || entropy(v) >= d.entropy) && checksumOk(d, v) && !allowed(v) &&
      d.keywords.every((k) => k.length > 0) && (d.keywords.length === 0 || d.keywords.some((k) => text.toLowerCase().includes(k)));
    for (const g of d.examples.genuine) {
      const text = typeof g === 'string' ? g : g.text;
      const value = typeof g === 'string' ? g : g.value;
      const found = secrets(re, text);
      if (!found.includes(value)) fail(`${where}: genuine not found: ${JSON.stringify(text).slice(0, 120)} got ${JSON.stringify(found).slice(0, 120)}`);
      else if (!survives(value, text)) fail(`${where}: genuine filtered (entropy ${entropy(value).toFixed(2)} / checksum / allow / keywords): ${value.slice(0, 60)}`);
    }
    for (const n of d.examples.not) {
      const hits = secrets(re, n).filter((v) => survives(v, n));
      if (hits.length > 0) fail(`${where}: not-example reported: ${JSON.stringify(n).slice(0, 120)}`);
    }
  }
}
console.log(`${total} detectors checked, ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
