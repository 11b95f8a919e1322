// Training-data generator for the classifier: `node --import tsx models/data/generate.ts --seed 1`.
// Writes models/data/out/dataset.jsonl (already-encoded model inputs + label; features come from
// src/detect/model/features.ts, the serving code) and models/data/out/stats.json (for the data card).
// Candidates come from the rule engine's scanRules() on each generated text when it finds the
// planted value (realistic findings and signals); otherwise a finding is built for the planted span.
// Never reads /work/shared/bench/ (an evaluation set).
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCandidate, isStrong } from '../../src/detect/model/features.js';
import type { Finding, ScanContext, SecretClass } from '../../src/detect/types.js';
import { FAMILIES, SLOT, styleKey, type Family, type PathKind } from './contexts.js';
import { NearDupFilter } from './dedupe.js';
import { harvestRealText } from './realtext.js';
import { fnv1a, makeRng, type Rng } from './rng.js';
import { benign, benignUnderSecretName, chosenPassword, genuine, placeholder, randomShaped, testModeKey, WEAK_PASSWORDS, type Val } from './values.js';
import { loadRuleScanner, type RuleScanner } from './rule-scanner.js';

const HERE = dirname(fileURLToPath(import.meta.url));

const SECRET_KEYS = [
  'api_key', 'secret_key', 'access_token', 'auth_token', 'client_secret', 'password', 'db_password', 'database_password', 'admin_password',
  'token', 'private_key', 'signing_secret', 'webhook_secret', 'session_secret', 'jwt_secret', 'openai_api_key', 'github_token',
  'stripe_secret_key', 'aws_secret_access_key', 'slack_token', 'smtp_password', 'redis_password', 'encryption_key', 'master_key',
  'app_secret', 'refresh_token', 'bearer_token', 'service_account_key', 'api_token', 'secret', 'passwd', 'pwd', 'auth_key', 'access_key',
];
const PASSWORD_KEYS = ['password', 'db_password', 'database_password', 'admin_password', 'smtp_password', 'redis_password', 'passwd', 'pwd', 'user_password', 'root_password'];
// Password key names in other languages (the generic pack's password keywords cover these).
const INTL_PASSWORD_KEYS = ['passwort', 'kennwort', 'contrasena', 'senha', 'mot_de_passe', 'motdepasse', 'wachtwoord', 'parola', 'haslo', 'sifre', 'salasana', 'db_passwort', 'senha_db'];
const FAKE_KEYS = ['fake_api_key', 'test_token', 'dummy_password', 'mock_secret', 'example_key', 'sample_api_key', 'stub_token', 'test_secret_key', 'fake_password', 'placeholder_token', 'test_api_key', 'mock_access_token'];

export interface Example {
  id: string;
  split: 'train' | 'val' | 'test';
  family: string;
  group: string;
  source: 'synthetic' | 'real';
  label: SecretClass;
  type: string;
  kind: string;
  /** How the finding was obtained: the rule engine, or a finding built for the planted span. */
  finder: 'engine' | 'planted' | 'harvest';
  rulesClass: SecretClass | null;
  strong: boolean;
  v: number[];
  c: number[];
  f: number[];
  /** Window text for near-duplicate removal (not written). */
  window?: string;
}

/** Families go to splits by a hash of their name: no family spans two splits. */
export function splitOf(family: string, seed: number): Example['split'] {
  const h = fnv1a(`${seed}:${family}`) % 100;
  return h < 16 ? 'test' : h < 28 ? 'val' : 'train';
}

function resolveType(v: Val, key: string | null): string {
  if (v.type !== 'generic') return v.type;
  if (key === null) return 'high-entropy-string';
  if (/pass|pwd/.test(key)) return 'generic-password';
  return 'generic-api-key';
}

interface Plan {
  label: SecretClass;
  val: Val;
  key: string | null;
  pathKind: PathKind;
}

function plan(r: Rng, fam: Family): Plan {
  const keyed = fam.style !== 'none';
  let label: SecretClass = r.pick(['genuine', 'genuine', 'genuine', 'placeholder', 'placeholder', 'placeholder', 'benign', 'benign'] as const);
  if (fam.secretOnly && label === 'benign') label = r.chance(0.5) ? 'genuine' : 'placeholder';
  const pathKind: PathKind = r.chance(0.12) ? 'test' : r.chance(0.08) ? 'doc' : 'prod';
  const pwKey = (): string => (r.chance(0.15) ? r.pick(INTL_PASSWORD_KEYS) : r.pick(PASSWORD_KEYS));
  if (label === 'genuine') {
    // A provider's test/sandbox key is a real credential of a test account: genuine (issue 5).
    if (r.chance(0.08)) {
      const tk = testModeKey(r);
      return { label, val: tk, key: keyed ? r.pick(tk.keys) : null, pathKind };
    }
    let val = genuine(r);
    // Passwords people choose (words + digits + symbols), not only random strings.
    if (val.kind === 'password' && r.chance(0.5)) val = { ...val, value: chosenPassword(r), kind: 'chosen-password' };
    const key = keyed ? (val.kind === 'password' || val.kind === 'chosen-password' ? (r.chance(0.7) ? pwKey() : r.pick(SECRET_KEYS)) : r.pick(SECRET_KEYS)) : null;
    return { label, val, key, pathKind };
  }
  if (label === 'placeholder') {
    const u = r.next();
    // Known weak/example passwords under password names (changeme, password123, <your-password>).
    if (keyed && u < 0.14) return { label, val: { value: r.pick(WEAK_PASSWORDS), type: 'generic', strong: false, kind: 'weak-password' }, key: pwKey(), pathKind };
    if (u < 0.8 || !keyed) return { label, val: placeholder(r), key: keyed ? r.pick(SECRET_KEYS) : null, pathKind };
    // A random value is a placeholder when its own name says it is fake (test-versus-production cue).
    return { label, val: r.chance(0.5) ? randomShaped(r) : genuine(r), key: r.pick(FAKE_KEYS), pathKind: r.chance(0.6) ? 'test' : pathKind };
  }
  const u = r.next();
  if (keyed && u < 0.12) {
    // An id, hash, time or reference under a secret-ish name (api_key_id, token_hash, secret_name).
    const b = benignUnderSecretName(r);
    return { label, val: b.val, key: b.key, pathKind };
  }
  const b = benign(r);
  if (u < 0.36 && keyed) {
    // A random-looking value under a benign name (hash, id, digest): only the context says benign.
    const rv = randomShaped(r);
    return { label, val: rv, key: r.pick(['checksum', 'sha256', 'commit_sha', 'etag', 'content_hash', 'request_id', 'trace_id', 'build_id', 'cache_key', 'fingerprint', 'revision', 'image_digest']), pathKind };
  }
  return { label, val: b, key: keyed ? r.pick(b.keys) : null, pathKind };
}

function renderExample(r: Rng, fam: Family, p: Plan): { text: string; start: number; ctx: ScanContext } {
  const key = p.key === null ? 'value' : styleKey(p.key, fam.style);
  const out = fam.render(r, key, p.pathKind);
  const start = out.text.indexOf(SLOT);
  const text = out.text.slice(0, start) + p.val.value + out.text.slice(start + 1);
  const ctx: ScanContext = fam.group === 'chat' || !out.filePath ? { fileKind: 'prompt' } : { filePath: out.filePath };
  return { text, start, ctx };
}

function plantedFinding(text: string, start: number, v: Val, type: string): Finding {
  const before = text.slice(0, start);
  const line = before.split('\n').length;
  return {
    path: 'gen',
    start,
    end: start + v.value.length,
    line,
    column: start - before.lastIndexOf('\n'),
    value: v.value,
    type,
    class: 'genuine',
    confidence: 0.6,
    severity: 'high',
    detectors: [type],
    pack: 'gen',
    entropy: 0,
    signals: v.strong ? ['strength:strong'] : ['strength:weak'],
  };
}

function windowText(text: string, start: number, end: number): string {
  const ls = text.lastIndexOf('\n', Math.max(0, start - 1));
  const a = Math.max(0, start - 120, ls - 120);
  return text.slice(a, Math.min(text.length, end + 60));
}

function parseArgs(argv: string[]): { seed: number; n: number; real: number; out: string; engine: boolean } {
  const get = (k: string): string | undefined => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    seed: Number(get('--seed') ?? 1),
    n: Number(get('--n') ?? 60_000),
    real: Number(get('--real') ?? 8_000),
    out: get('--out') ?? join(HERE, 'out'),
    engine: !argv.includes('--no-engine'),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const r = makeRng(args.seed);
  const scanner: RuleScanner | null = args.engine ? await loadRuleScanner() : null;
  const dedupe = new NearDupFilter();
  const examples: Example[] = [];
  const counts = { synthetic: 0, real: 0, dropped_near_dup: 0, engine_found: 0, engine_missed: 0, planted: 0 };

  for (let i = 0; i < args.n; i++) {
    const fam = r.pick(FAMILIES);
    const p = plan(r, fam);
    const { text, start, ctx } = renderExample(r, fam, p);
    let finding: Finding | undefined;
    let finder: Example['finder'] = 'planted';
    const end = start + p.val.value.length;
    if (scanner) {
      const hit = scanner.findAt(text, ctx, start, end);
      if (hit) {
        finding = hit;
        finder = 'engine';
      }
    }
    if (!finding && scanner) {
      // The engine does not report this value, so the model would never see it: not a training example.
      counts.engine_missed++;
      continue;
    }
    finding ??= plantedFinding(text, start, p.val, resolveType(p.val, p.key));
    const window = windowText(text, finding.start, finding.end);
    if (!dedupe.admit(window)) {
      counts.dropped_near_dup++;
      continue;
    }
    const e = encodeCandidate(finding, text, ctx, scanner?.strengthOf);
    examples.push({
      id: `syn-${i}`,
      split: splitOf(fam.name, args.seed),
      family: fam.name,
      group: fam.group,
      source: 'synthetic',
      label: p.label,
      type: finding.type,
      kind: p.val.kind,
      finder,
      rulesClass: finder === 'engine' ? finding.class : null,
      strong: isStrong(finding.type, finding.signals, finding.detectors, scanner?.strengthOf),
      v: Array.from(e.value),
      c: Array.from(e.context),
      f: Array.from(e.feats, (x) => Math.round(x * 1e4) / 1e4),
    });
    counts.synthetic++;
    if (finder === 'engine') counts.engine_found++;
    else counts.planted++;
  }

  // Hard negatives: real text with no real secrets (installed sources), labelled by heuristics.
  const real = harvestRealText(makeRng(args.seed + 101), args.real, scanner);
  for (const h of real.items) {
    if (!dedupe.admit(windowText(h.text, h.finding.start, h.finding.end))) {
      counts.dropped_near_dup++;
      continue;
    }
    const e = encodeCandidate(h.finding, h.text, h.ctx, scanner?.strengthOf);
    examples.push({
      id: `real-${examples.length}`,
      split: splitOf(`real:${h.family}`, args.seed),
      family: `real:${h.family}`,
      group: `real-${h.group}`,
      source: 'real',
      label: h.label,
      type: h.finding.type,
      kind: h.kind,
      finder: h.finder,
      rulesClass: h.finder === 'engine' ? h.finding.class : null,
      strong: false,
      v: Array.from(e.value),
      c: Array.from(e.context),
      f: Array.from(e.feats, (x) => Math.round(x * 1e4) / 1e4),
    });
    counts.real++;
  }

  mkdirSync(args.out, { recursive: true });
  const ws = createWriteStream(join(args.out, 'dataset.jsonl'));
  for (const ex of examples) ws.write(JSON.stringify(ex) + '\n');
  await new Promise<void>((res) => ws.end(res));

  const tally = (key: (e: Example) => string): Record<string, Record<string, number>> => {
    const t: Record<string, Record<string, number>> = {};
    for (const e of examples) {
      const k = key(e);
      const row = (t[k] ??= { genuine: 0, placeholder: 0, benign: 0 });
      row[e.label] = (row[e.label] ?? 0) + 1;
    }
    return t;
  };
  const stats = {
    seed: args.seed,
    counts,
    real_skipped: real.skipped,
    real_sources: real.sources,
    by_split: tally((e) => e.split),
    by_source: tally((e) => e.source),
    by_group: tally((e) => e.group),
    by_kind: tally((e) => e.kind),
    by_type: tally((e) => e.type),
    by_finder: tally((e) => e.finder),
    families: Object.fromEntries(FAMILIES.map((f) => [f.name, splitOf(f.name, args.seed)])),
    real_review_sample: real.sample,
  };
  writeFileSync(join(args.out, 'stats.json'), JSON.stringify(stats, null, 2));
  console.log(JSON.stringify({ out: args.out, ...counts, by_split: stats.by_split }));
}

await main();
