// `leakgate scan --disagreements FILE`: candidates where the rules and the model disagree, for
// review and for the next training round. The value never leaves detect/: each record carries a
// fingerprint (SHA-256, or HMAC-SHA256 when a key is given) and the value's shape instead.
import { createHash, createHmac } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import type { Finding, SecretClass } from '../types.js';

export interface Disagreement {
  path: string;
  line: number;
  column: number;
  type: string;
  pack: string;
  detectors: string[];
  rulesClass: SecretClass;
  modelClass: SecretClass;
  /** Class after fusion (what policy acted on). */
  finalClass: SecretClass;
  confidence: number;
  entropy: number;
  length: number;
  shape: string;
  fingerprint: string;
  signals: string[];
}

const CLASS_RE = /^model:(genuine|placeholder|benign)$/;
const RULES_RE = /^rules:(genuine|placeholder|benign)$/;

/** Shape of a value: character classes run-length encoded (A upper, a lower, 9 digit), capped. */
export function shapeOf(value: string): string {
  let out = '';
  let prev = '';
  let run = 0;
  const flush = (): void => {
    if (run === 0) return;
    out += run > 1 ? `${prev}${run}` : prev;
  };
  for (const ch of value) {
    const c = /[A-Z]/.test(ch) ? 'A' : /[a-z]/.test(ch) ? 'a' : /[0-9]/.test(ch) ? '9' : ch;
    if (c === prev) run++;
    else {
      flush();
      prev = c;
      run = 1;
    }
    if (out.length > 64) break;
  }
  flush();
  return out.length > 64 ? `${out.slice(0, 63)}…` : out;
}

/** The rules' and the model's classes of a refined finding, when the model scored it. */
export function classesOf(f: Finding): { rules: SecretClass; model: SecretClass } | null {
  let model: SecretClass | null = null;
  let rules: SecretClass = f.class;
  for (const s of f.signals) {
    const m = CLASS_RE.exec(s);
    if (m) model = m[1] as SecretClass;
    const r = RULES_RE.exec(s);
    if (r) rules = r[1] as SecretClass;
  }
  return model === null ? null : { rules, model };
}

export function disagreementsOf(findings: readonly Finding[], key?: Buffer | string): Disagreement[] {
  const out: Disagreement[] = [];
  for (const f of findings) {
    const c = classesOf(f);
    if (c === null || c.rules === c.model) continue;
    const fingerprint = key === undefined ? createHash('sha256').update('leakgate-disagreement\0').update(f.value).digest('hex') : createHmac('sha256', key).update(f.value).digest('hex');
    out.push({
      path: f.path,
      line: f.line,
      column: f.column,
      type: f.type,
      pack: f.pack,
      detectors: f.detectors,
      rulesClass: c.rules,
      modelClass: c.model,
      finalClass: f.class,
      confidence: f.confidence,
      entropy: f.entropy,
      length: f.value.length,
      shape: shapeOf(f.value),
      fingerprint,
      signals: f.signals,
    });
  }
  return out;
}

/**
 * Append the disagreements among `findings` to `file` as JSONL (one record a line). Returns how many
 * were written. Call it once per scanned file/segment batch; the file is appended to, not replaced.
 */
export async function writeDisagreements(findings: readonly Finding[], file: string, opts: { key?: Buffer | string } = {}): Promise<number> {
  const ds = disagreementsOf(findings, opts.key);
  if (ds.length === 0) return 0;
  await appendFile(file, ds.map((d) => JSON.stringify(d)).join('\n') + '\n', { mode: 0o600 });
  return ds.length;
}
