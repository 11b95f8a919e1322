// Hard negatives from real text with no real secrets: source files already on this machine
// (node_modules packages and Debian's Python standard library). Candidates come from the rule
// engine when available (else a small built-in candidate finder), labelled by heuristics:
// placeholder-looking values -> placeholder; a high-entropy value under a secret-like name is
// ambiguous (a library's test key looks exactly like a real one) and is skipped, not guessed;
// everything else -> benign. A review sample goes into stats.json for the data card.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, ScanContext, SecretClass } from '../../src/detect/types.js';
import { shannon } from '../../src/detect/model/features.js';
import type { Rng } from './rng.js';
import type { RuleScanner } from './rule-scanner.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = [
  { dir: join(ROOT, 'node_modules'), group: 'node_modules', exts: ['.js', '.mjs', '.cjs', '.ts', '.md', '.json', '.yml', '.yaml'] },
  { dir: '/usr/lib/python3.11', group: 'python-stdlib', exts: ['.py', '.txt', '.cfg'] },
];

export interface Harvested {
  text: string;
  ctx: ScanContext;
  finding: Finding;
  label: SecretClass;
  kind: string;
  family: string;
  group: string;
  finder: 'engine' | 'harvest';
}

// Env references count as placeholders, as in the synthetic data (a reference, not a value).
const PLACEHOLDER = /(your|example|sample|dummy|fake|changeme|placeholder|redacted|replace|xxxx|todo|foobar|lorem|mock|<[^>]+>|\$\{|\{\{|\*\*\*|process\.env|os\.environ|getenv|ENV\[)/i;
const WEAK = /^(secret|password|passw0rd|pass|admin|root|test|testing|changeit|qwerty|letmein|hunter2|s3cr3t)[-_]?\d{0,4}$/i;
const SECRET_NAME = /(pass|pwd|secret|token|api[_-]?key|apikey|auth|credential|private[_-]?key|access[_-]?key)/i;
const TOKEN = /[A-Za-z0-9+/_=.-]{20,200}/g;
const ASSIGN = /([A-Za-z_][\w.-]{1,40})\s*[:=]\s*["'`]([^"'`\s]{6,120})["'`]/g;

function walk(dir: string, exts: readonly string[], out: string[], limit: number): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries.sort()) {
    if (out.length >= limit) return;
    const p = join(dir, e);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (e === '.bin' || e === '__pycache__' || e === 'site-packages' || e === 'dist-packages') continue;
      walk(p, exts, out, limit);
    } else if (st.size > 200 && st.size < 400_000 && exts.some((x) => e.endsWith(x))) out.push(p);
  }
}

function ownCandidates(text: string): Finding[] {
  const out: Finding[] = [];
  const push = (start: number, value: string, type: string): void => {
    const before = text.slice(0, start);
    out.push({
      path: 'real', start, end: start + value.length, line: before.split('\n').length, column: start - before.lastIndexOf('\n'), value, type,
      class: 'benign', confidence: 0.5, severity: 'medium', detectors: [type], pack: 'harvest', entropy: shannon(value), signals: ['strength:weak'],
    });
  };
  for (const m of text.matchAll(ASSIGN)) {
    const name = m[1] ?? '';
    const value = m[2] ?? '';
    if (SECRET_NAME.test(name)) push((m.index ?? 0) + m[0].lastIndexOf(value), value, /pass|pwd/i.test(name) ? 'generic-password' : 'generic-api-key');
  }
  for (const m of text.matchAll(TOKEN)) {
    const value = m[0];
    if (shannon(value) >= 3.6 && /\d/.test(value) && /[a-zA-Z]/.test(value)) push(m.index ?? 0, value, 'high-entropy-string');
  }
  return out;
}

function labelOf(f: Finding, text: string): { label: SecretClass | null; kind: string } {
  const v = f.value;
  if (PLACEHOLDER.test(v) || /^(.)\1{5,}$/.test(v) || WEAK.test(v)) return { label: 'placeholder', kind: 'real-placeholder' };
  const ls = text.lastIndexOf('\n', f.start - 1) + 1;
  const lineLeft = text.slice(Math.max(ls, f.start - 80), f.start);
  const hexDigest = /^[0-9a-f]+$/i.test(v) && [32, 40, 64, 128].includes(v.length);
  if (SECRET_NAME.test(lineLeft) && shannon(v) >= 3.3 && v.length >= 12 && !hexDigest && !/^[A-Za-z_.]+$/.test(v)) return { label: null, kind: 'ambiguous' };
  return { label: 'benign', kind: hexDigest ? 'real-digest' : /^[A-Za-z_$][\w$]*$/.test(v) ? 'real-identifier' : 'real-other' };
}

function familyOf(path: string, base: string): string {
  const rel = relative(base, path).split('/');
  if (rel[0]?.startsWith('@')) return `${rel[0]}/${rel[1]}`;
  return rel[0] ?? 'root';
}

export function harvestRealText(r: Rng, maxItems: number, scanner: RuleScanner | null): { items: Harvested[]; skipped: Record<string, number>; sources: Record<string, number>; sample: unknown[] } {
  const items: Harvested[] = [];
  const skipped: Record<string, number> = { ambiguous: 0, per_file_cap: 0 };
  const sources: Record<string, number> = {};
  for (const src of SOURCES) {
    const files: string[] = [];
    walk(src.dir, src.exts, files, 60_000);
    // Shuffle deterministically and read files until this source's share is filled.
    for (let i = files.length - 1; i > 0; i--) {
      const j = Math.floor(r.next() * (i + 1));
      [files[i], files[j]] = [files[j]!, files[i]!];
    }
    const share = Math.floor(maxItems / SOURCES.length);
    let taken = 0;
    for (const file of files) {
      if (taken >= share) break;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      // The first 24 KB (cut at a line end) is plenty of context and bounds the rule engine's time.
      if (text.length > 24_000) text = text.slice(0, text.lastIndexOf('\n', 24_000) + 1 || 24_000);
      const ctx: ScanContext = { filePath: relative(src.dir, file) };
      const found = scanner ? scanner.scanAll(text, ctx) : ownCandidates(text);
      let perFile = 0;
      for (const f of found) {
        if (perFile >= 6) {
          skipped['per_file_cap']!++;
          continue;
        }
        const { label, kind } = labelOf(f, text);
        if (label === null) {
          skipped['ambiguous']!++;
          continue;
        }
        perFile++;
        taken++;
        items.push({ text, ctx, finding: f, label, kind, family: familyOf(file, src.dir), group: src.group, finder: scanner ? 'engine' : 'harvest' });
      }
    }
    sources[src.group] = taken;
  }
  const sample: unknown[] = [];
  for (let i = 0; i < 40 && items.length > 0; i++) {
    const h = items[Math.floor(r.next() * items.length)]!;
    const ls = h.text.lastIndexOf('\n', h.finding.start - 1) + 1;
    const le = h.text.indexOf('\n', h.finding.end);
    sample.push({ label: h.label, type: h.finding.type, file: h.ctx.filePath, line: h.text.slice(ls, le < 0 ? undefined : le).slice(0, 160) });
  }
  return { items, skipped, sources, sample };
}
