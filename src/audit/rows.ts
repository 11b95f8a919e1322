// The two row kinds of an audit log and their canonical field names. Everything a row says is in
// its canonical object (what the hash covers); the SQLite columns beside it are only an index.
import type { AuditDecision, AuditFinding } from './types.js';
import { canonicalJson as canonicalJsonOf, type CanonicalValue } from './canonical.js';

export const FORMAT_VERSION = 1;
export const FORMAT_NAME = 'leakgate-audit/1';

/** Keys an export line adds around a row; never part of a row's canonical object. */
export const EXPORT_ONLY_KEYS = ['hash', 'genesis', 'checkpoints'] as const;

export interface CanonicalFinding {
  [key: string]: CanonicalValue;
  type: string;
  class: string;
  action: string;
  /** confidence × 10 000, rounded (0..10000). */
  confidence_e4: number;
  /** Shannon entropy in bits per character × 1 000, rounded. */
  entropy_e3: number;
  detectors: string[];
  signals: string[];
  path: string;
  start: number;
  end: number;
  fingerprint: string;
}

/** A decision row without its chain fields (seq, prev), as record() builds it. */
export interface DecisionBody {
  [key: string]: CanonicalValue;
  v: number;
  kind: 'decision';
  time: string;
  request_id: string;
  route: string;
  upstream: string;
  tenant: string;
  direction: string;
  action: string;
  shadow: boolean;
  failure: { code: string; reason: string } | null;
  ruleset_hash: string;
  model_version: string;
  findings: CanonicalFinding[];
}

export interface GenesisBody {
  [key: string]: CanonicalValue;
  v: number;
  kind: 'genesis';
  format: string;
  time: string;
  log_id: string;
  /** Ed25519 public key, base64 of the 32 raw bytes. */
  public_key: string;
  key_name: string;
  /** The file this one continues after rotation, or null. */
  previous: { log_id: string; size: number; head: string } | null;
}

function scaled(x: number, factor: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.round(x * factor);
}

function canonicalFinding(f: AuditFinding): CanonicalFinding {
  return {
    type: String(f.type),
    class: String(f.class),
    action: String(f.action),
    confidence_e4: scaled(f.confidence, 10_000),
    entropy_e3: scaled(f.entropy, 1_000),
    detectors: f.detectors.map(String),
    signals: f.signals.map(String),
    path: String(f.path),
    start: Math.trunc(f.start),
    end: Math.trunc(f.end),
    fingerprint: f.fingerprint,
  };
}

export function decisionBody(d: AuditDecision, timeMs: number): DecisionBody {
  return {
    v: FORMAT_VERSION,
    kind: 'decision',
    time: new Date(timeMs).toISOString(),
    request_id: String(d.requestId),
    route: String(d.route),
    upstream: String(d.upstream),
    tenant: String(d.tenant),
    direction: d.direction,
    action: d.action,
    shadow: d.shadow === true,
    failure: d.failure ? { code: String(d.failure.code), reason: String(d.failure.reason) } : null,
    ruleset_hash: String(d.rulesetHash),
    model_version: String(d.modelVersion),
    findings: d.findings.map(canonicalFinding),
  };
}

/** A string or a safe integer as canonical JSON (the checks canonicalJson makes). */
function str(s: string): string {
  if (typeof s !== 'string') throw new TypeError('canonical JSON: expected a string');
  return JSON.stringify(s);
}

function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`canonical JSON: ${n} is not a safe integer`);
  return JSON.stringify(n);
}

function strings(xs: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < xs.length; i++) out += (i > 0 ? ',' : '') + str(xs[i] as string);
  return out + ']';
}

const DECISION_KEYS = 14;
const FINDING_KEYS = 11;

/**
 * The canonical text of a decision row, written field by field in canonical (sorted) key order:
 * the same bytes as canonicalJson({ ...body, seq, prev }) (test/audit/canonical.test.ts checks it on
 * random rows) at a fraction of its cost, which the writer pays per decision. A body with other keys
 * than decisionBody() makes goes through canonicalJson.
 */
export function decisionText(b: DecisionBody, seq: number, prev: string): string {
  if (Object.keys(b).length !== DECISION_KEYS || b.findings.some((f) => Object.keys(f).length !== FINDING_KEYS) ||
      (b.failure !== null && Object.keys(b.failure).length !== 2)) {
    return canonicalJsonOf({ ...b, seq, prev });
  }
  let findings = '[';
  for (let i = 0; i < b.findings.length; i++) {
    const f = b.findings[i] as CanonicalFinding;
    findings += `${i > 0 ? ',' : ''}{"action":${str(f.action)},"class":${str(f.class)},"confidence_e4":${int(f.confidence_e4)},"detectors":${strings(f.detectors)},"end":${int(f.end)},"entropy_e3":${int(f.entropy_e3)},"fingerprint":${str(f.fingerprint)},"path":${str(f.path)},"signals":${strings(f.signals)},"start":${int(f.start)},"type":${str(f.type)}}`;
  }
  findings += ']';
  const failure = b.failure === null ? 'null' : `{"code":${str(b.failure.code)},"reason":${str(b.failure.reason)}}`;
  return `{"action":${str(b.action)},"direction":${str(b.direction)},"failure":${failure},"findings":${findings},"kind":${str(b.kind)},"model_version":${str(b.model_version)},"prev":${str(prev)},"request_id":${str(b.request_id)},"route":${str(b.route)},"ruleset_hash":${str(b.ruleset_hash)},"seq":${int(seq)},"shadow":${b.shadow ? 'true' : 'false'},"tenant":${str(b.tenant)},"time":${str(b.time)},"upstream":${str(b.upstream)},"v":${int(b.v)}}`;
}
