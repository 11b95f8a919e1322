// Classifier benchmark: rules-only vs rules+model side by side in one run.
//   node --import tsx bench/model/run.ts [--cases FILE] [--dataset FILE] [--mb N] [--model FILE.onnx] [--meta FILE.json] [--only peer,own,latency,concurrency]
// 1. Peer bench (/work/shared/bench/peer-dev/cases.jsonl, evaluation only): strict/lenient F1 for
//    genuine, split into provider-format and generic/ambiguous candidates; placeholder F1.
// 2. The model's own held-out test split (models/data/out/dataset.jsonl), and its validation split (where
//    thresholds are picked): per-class P/R/F1, three-class macro-F1, and genuine F1 on provider-format vs
//    generic/ambiguous candidates; rules-only vs rules+model where the engine produced the candidate.
// 3. Latency: model inference per batch (p50/p99 at batch 1/8/64) and the added cost per MB scanned.
// Prints a table and a JSON result; writes bench/model/out/latest.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../src/detect/engine.js';
import { listPackFiles, loadPackFile, type CompiledPack } from '../../src/detect/packs/load.js';
import { FEATURE_NAMES, NUM_FEATURES, encodeCandidate, isStrong, type EncodedCandidate, type StrengthLookup } from '../../src/detect/model/features.js';
import { fuse, modelClass } from '../../src/detect/model/fusion.js';
import { createClassifier } from '../../src/detect/model/index.js';
import { loadOnnxSession, type Thresholds } from '../../src/detect/model/session.js';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Finding, SecretClass } from '../../src/detect/types.js';
import { scoreCase, type Case, type Counts } from '../detect/score.js';
import { strengthFromPacks } from '../../src/detect/model/strength.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (k: string, d: string): string => {
  const i = process.argv.indexOf(k);
  return i >= 0 ? (process.argv[i + 1] ?? d) : d;
};
const CASES = arg('--cases', '/work/shared/bench/peer-dev/cases.jsonl');
const DATASET = arg('--dataset', join(ROOT, 'models/data/out/dataset.jsonl'));
// --model: another model file (its metadata next to it, .json), e.g. the previous version for a before/after.
const MODEL = arg('--model', join(ROOT, 'models/leakgate-classifier.onnx'));
// --meta: the model's metadata (thresholds) from another file, e.g. to compare fusion settings on one model.
const META = arg('--meta', MODEL.replace(/\.onnx$/, '.json'));
const CLASSES: SecretClass[] = ['genuine', 'placeholder', 'benign'];
const CUE_FEATURES = ['placeholder_word', 'template_syntax', 'key_cue_fake', 'path_test', 'path_doc', 'kind_doc', 'dict_word', 'sig_placeholder', 'in_comment', 'uuid_shape', 'digest_shape', 'key_cue_benign', 'sig_benign'];
const skippedPacks: string[] = [];

/** Packs one by one: a pack being edited elsewhere should not stop the benchmark (skips are reported). */
function packs(): CompiledPack[] {
  const out: CompiledPack[] = [];
  for (const f of listPackFiles([join(ROOT, 'filter-packs')])) {
    try {
      out.push(loadPackFile(f));
    } catch {
      if (!skippedPacks.includes(f)) skippedPacks.push(f);
    }
  }
  return out;
}

interface PRF {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}
const prf = (tp: number, fp: number, fn: number): PRF => {
  const p = tp + fp ? tp / (tp + fp) : 0;
  const r = tp + fn ? tp / (tp + fn) : 0;
  const r4 = (x: number): number => Math.round(x * 10000) / 10000;
  return { precision: r4(p), recall: r4(r), f1: r4(p + r ? (2 * p * r) / (p + r) : 0), tp, fp, fn };
};
const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function perClass(y: SecretClass[], pred: SecretClass[]): Record<string, PRF | number> {
  const out: Record<string, PRF | number> = {};
  for (const c of CLASSES) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < y.length; i++) {
      if (pred[i] === c && y[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (y[i] === c) fn++;
    }
    out[c] = prf(tp, fp, fn);
  }
  out['macro_f1'] = r3(CLASSES.reduce((s, c) => s + (out[c] as PRF).f1, 0) / 3);
  return out;
}

// ---------- 1. peer bench ----------

type C3 = [number, number, number];
interface PeerTally {
  all: C3;
  lenient: C3;
  provider: C3;
  generic: C3;
  placeholder: C3;
  bySource: Record<string, { strict: C3; lenient: C3 }>;
}

const newTally = (): PeerTally => ({ all: [0, 0, 0], lenient: [0, 0, 0], provider: [0, 0, 0], generic: [0, 0, 0], placeholder: [0, 0, 0], bySource: {} });
const isGenericLabel = (type: string): boolean => /generic|password|entropy|secret-key|api-key$|jwt|basic-auth|connection|url/.test(type) && !/^(aws|github|gitlab|slack|stripe|openai|anthropic)/.test(type);
const addC = (t: C3, c: Counts): void => {
  t[0] += c.tp;
  t[1] += c.fp;
  t[2] += c.fn;
};

/**
 * Genuine task scored by bench/detect/score.ts (the same scorer as bench/detect): strict = same line,
 * exact value; lenient = containment ≥ 80%. Provider/generic split: labels by the peer's type; a false
 * positive goes to the group of the finding's own structure (strong → provider).
 */
function tallyCase(t: PeerTally, c: Case, findings: Finding[], strengthOf: StrengthLookup): void {
  const gen = findings.filter((f) => f.class === 'genuine');
  const preds = gen.map((f) => ({ line: f.line, value: f.value }));
  const strict = scoreCase(c.secrets, preds, true);
  const lenient = scoreCase(c.secrets, preds, false);
  addC(t.all, strict);
  addC(t.lenient, lenient);
  const src = (t.bySource[c.source] ??= { strict: [0, 0, 0], lenient: [0, 0, 0] });
  addC(src.strict, strict);
  addC(src.lenient, lenient);
  for (const g of ['provider', 'generic'] as const) {
    const labels = c.secrets.filter((s) => s.class === 'genuine' && (isGenericLabel(s.type ?? '') ? 'generic' : 'provider') === g);
    const others = c.secrets.filter((s) => s.class === 'genuine' && !labels.includes(s));
    const mine = gen.filter((f) => {
      if (labels.some((s) => s.line === f.line && s.value === f.value)) return true;
      if (others.some((s) => s.line === f.line && s.value === f.value)) return false;
      return (isStrong(f.type, f.signals, f.detectors, strengthOf) ? 'provider' : 'generic') === g;
    });
    addC(t[g], scoreCase(labels, mine.map((f) => ({ line: f.line, value: f.value })), true));
  }
  // Placeholder task (as bench/detect): a labelled placeholder found as placeholder is a TP; a
  // placeholder finding on a line with no placeholder label is an FP.
  const ph = c.secrets.filter((x) => x.class === 'placeholder');
  const phPreds = findings.filter((f) => f.class === 'placeholder');
  const hit = ph.filter((s) => phPreds.some((p) => p.line === s.line && (p.value.includes(s.value) || s.value.includes(p.value)))).length;
  t.placeholder[0] += hit;
  t.placeholder[2] += ph.length - hit;
  t.placeholder[1] += phPreds.filter((p) => !ph.some((s) => s.line === p.line)).length;
}

const summarise = (t: PeerTally): Record<string, unknown> => ({
  genuine_strict: prf(...t.all),
  genuine_lenient: prf(...t.lenient),
  genuine_provider_format: prf(...t.provider),
  genuine_generic: prf(...t.generic),
  placeholder: prf(...t.placeholder),
  by_source: Object.fromEntries(Object.entries(t.bySource).map(([k, v]) => [k, { strict: prf(...v.strict), lenient: prf(...v.lenient) }])),
});

const EXT_PATH: Record<string, string> = { txt: 'snippet.txt' };

async function peerBench(demoteMeta?: string): Promise<Record<string, unknown> | null> {
  if (!existsSync(CASES)) return null;
  const cases = readFileSync(CASES, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Case);
  const cfg = ConfigSchema.parse({ upstreams: {} }).model;
  const classifier = await createClassifier({ ...cfg, path: MODEL, deadlineMs: 1000 }, { metaPath: demoteMeta ?? META });
  const engine = createEngine({ packs: packs(), classifier });
  const rules = newTally();
  const model = newTally();
  const strengthOf = strengthFromPacks([join(ROOT, 'filter-packs')]);
  let changed = 0;
  // What the model changed, scored against the labels: promotions to genuine and demotions from it.
  const moves = { promoted_correct: 0, promoted_wrong: 0, demoted_correct: 0, demoted_wrong: 0, timeouts: 0 };
  const movesByType: Record<string, number> = {};
  const movesByConfidence: Record<string, number> = {};
  const demotionSignals: Record<string, number> = {};
  const demotionCues: Record<string, number> = {};
  const genericHeadroom: Record<string, number> = {};
  const genericPlaceholderCues: Record<string, number> = {};
  const isGold = (c: Case, f: Finding): boolean => c.secrets.some((s) => s.class === 'genuine' && s.line === f.line && s.value === f.value);
  for (const c of cases) {
    const seg = [{ path: c.id, text: c.text }];
    const ctx = { filePath: EXT_PATH[c.ext] ?? `snippet.${c.ext}` };
    const fr = engine.scanRules(seg, ctx);
    // includeBenign: a demotion to benign is a move too (scan() would drop it from view); the tallies
    // below score only genuine and placeholder findings, so keeping benign ones changes no F1.
    const fm = await engine.scan(seg, { ...ctx, includeBenign: true });
    for (const f of fm) {
      if (f.signals.includes('model:timeout')) moves.timeouts++;
      const was = f.signals.find((s) => s.startsWith('rules:'));
      if (!was) continue;
      changed++;
      let move: keyof typeof moves | null = null;
      if (f.class === 'genuine') move = isGold(c, f) ? 'promoted_correct' : 'promoted_wrong';
      else if (was === 'rules:genuine') move = isGold(c, f) ? 'demoted_wrong' : 'demoted_correct';
      if (move !== null) {
        moves[move]++;
        // Aggregate counts only (finding type and the class it moved to/from): no case is printed.
        const k = `${move} ${f.type} ${was.slice(6)}->${f.class}`;
        movesByType[k] = (movesByType[k] ?? 0) + 1;
        // The model's confidence in the class it moved to (binned counts): can a confidence bar separate
        // right moves from wrong ones?
        const bin = f.confidence >= 0.97 ? '>=0.97' : f.confidence >= 0.9 ? '0.90-0.97' : f.confidence >= 0.7 ? '0.70-0.90' : '<0.70';
        const kb = `${move} ${bin}`;
        movesByConfidence[kb] = (movesByConfidence[kb] ?? 0) + 1;
        // Which rule signals the moved findings carried (signal names only; values never printed).
        if (move.startsWith('demoted')) {
          for (const sig of f.signals) {
            if (sig.startsWith('model:') || sig.startsWith('rules:')) continue;
            demotionSignals[`${move} ${sig}`] = (demotionSignals[`${move} ${sig}`] ?? 0) + 1;
          }
          // Which of the fusion's demotion cues (feature names) were on (counts only).
          const e = encodeCandidate(f, c.text, ctx, strengthOf);
          const on = CUE_FEATURES.filter((n) => (e.feats[FEATURE_NAMES.indexOf(n)] ?? 0) > 0);
          for (const n of on.length ? on : ['(none)']) demotionCues[`${move} ${f.class} ${n}`] = (demotionCues[`${move} ${f.class} ${n}`] ?? 0) + 1;
        }
      }
    }
    // Headroom (counts only): how each generic/ambiguous genuine label was found, rules vs rules+model.
    const frAll = engine.scanRules(seg, { ...ctx, includeBenign: true });
    for (const s of c.secrets) {
      if (s.class !== 'genuine' || !isGenericLabel(s.type ?? '')) continue;
      const at = (fs: Finding[]): string => fs.find((f) => f.line === s.line && f.value === s.value)?.class ?? 'not-found';
      const k = `rules ${at(frAll)} -> model ${at(fm)}`;
      genericHeadroom[k] = (genericHeadroom[k] ?? 0) + 1;
      // Which cues made the rules say placeholder on a labelled genuine (signal names only).
      const ph = frAll.find((f) => f.line === s.line && f.value === s.value && f.class === 'placeholder');
      for (const sig of ph?.signals.filter((x) => x.startsWith('placeholder:') || x === 'test-path' || x === 'doc-path' || x === 'nearby:example') ?? []) {
        genericPlaceholderCues[sig] = (genericPlaceholderCues[sig] ?? 0) + 1;
      }
    }
    tallyCase(rules, c, fr, strengthOf);
    tallyCase(model, c, fm, strengthOf);
  }
  await classifier.close();
  return { cases: cases.length, rules_only: summarise(rules), rules_model: summarise(model), findings_reclassified: changed, model_moves: moves, model_moves_by_type: movesByType, model_moves_by_confidence: movesByConfidence, demotion_signals: demotionSignals, demotion_cues: demotionCues, generic_labels_found_as: genericHeadroom, generic_labels_placeholder_cues: genericPlaceholderCues, classifier: classifier.stats() };
}

// ---------- 2. own test split ----------
interface Row {
  split: string;
  label: SecretClass;
  rulesClass: SecretClass | null;
  strong: boolean;
  type: string;
  group: string;
  v: number[];
  c: number[];
  f: number[];
}

/** Genuine P/R/F1 of one prediction over rows, split as the peer bench splits (finding type). */
function genuineByGroup(rows: readonly Row[], pred: readonly SecretClass[]): Record<string, PRF> {
  const out: Record<string, PRF> = {};
  for (const g of ['provider', 'generic', 'all'] as const) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    rows.forEach((r, i) => {
      if (g !== 'all' && (isGenericLabel(r.type) ? 'generic' : 'provider') !== g) return;
      if (pred[i] === 'genuine' && r.label === 'genuine') tp++;
      else if (pred[i] === 'genuine') fp++;
      else if (r.label === 'genuine') fn++;
    });
    out[g] = prf(tp, fp, fn);
  }
  return out;
}

async function probsFor(s: Awaited<ReturnType<typeof loadOnnxSession>>, rows: readonly Row[]): Promise<Float32Array> {
  const all = new Float32Array(rows.length * 3);
  for (let i = 0; i < rows.length; i += 256) {
    const batch: EncodedCandidate[] = rows.slice(i, i + 256).map((r) => ({ value: Int32Array.from(r.v), context: Int32Array.from(r.c), feats: Float32Array.from(r.f) }));
    all.set(await s.run(batch), i * 3);
  }
  return all;
}

async function ownSplit(): Promise<Record<string, unknown> | null> {
  if (!existsSync(DATASET)) return null;
  const bySplit: Record<'test' | 'val', Row[]> = { test: [], val: [] };
  for (const l of readFileSync(DATASET, 'utf8').split('\n')) {
    const sp = l.includes('"split":"test"') ? 'test' : l.includes('"split":"val"') ? 'val' : null;
    if (sp) bySplit[sp].push(JSON.parse(l) as Row);
  }
  const s = await loadOnnxSession(MODEL, META, 1);
  const th = s.meta.thresholds;
  const strongAt = FEATURE_NAMES.indexOf('strong_structure');
  // Rules+model through the product's own fusion (strong structure keeps the rules' class unless
  // demotion is configured); the encoded features carry whether the engine called it strong, and fuse()
  // gets the same encoded features as in serving.
  const fusedOf = (rows: readonly Row[], all: Float32Array, t: Thresholds): SecretClass[] =>
    rows.map((r, i) => {
      const f: Finding = {
        path: 'x', start: 0, end: 0, line: 1, column: 1, value: '', type: 'candidate', class: r.rulesClass!, confidence: 0.5,
        severity: 'high', detectors: [], pack: 'p', entropy: 0, signals: [r.f[strongAt] === 1 ? 'strength:strong' : 'strength:weak'],
      };
      return fuse(f, all.subarray(i * 3, i * 3 + 3), t, undefined, Float32Array.from(r.f)).class;
    });
  const out: Record<string, unknown> = {};
  for (const split of ['test', 'val'] as const) {
    const rows = bySplit[split];
    const all = await probsFor(s, rows);
    const y = rows.map((r) => r.label);
    const pred = rows.map((_, i) => modelClass(all.subarray(i * 3, i * 3 + 3), th.genuine));
    const o: Record<string, unknown> = { examples: rows.length, model: perClass(y, pred) };
    const idx = rows.map((r, i) => [r, i] as const).filter(([r]) => r.rulesClass !== null);
    const eng = idx.map(([r]) => r);
    const engProbs = new Float32Array(eng.length * 3);
    idx.forEach(([, i], k) => engProbs.set(all.subarray(i * 3, i * 3 + 3), k * 3));
    if (eng.length > 0) {
      const ye = eng.map((r) => r.label);
      const rulesPred = eng.map((r) => r.rulesClass!);
      const fusedPred = fusedOf(eng, engProbs, th);
      const alonePred = idx.map(([, i]) => pred[i]!);
      o['engine_found'] = eng.length;
      o['engine_rules_only'] = perClass(ye, rulesPred);
      o['engine_rules_model'] = perClass(ye, fusedPred);
      o['engine_model_alone'] = perClass(ye, alonePred);
      // The issue-5 split on the own data: genuine F1 on provider-format vs generic/ambiguous candidates
      // (the finding's type through the same isGenericLabel as the peer labels).
      o['genuine_by_group'] = { rules_only: genuineByGroup(eng, rulesPred), rules_model: genuineByGroup(eng, fusedPred), model_alone: genuineByGroup(eng, alonePred) };
      // How the fusion moved rules-genuine findings here (labels are the generator's).
      const moves = { promoted_correct: 0, promoted_wrong: 0, demoted_correct: 0, demoted_wrong: 0 };
      eng.forEach((r, k) => {
        const a = rulesPred[k]!;
        const b = fusedPred[k]!;
        if (a === b) return;
        if (b === 'genuine') moves[r.label === 'genuine' ? 'promoted_correct' : 'promoted_wrong']++;
        else if (a === 'genuine') moves[r.label === 'genuine' ? 'demoted_wrong' : 'demoted_correct']++;
      });
      o['fusion_moves'] = moves;
    }
    out[split] = o;
  }
  await s.close();
  return out;
}

// ---------- 3. latency ----------
function corpus(maxBytes: number): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  let total = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir).sort()) {
      if (total >= maxBytes) return;
      const p = join(dir, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.(js|ts|json|md|yml|py)$/.test(e) && st.size < 200_000) {
        out.push({ path: p.slice(ROOT.length + 1), text: readFileSync(p, 'utf8') });
        total += st.size;
      }
    }
  };
  for (const d of ['node_modules/undici/lib', 'node_modules/openai/resources', 'node_modules/zod/src', 'node_modules/pino', 'node_modules/yaml/dist']) {
    if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
  }
  return out;
}

async function latency(mb: number): Promise<Record<string, unknown>> {
  const rnd = (n: number): Int32Array => Int32Array.from({ length: n }, () => 1 + Math.floor(Math.random() * 95) + 32);
  const mk = (): EncodedCandidate => ({ value: rnd(64), context: rnd(160), feats: new Float32Array(NUM_FEATURES).fill(0.3) });
  // in_thread: InferenceSession.run itself; worker: the serving path (post to the model worker and back).
  const perBatch: Record<string, Record<string, { p50_ms: number; p99_ms: number; runs: number }>> = {};
  for (const mode of ['in_thread', 'worker'] as const) {
    const s = await loadOnnxSession(MODEL, META, 1, { worker: mode === 'worker' });
    const m: Record<string, { p50_ms: number; p99_ms: number; runs: number }> = {};
    for (const n of [1, 8, 64]) {
      const batch = Array.from({ length: n }, mk);
      for (let i = 0; i < 10; i++) await s.run(batch);
      const ts: number[] = [];
      const runs = n === 64 ? 200 : 400;
      for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint();
        await s.run(batch);
        ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      m[`batch_${n}`] = { p50_ms: r3(pct(ts, 0.5)), p99_ms: r3(pct(ts, 0.99)), runs };
    }
    perBatch[mode] = m;
    await s.close();
  }

  // Added cost per MB: scan() (rules + model) vs scanRules() on the same source files.
  const files = corpus(mb * 1024 * 1024);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const cfg = ConfigSchema.parse({ upstreams: {} }).model;
  const classifier = await createClassifier({ ...cfg, path: MODEL, deadlineMs: 1000 }, { metaPath: META });
  const engine = createEngine({ packs: packs(), classifier });
  const rulesMs: number[] = [];
  const modelMs: number[] = [];
  let candidates = 0;
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now();
    for (const f of files) engine.scanRules([f], { filePath: f.path });
    rulesMs.push(performance.now() - t0);
    t0 = performance.now();
    for (const f of files) await engine.scan([f], { filePath: f.path });
    modelMs.push(performance.now() - t0);
  }
  const before = classifier.stats();
  candidates = before.scored;
  await classifier.close();
  const mbs = bytes / (1024 * 1024);
  const rMed = pct(rulesMs, 0.5);
  const mMed = pct(modelMs, 0.5);
  return {
    per_batch: perBatch['worker'],
    per_batch_in_thread: perBatch['in_thread'],
    scan: {
      mb: r3(mbs),
      files: files.length,
      rules_ms_per_mb: r3(rMed / mbs),
      rules_model_ms_per_mb: r3(mMed / mbs),
      added_ms_per_mb: r3((mMed - rMed) / mbs),
      ratio: r3(mMed / rMed),
      model_scored_per_run: Math.round(candidates / 3),
      batches_per_run: Math.round(before.batches / 3),
    },
  };
}

// ---------- 4. concurrency ----------
// N concurrent scan() calls on 16 KB texts (each with weak and strong candidates), started over 200 ms, as
// a loaded gateway does: reports scan latency, model timeouts, and whether any timeout changed a strong
// provider finding's class (it must not: those stay on the rules' decision).
async function concurrency(conc: number): Promise<Record<string, unknown>> {
  const cfg = ConfigSchema.parse({ upstreams: {} }).model;
  const classifier = await createClassifier({ ...cfg, path: MODEL }, { metaPath: META });
  const engine = createEngine({ packs: packs(), classifier });
  const strengthOf = strengthFromPacks([join(ROOT, 'filter-packs')]);
  const filler = Array.from({ length: 400 }, (_, i) => `const value${i} = compute(${i}, "abc");`).join('\n');
  const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const tok = (n: number): string => Array.from({ length: n }, () => B62[Math.floor(Math.random() * 62)]).join('');
  const lat: number[] = [];
  let strongChanged = 0;
  let strong = 0;
  await Promise.all(
    Array.from({ length: conc }, async (_, i) => {
      const text = `${filler}\npassword = "${tok(14)}"\napi_key = "${tok(32)}"\ntoken: sk_live_${tok(24)}\nnote ${i}\n`;
      await new Promise((r) => setTimeout(r, Math.random() * 200));
      const t0 = performance.now();
      const fm = await engine.scan([{ path: 'p', text }], { filePath: 'app/config.py' });
      lat.push(performance.now() - t0);
      const fr = engine.scanRules([{ path: 'p', text }], { filePath: 'app/config.py' });
      for (const f of fr) {
        if (!isStrong(f.type, f.signals, f.detectors, strengthOf)) continue;
        strong++;
        const m = fm.find((x) => x.start === f.start && x.end === f.end);
        if (m && m.class !== f.class && !m.signals.includes('model:placeholder')) strongChanged++;
      }
    }),
  );
  const st = classifier.stats();
  await classifier.close();
  return { concurrent: conc, scan_p50_ms: r3(pct(lat, 0.5)), scan_p99_ms: r3(pct(lat, 0.99)), calls: st.calls, timeouts: st.timeouts, batches: st.batches, strong_findings: strong, strong_changed_without_model_demotion: strongChanged };
}

const f1 = (x: unknown): string => (typeof x === 'object' && x !== null && 'f1' in x ? ((x as PRF).f1).toFixed(3) : String(x));

async function main(): Promise<void> {
  const machine = { date: new Date().toISOString(), nproc: cpus().length, node: process.version, cpu: cpus()[0]?.model ?? 'unknown' };
  const only = arg('--only', 'all');
  const step = (name: string): boolean => {
    const on = only === 'all' || only.split(',').includes(name);
    if (on) console.error(`[bench/model] ${name} … ${new Date().toISOString()}`);
    return on;
  };
  let peer: Record<string, unknown> | null = null;
  if (step('peer')) {
    try {
      peer = await peerBench();
      if (peer && process.argv.includes('--demote')) {
        // Same run with strong-structure demotion enabled (p(placeholder) >= 0.9), for comparison.
        const m = JSON.parse(readFileSync(META, 'utf8')) as { thresholds: Record<string, unknown> };
        m.thresholds['strongDemotePlaceholder'] = 0.9;
        const tmp = join(ROOT, 'bench/model/out/meta-demote.json');
        mkdirSync(dirname(tmp), { recursive: true });
        writeFileSync(tmp, JSON.stringify(m));
        const d = await peerBench(tmp);
        peer['rules_model_demote_0.9'] = d?.['rules_model'];
      }
    } catch (err) {
      peer = { error: (err as Error).message };
    }
  }
  const own = step('own') ? await ownSplit() : null;
  const lat = step('latency') ? await latency(Number(arg('--mb', '1'))) : {};
  const conc = step('concurrency') ? [await concurrency(50), await concurrency(200)] : [];
  const result = { machine, skipped_packs: skippedPacks, model: JSON.parse(readFileSync(META, 'utf8')).version as string, peer, own_test_split: own, latency: lat, concurrency: conc };

  console.log('\n== peer bench (evaluation only) — rules only vs rules + model ==');
  if (peer && 'rules_only' in peer) {
    const ro = peer['rules_only'] as Record<string, PRF>;
    const rm = peer['rules_model'] as Record<string, PRF>;
    console.log('metric'.padEnd(26), 'rules'.padStart(8), 'rules+model'.padStart(12));
    for (const k of Object.keys(ro)) if (k !== 'by_source') console.log(k.padEnd(26), f1(ro[k]).padStart(8), f1(rm[k]).padStart(12));
    const bs = (x: Record<string, PRF>): Record<string, { strict: PRF }> => x['by_source'] as unknown as Record<string, { strict: PRF }>;
    for (const src of Object.keys(bs(ro))) console.log(`strict ${src}`.padEnd(26), f1(bs(ro)[src]!.strict).padStart(8), f1(bs(rm)[src]!.strict).padStart(12));
    console.log('model moves', JSON.stringify(peer['model_moves']));
    const byType = Object.entries((peer['model_moves_by_type'] ?? {}) as Record<string, number>).sort((a, b) => b[1] - a[1]);
    for (const [k, n] of byType.slice(0, 25)) console.log(`  ${String(n).padStart(4)}  ${k}`);
    console.log('model moves by confidence', JSON.stringify(peer['model_moves_by_confidence']));
    console.log('generic/ambiguous genuine labels, found as (strict line + value):', JSON.stringify(peer['generic_labels_found_as']));
    console.log('  cues on those the rules call placeholder:', JSON.stringify(peer['generic_labels_placeholder_cues']));
  } else console.log(JSON.stringify(peer));
  if (own) {
    for (const split of ['test', 'val'] as const) {
      const o = own[split] as Record<string, unknown>;
      console.log(`\n== own ${split} split (held-out families${split === 'val' ? '; fusion thresholds are picked here' : ''}) ==`);
      const m = o['model'] as Record<string, PRF | number>;
      for (const c of CLASSES) {
        const x = m[c] as PRF;
        console.log(`model alone ${c.padEnd(12)}`, `P ${x.precision.toFixed(3)}  R ${x.recall.toFixed(3)}  F1 ${x.f1.toFixed(3)}`);
      }
      console.log('model alone macro-F1', m['macro_f1']);
      if (!o['engine_rules_only']) continue;
      const ro = o['engine_rules_only'] as Record<string, PRF | number>;
      const rm = o['engine_rules_model'] as Record<string, PRF | number>;
      console.log(`engine-found (${String(o['engine_found'])}): macro-F1 rules ${String(ro['macro_f1'])}, rules+model ${String(rm['macro_f1'])} (model alone ${String((o['engine_model_alone'] as Record<string, unknown>)['macro_f1'])})`);
      for (const c of CLASSES) console.log(`  ${c.padEnd(12)} rules ${f1(ro[c])}  rules+model ${f1(rm[c])}`);
      const gb = o['genuine_by_group'] as Record<string, Record<string, PRF>>;
      for (const g of ['provider', 'generic', 'all']) {
        const a = gb['rules_only']![g]!;
        const b = gb['rules_model']![g]!;
        console.log(`  genuine ${g.padEnd(9)} rules ${a.f1.toFixed(3)} (${a.precision.toFixed(3)}/${a.recall.toFixed(3)})  rules+model ${b.f1.toFixed(3)} (${b.precision.toFixed(3)}/${b.recall.toFixed(3)})`);
      }
      console.log('  fusion moves', JSON.stringify(o['fusion_moves']));
    }
  }
  console.log('\n== latency ==');
  console.log(JSON.stringify(lat, null, 1));
  console.log('\n== concurrency ==');
  for (const c of conc) console.log(JSON.stringify(c));
  mkdirSync(join(ROOT, 'bench/model/out'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/model/out/latest.json'), JSON.stringify(result, null, 2));
  console.log('\nJSON ' + JSON.stringify(result));
}

await main();
