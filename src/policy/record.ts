// Writes one decision into the audit log and applies config.audit.fail when the log refuses it.
// Audit never sees a value: each finding becomes an AuditFinding carrying only a keyed fingerprint.
import type { AuditDecision, AuditFinding, AuditLog } from '../audit/types.js';
import type { Decision, DecidedFinding, Direction } from './types.js';
import type { FailMode } from './decide.js';
import type { PolicyLogger, PolicyMetrics } from './observe.js';

export interface RecordTarget {
  audit: AuditLog;
  /** config.audit.enabled: false skips the write (the decision still stands). */
  enabled: boolean;
  /** config.audit.fail */
  fail: FailMode;
  logger?: PolicyLogger | undefined;
  metrics?: PolicyMetrics | undefined;
}

export interface RowMeta {
  requestId: string;
  route: string;
  upstream: string;
  tenant: string;
  direction: Direction;
  rulesetHash: string;
  modelVersion: string;
}

export function toAuditFinding(f: DecidedFinding, fingerprint: (value: string) => string): AuditFinding {
  return {
    type: f.type,
    class: f.class,
    confidence: f.confidence,
    entropy: f.entropy,
    detectors: [...f.detectors],
    // Shadowed findings are marked so an auditor can tell "would have" from "did".
    signals: f.shadow ? [...f.signals, 'policy:shadow'] : [...f.signals],
    path: f.path,
    start: f.start,
    end: f.end,
    action: f.action,
    fingerprint: fingerprint(f.value),
  };
}

export const AUDIT_FAILED = 'LG_ERR_AUDIT_FAILED';

/** Records `decision`; resolves after the commit with the decision that stands (block when audit fails closed). */
export async function recordDecision(t: RecordTarget, meta: RowMeta, decision: Decision): Promise<Decision> {
  t.metrics?.decision?.(meta.direction, decision.action, decision.shadow);
  if (decision.failure) t.metrics?.failure?.(decision.failure.code);
  if (!t.enabled) return decision;
  let row: AuditDecision;
  try {
    const fp = t.audit.fingerprint.bind(t.audit);
    row = {
      ...meta,
      action: decision.action,
      shadow: decision.shadow,
      findings: decision.findings.map((f) => toAuditFinding(f, fp)),
      ...(decision.failure ? { failure: decision.failure } : {}),
    };
    await t.audit.record(row);
    return decision;
  } catch (err) {
    t.metrics?.failure?.(AUDIT_FAILED);
    t.logger?.error({ requestId: meta.requestId, err: errorSummary(err), auditFail: t.fail }, 'audit log write failed');
    if (t.fail === 'open') return decision;
    return {
      ...decision,
      action: 'block',
      shadow: false,
      failure: { code: AUDIT_FAILED, reason: 'the audit log could not be written; blocked (audit.fail: closed)' },
    };
  }
}

/** An error's name and message for operator logs (never the scanned text: our stages don't put it in messages). */
export function errorSummary(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 300);
  return String(err).slice(0, 300);
}
