// ReDoS benchmark: hostile inputs against every pack regex (RE2) and against the whole rules engine,
// whose context stages (src/detect/context, decode, entropy, hold-back) use JS regexes too. Linear
// time is shown two ways: throughput (MB/s) per input family, and the time ratio between a 4x larger
// input and the small one (≈4 when linear, ≈16 when quadratic). A time bound per MB fails the run.
//   node --import tsx bench/redos/run.ts [--mb 1] [--bound-ms-per-mb 1000]
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createEngine } from '../../src/detect/engine.js';
import { loadPacks } from '../../src/detect/packs/load.js';
import { encodeText } from '../../src/detect/regex.js';
import { committedPacksDir } from '../../test/hostile/helpers/packs.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '1' }, 'bound-ms-per-mb': { type: 'string', default: '1000' } } });
const MB = Number(values.mb);
const BOUND = Number(values['bound-ms-per-mb']);
const SIZE = Math.round(MB * 1024 * 1024);

const packs = loadPacks([committedPacksDir()]);
const engine = createEngine({ packs });
const detectors = packs.flatMap((p) => p.detectors);

function fill(unit: string, size: number, tail = ''): string {
  return unit.repeat(Math.ceil((size - tail.length) / unit.length)).slice(0, size - tail.length) + tail;
}

// Near misses built from every detector's own keywords and genuine examples, each cut one character
// short and followed by a character outside its alphabet, so prefixes match and the match then fails.
const nearMiss: string[] = [];
for (const d of detectors) {
  for (const k of d.spec.keywords ?? []) nearMiss.push(`${k}${'A1b2'.repeat(12)}`);
  const ex = (d.spec.examples?.genuine ?? [])[0];
  const v = typeof ex === 'string' ? ex : ex?.value ?? ex?.text;
  if (typeof v === 'string' && v.length > 4) nearMiss.push(`${v.slice(0, -1)}\u00a7`);
}
const nearMissUnit = nearMiss.join(' ') + '\n';

const prose = 'Please review this function and explain what the loop does when the input list is empty; it returns early. ';
const families: Record<string, (size: number) => string> = {
  'baseline: prose': (n) => fill(prose, n),
  'letter run + non-letter': (n) => fill('a', n, '!'),
  'mixed-case alnum run + "!"': (n) => fill('aB3xY9qZ', n, '!'),
  "'=' run": (n) => fill('=', n),
  "'-' run": (n) => fill('-', n),
  'repeated key=value': (n) => fill('api_key=abc123def456 password=hunter2hunter2 token=', n),
  'repeated key: "value"': (n) => fill('"secret": "aaaaaaaaaaaaaaaaaaaaaaaa", ', n),
  'keywords + near misses (all detectors)': (n) => fill(nearMissUnit, n),
  'AKIA-dense near misses': (n) => fill('AKIA0123456789ABCDE', n),
  'unterminated PEM header': (n) => fill('A', n - 32, '').replace(/^/, '-----BEGIN RSA PRIVATE KEY-----\n'),
  'base64-like run': (n) => fill('QUtJQUFCQ0RFRkdISUpLTE1OT1A', n),
  'percent-encoding run': (n) => fill('%41%4B%49', n),
  '\\u escape run': (n) => fill('\\u0041\\u004b', n),
  'whitespace run': (n) => fill(' \t', n, 'x'),
  'newline run': (n) => fill('\n', n),
  'url userinfo near misses': (n) => fill('https://user:@', n),
  'bearer runs': (n) => fill('Bearer Bearer ', n),
  'quote runs': (n) => fill('"\'`', n),
  'digit run': (n) => fill('0123456789', n),
  'hex run': (n) => fill('0123456789abcdef', n),
};

function time(fn: () => void, runs = 1): number {
  // Best of `runs`: the machine is shared, so the minimum is the least noisy estimate.
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

interface Row {
  family: string;
  msPerMb: number;
  mbPerS: number;
  scaleRatio: number;
  holdbackMsPerMb: number;
}
const rows: Row[] = [];
const small = Math.round(SIZE / 4);
for (const [family, make] of Object.entries(families)) {
  const big = make(SIZE);
  const little = make(small);
  // Warm-up on the small input, then the small and the large input once each.
  engine.scanRules([{ path: 'x', text: little }]);
  const tSmall = time(() => engine.scanRules([{ path: 'x', text: little }]), 3);
  const tBig = time(() => engine.scanRules([{ path: 'x', text: big }]), 2);
  const tHold = time(() => engine.holdback(big));
  const mb = Buffer.byteLength(big) / (1024 * 1024);
  rows.push({
    family,
    msPerMb: Math.round((tBig / mb) * 10) / 10,
    mbPerS: Math.round((mb / (tBig / 1000)) * 10) / 10,
    scaleRatio: Math.round((tBig / Math.max(0.01, tSmall)) * 100) / 100,
    holdbackMsPerMb: Math.round((tHold / mb) * 100) / 100,
  });
}

// Every pack regex alone (RE2) on each hostile family: the slowest detector per family is the one to watch.
const perDetectorWorst = new Map<string, { ms: number; family: string }>();
for (const [family, make] of Object.entries(families)) {
  const enc = encodeText(make(SIZE));
  for (const d of detectors) {
    const ms = time(() => d.pattern.matchAll(enc, 100_000));
    const cur = perDetectorWorst.get(d.id);
    if (!cur || ms > cur.ms) perDetectorWorst.set(d.id, { ms, family });
  }
}
const perDetector = [...perDetectorWorst].map(([id, v]) => ({ id, ms: v.ms, family: v.family })).sort((a, b) => b.ms - a.ms);
const regexTotalMs = perDetector.reduce((a, d) => a + d.ms, 0);

const baseline = rows[0] as Row;
const worst = rows.slice(1).reduce((a, r) => (r.msPerMb > a.msPerMb ? r : a));
const maxScale = Math.max(...rows.map((r) => r.scaleRatio));
const summary = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  settings: { mb: MB, boundMsPerMb: BOUND, detectors: detectors.length, packs: packs.map((p) => p.name) },
  baseline: { family: baseline.family, mbPerS: baseline.mbPerS },
  worst: { family: worst.family, mbPerS: worst.mbPerS, msPerMb: worst.msPerMb, vsBaseline: Math.round((worst.msPerMb / baseline.msPerMb) * 100) / 100 },
  maxScaleRatio4x: maxScale,
  regexOnly: {
    detectors: detectors.length,
    sumOfWorstMsPerMb: Math.round(regexTotalMs / MB),
    slowest: perDetector.slice(0, 6).map((d) => ({ id: d.id, family: d.family, msPerMb: Math.round((d.ms / MB) * 10) / 10 })),
  },
  families: rows,
};

process.stdout.write(`${'family'.padEnd(42)} ${'MB/s'.padStart(8)} ${'ms/MB'.padStart(9)} ${'t(4x)/t(1x)'.padStart(12)} ${'holdback ms/MB'.padStart(15)}\n`);
for (const r of rows) {
  process.stdout.write(`${r.family.padEnd(42)} ${String(r.mbPerS).padStart(8)} ${String(r.msPerMb).padStart(9)} ${String(r.scaleRatio).padStart(12)} ${String(r.holdbackMsPerMb).padStart(15)}\n`);
}
process.stdout.write(`regex only (${detectors.length} RE2 detectors, each on its worst family):\n`);
for (const d of summary.regexOnly.slowest) process.stdout.write(`  ${d.id.padEnd(40)} ${String(d.msPerMb).padStart(8)} ms/MB  (${d.family})\n`);
process.stdout.write(`${JSON.stringify(summary)}\n`);
const over = rows.filter((r) => r.msPerMb > BOUND);
if (over.length > 0) {
  process.stderr.write(`bench/redos: over the bound of ${BOUND} ms/MB: ${over.map((r) => `${r.family} (${r.msPerMb})`).join(', ')}\n`);
  process.exitCode = 1;
}
