// What a Guard's per-request and per-stream guards share: the engine holder, the verdict cache,
// the audit target, and the pieces of a decision both whole bodies and streams build the same way.
import type { DetectEngine, ScanContext, Segment } from '../detect/types.js';
import type { Scope } from './decide.js';
import type { PolicyLogger, PolicyMetrics } from './observe.js';
import type { RecordTarget } from './record.js';
import { marker, redactText, type RedactSpan } from './redact.js';
import type { Decision, DecidedFinding, Direction } from './types.js';
import type { RedactionVault } from './vault.js';
import type { VerdictCache } from './verdict-cache.js';

export const SCAN_FAILED = 'LG_ERR_SCAN_FAILED';

/** What every RequestGuard shares with its Guard. */
export interface GuardCore {
  /** The engine in force now (swapped on hot reload). */
  engine(): DetectEngine;
  cache: VerdictCache;
  record: RecordTarget;
  /** config.policy.streamHoldbackChars */
  maxHold: number;
  /** Released characters a stream channel keeps as scan context. */
  contextChars: number;
  logger?: PolicyLogger | undefined;
  metrics?: PolicyMetrics | undefined;
}

export function scanContextFor(direction: Direction): ScanContext {
  return { fileKind: direction === 'request' ? 'prompt' : 'completion' };
}

/** The decision when scanning could not complete: block (closed) or forward unscanned (open), shadow kept. */
export function failureDecision(scope: Scope, code: string, reason: string, findings: DecidedFinding[] = []): Decision {
  return {
    action: scope.fail === 'closed' ? 'block' : 'allow',
    shadow: scope.tenantShadow ?? scope.requestShadow,
    findings,
    failure: { code, reason },
  };
}

/**
 * Rewrites for redacted findings. Request values go into the vault as reversible tokens when the
 * route asks for it; response texts get vault tokens restored (after their own redaction).
 */
export function buildRewrites(
  segments: readonly Segment[],
  decision: Decision,
  direction: Direction,
  vault: RedactionVault | undefined,
): Map<string, string> {
  const rewrites = new Map<string, string>();
  if (decision.shadow || decision.action === 'block') return rewrites;
  const spans = new Map<string, RedactSpan[]>();
  for (const f of decision.findings) {
    if (f.shadow || f.action !== 'redact') continue;
    let list = spans.get(f.path);
    if (!list) spans.set(f.path, (list = []));
    list.push({ start: f.start, end: f.end, type: f.type, value: f.value });
  }
  const tokenize = direction === 'request' && vault !== undefined;
  for (const seg of segments) {
    const own = spans.get(seg.path);
    let text = own ? redactText(seg.text, own, (s) => (tokenize ? vault.tokenFor(s.type, s.value) : marker(s.type))) : seg.text;
    if (direction === 'response' && vault) text = vault.restore(text);
    if (text !== seg.text) rewrites.set(seg.path, text);
  }
  return rewrites;
}

