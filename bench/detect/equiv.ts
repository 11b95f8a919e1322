// Findings-equivalence dump: every finding the rule stages report (benign included, and the default
// view) on a fixed set of inputs, one JSON line per input, for diffing two engine versions.
//   node --import tsx bench/detect/equiv.ts [--mb N] [--cases FILE] [--packs DIR] --out FILE
// Inputs: the bench corpora (first N MB of /usr/lib/python3.11 and node_modules), the peer-dev cases,
// every pack example in several wrappings (plain, assignment, JSON, base64, URL and \u encoded, after
// non-ASCII text so byte and UTF-16 offsets differ), and hostile shapes. The dump holds values: it
// stays under /tmp and is never committed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createEngine } from '../../src/detect/engine.js';
import { loadPacks } from '../../src/detect/packs/load.js';
import type { Finding, ScanContext } from '../../src/detect/types.js';
import { collectCorpus } from './corpus.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i !== -1 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const mb = Number(opt('--mb', '10'));
const casesFile = opt('--cases', '/work/shared/bench/peer-dev/cases.jsonl');
const packDir = opt('--packs', '');
const outFile = opt('--out', '/tmp/leakgate-equiv.jsonl');

const packs = loadPacks(packDir ? [packDir] : []);
const engine = createEngine({ packs, maxDecodeDepth: 2 });

interface Input {
  id: string;
  text: string;
  ctx: ScanContext;
}
const inputs: Input[] = [];
for (const dir of ['/usr/lib/python3.11', 'node_modules']) {
  for (const f of collectCorpus(dir, mb * 1024 * 1024).files) inputs.push({ id: f.path, text: f.text, ctx: { filePath: f.path } });
}
if (existsSync(casesFile)) {
  for (const line of readFileSync(casesFile, 'utf8').split('\n')) {
    if (!line) continue;
    const c = JSON.parse(line) as { id: string; text: string; ext: string };
    inputs.push({ id: `case:${c.id}`, text: c.text, ctx: { filePath: `snippet.${c.ext}` } });
  }
}
const wraps: ((v: string) => string)[] = [
  (v) => v,
  (v) => `api_key = "${v}"`,
  (v) => `{"password": "${v}", "note": "é"}`,
  (v) => `auth: ${Buffer.from(`token=${v}`).toString('base64')}`,
  (v) => `q=${encodeURIComponent(`secret="${v}"`)}`,
  (v) => `"${[...`token: "${v}"`].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`,
  (v) => `// ünïcödé 密码 пароль: ${v}\n# example ${v}\n`,
];
for (const p of packs) {
  for (const d of p.detectors) {
    const vals = [...d.spec.examples.genuine.map((g) => (typeof g === 'string' ? g : g.text)), ...d.spec.examples.not];
    const text = vals.flatMap((v) => wraps.map((w) => w(v))).join('\n');
    inputs.push({ id: `examples:${d.id}`, text, ctx: {} });
    inputs.push({ id: `examples-test:${d.id}`, text: `ß${text}`, ctx: { filePath: 'test/fixtures/x.env' } });
  }
}
const hostile: Record<string, string> = {
  'kv-repeat': 'api_key=abc123def456 password=hunter2hunter2 token='.repeat(3000),
  'json-repeat': '"secret": "aaaaaaaaaaaaaaaaaaaaaaaa", '.repeat(3000),
  pem: `-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(100_000)}`,
  b64: 'QUtJQUFCQ0RFRkdISUpLTE1OT1A'.repeat(4000),
  pct: '%41%4B%49'.repeat(10_000),
  esc: '\\u0041\\u004b'.repeat(8000),
  bearer: 'Bearer Bearer '.repeat(8000),
  mixed: 'aB3xY9qZ'.repeat(10_000) + '!',
  dashes: '-'.repeat(50_000),
  nonascii: 'é token = "Zx9Qw8Er7Ty6Ui5Op4As3Df2" ✓ '.repeat(2000),
};
for (const [id, text] of Object.entries(hostile)) inputs.push({ id: `hostile:${id}`, text, ctx: {} });

function view(f: Finding): unknown[] {
  return [f.path, f.start, f.end, f.line, f.column, f.value, f.type, f.class, f.confidence, f.severity, f.detectors, f.pack, f.entropy, f.signals];
}
const lines: string[] = [];
const total = { inputs: 0, all: 0, reported: 0 };
const t0 = performance.now();
for (const inp of inputs) {
  const seg = [{ path: inp.id, text: inp.text }];
  let all: unknown;
  let reported: unknown;
  try {
    const a = engine.scanRules(seg, { ...inp.ctx, includeBenign: true });
    const r = engine.scanRules(seg, inp.ctx);
    total.all += a.length;
    total.reported += r.length;
    all = a.map(view);
    reported = r.map(view);
  } catch (err) {
    all = reported = `error: ${(err as Error).message}`;
  }
  total.inputs++;
  lines.push(JSON.stringify({ id: inp.id, all, reported }));
}
const body = lines.join('\n') + '\n';
writeFileSync(outFile, body);
const sha = createHash('sha256').update(body).digest('hex');
console.log(JSON.stringify({ ...total, sha256: sha, ms: Math.round(performance.now() - t0), out: outFile }));
