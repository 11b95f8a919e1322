// Runs this helper's packs through the real engine the way test/detect/packs.test.ts does, with
// per-example failure messages (quicker to iterate on than the whole vitest suite).
// Usage: node --import tsx scripts/packs-b/engine-check.ts [filter-packs/x.yaml …]
import { existsSync } from 'node:fs';
import { createEngine } from '../../src/detect/engine.js';
import { DEFAULT_PACK_DIR, listPackFiles, loadPackFile } from '../../src/detect/packs/load.js';

const DEFAULT_FILES = ['messaging', 'databases', 'observability', 'registries', 'saas'].map((p) => `filter-packs/${p}.yaml`);
const files = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_FILES.filter((f) => existsSync(f));
let failures = 0;
for (const file of files) {
  const t0 = Date.now();
  const pack = loadPackFile(file);
  // PB_ALL=1: run against every bundled pack at once, to see cross-pack overlaps as a real scan would.
  const packs = process.env.PB_ALL ? listPackFiles([DEFAULT_PACK_DIR]).map((f) => (f.endsWith(file.split('/').pop() ?? '') ? pack : loadPackFile(f))) : [pack];
  const engine = createEngine({ packs, maxDecodeDepth: 0 });
  for (const d of pack.detectors) {
    const ex = d.spec.examples;
    ex.genuine.forEach((g, i) => {
      const text = typeof g === 'string' ? g : g.text;
      const value = typeof g === 'string' ? g : g.value;
      if (process.env.PB_TRACE) console.error(`  … ${d.id} genuine[${i}]`);
      const found = engine.scanRules([{ path: "example", text }], { includeBenign: true });
      const hit = found.find((f) => f.value === value);
      if (!hit || hit.type !== d.type || hit.class !== 'genuine' || text.slice(hit.start, hit.end) !== value) {
        failures++;
        const summary = found.map((f) => `${f.type}/${f.class}/${f.detectors.join('+')}: ${f.value.slice(0, 40)} [${f.signals.join(',')}]`);
        console.error(`${file}: ${d.id}: genuine[${i}] ${JSON.stringify(summary)}`);
      }
    });
    ex.not.forEach((text, i) => {
      if (process.env.PB_TRACE) console.error(`  … ${d.id} not[${i}]`);
      const genuine = engine.scanRules([{ path: "example", text }]).filter((f) => f.class === 'genuine');
      if (genuine.length > 0) {
        failures++;
        console.error(`${file}: ${d.id}: not[${i}] reported genuine: ${genuine.map((f) => `${f.type}: ${f.value.slice(0, 50)}`).join('; ')}`);
      }
    });
  }
  console.log(`${file}: ${pack.detectors.length} detectors checked in ${Date.now() - t0} ms`);
}
console.log(`${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
