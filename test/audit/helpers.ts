// Shared test helpers: temp dirs, synthetic decisions, synthetic secrets (generated at test time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigSchema } from '../../src/config/schema.js';
import type { AuditConfig } from '../../src/audit/index.js';
import type { AuditDecision, AuditLog } from '../../src/audit/types.js';

export function tempDir(prefix = 'lg-audit-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The audit section with defaults, plus overrides. */
export function auditConfig(overrides: Partial<AuditConfig>): AuditConfig {
  const base = ConfigSchema.parse({ upstreams: {} }).audit;
  return { ...base, ...overrides };
}

/** A synthetic secret in a real-looking format (random each run, never a real credential). */
export function fakeSecret(i: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(36);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return i % 2 === 0 ? `ghp_${s}` : `sk-proj-${s}`;
}

export function decision(log: AuditLog, i: number, secrets: string[] = []): AuditDecision {
  return {
    requestId: `req-${i}`,
    route: i % 3 === 0 ? 'anthropic' : 'openai',
    upstream: 'http://127.0.0.1:9/v1',
    tenant: i % 2 === 0 ? 'team-a' : 'team-b',
    direction: i % 2 === 0 ? 'request' : 'response',
    action: secrets.length ? 'redact' : 'allow',
    shadow: false,
    rulesetHash: 'sha256:' + '1'.repeat(64),
    modelVersion: 'test-model-1',
    findings: secrets.map((s, j) => ({
      type: s.startsWith('ghp_') ? 'github-pat' : 'openai-api-key',
      class: 'genuine' as const,
      confidence: 0.9731,
      entropy: 5.1234,
      detectors: ['github-pat'],
      signals: ['keyword:token', 'model:genuine'],
      path: `messages[${j}].content`,
      start: 10,
      end: 10 + s.length,
      action: 'redact' as const,
      fingerprint: log.fingerprint(s),
    })),
  };
}
