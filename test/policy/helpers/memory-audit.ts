// In-memory AuditLog for policy tests: keeps rows, fingerprints with a fixed test key, can fail.
import { createHmac } from 'node:crypto';
import type { AuditDecision, AuditLog } from '../../../src/audit/types.js';

export class MemoryAudit implements AuditLog {
  readonly rows: AuditDecision[] = [];
  /** When true, record() rejects. */
  failing = false;
  /** Resolve record() only after this many ms (to check callers wait for the commit). */
  delayMs = 0;
  committed = 0;

  async record(decision: AuditDecision): Promise<void> {
    if (this.failing) throw new Error('disk full');
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    this.rows.push(structuredClone(decision));
    this.committed++;
  }

  fingerprint(value: string): string {
    return createHmac('sha256', 'policy-test-key').update(value).digest('hex');
  }

  async close(): Promise<void> {}

  healthy(): boolean {
    return !this.failing;
  }
}
