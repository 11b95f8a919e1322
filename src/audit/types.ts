// The audit stage's contract. Audit never sees raw secret values: callers hand it findings whose
// values were replaced by keyed fingerprints (see fingerprint.ts).
import type { Action, Direction } from '../policy/types.js';
import type { SecretClass } from '../detect/types.js';

export interface AuditFinding {
  type: string;
  class: SecretClass;
  confidence: number;
  entropy: number;
  detectors: string[];
  signals: string[];
  /** Segment path and UTF-16 offsets within it. */
  path: string;
  start: number;
  end: number;
  /** action taken on this finding */
  action: Action;
  /** hex HMAC-SHA256(audit key, value) */
  fingerprint: string;
}

export interface AuditDecision {
  requestId: string;
  route: string;
  upstream: string;
  tenant: string;
  /** 'gateway': a row the gateway writes about itself (e.g. a restart after an unclean shutdown). */
  direction: Direction | 'gateway';
  action: Action;
  shadow: boolean;
  /** fail-mode reason code, when the scan or a stage failed */
  failure?: { code: string; reason: string };
  rulesetHash: string;
  modelVersion: string;
  findings: AuditFinding[];
}

/** What the gateway needs from the audit log on its hot path. */
export interface AuditLog {
  /** Resolves once the row is committed (group commit); rejects when the log cannot be written. */
  record(decision: AuditDecision): Promise<void>;
  /** Keyed fingerprint of a secret value (HMAC-SHA256 with the audit key), hex. */
  fingerprint(value: string): string;
  /** Writes a final checkpoint and closes the store. */
  close(): Promise<void>;
  /** For /readyz. */
  healthy(): boolean;
}
