// The policy stage's contract: findings in, actions out. Knows nothing of wire formats.
import type { Finding } from '../detect/types.js';

export type Action = 'allow' | 'warn' | 'redact' | 'block';
export type Direction = 'request' | 'response';

/** Strength order: a request's action is the strongest of its findings'. */
export const ACTION_STRENGTH: Readonly<Record<Action, number>> = { allow: 0, warn: 1, redact: 2, block: 3 };

export function strongest(a: Action, b: Action): Action {
  return ACTION_STRENGTH[a] >= ACTION_STRENGTH[b] ? a : b;
}

export interface PolicyContext {
  /** Upstream/route name ('openai', 'anthropic', 'gemini', or a configured name). */
  route: string;
  /** Tenant id (configured header value, or keyed fingerprint of the client's API key), or 'default'. */
  tenant: string;
  direction: Direction;
}

export interface DecidedFinding extends Finding {
  action: Action;
  /** (additive) This finding's pack, route or tenant is in shadow mode: decided and audited, not enforced. */
  shadow?: boolean;
}

export interface Decision {
  /** What leakgate does (or, in shadow mode, would do). */
  action: Action;
  /** Shadow mode: decided and audited, but forwarded unchanged. */
  shadow: boolean;
  findings: DecidedFinding[];
  /** Set when the scan could not complete and the fail mode decided. */
  failure?: { code: string; reason: string };
}

/* ---- The seam between proxy/ and policy/: the gateway asks a Guard, per request. ---- */

export interface GuardResult {
  decision: Decision;
  /** New text per segment path for segments that changed (empty unless redacting, and never in shadow mode). */
  rewrites: Map<string, string>;
}

export interface StreamPush {
  /** Text safe to release to the client now for this channel (secrets replaced); may be ''. */
  text: string;
  /** 'block' means: stop the stream now (emit the provider's error event). */
  action: Action;
  /** On 'block': the finding types that caused it, for the client-facing message (never values). */
  types?: readonly string[];
}

/** Incremental scanner for one streamed response: one hold-back buffer per output channel. */
export interface StreamGuard {
  push(channel: string, text: string): StreamPush;
  /** The channel ended: release (scanned) everything still held for it. */
  flush(channel: string): StreamPush;
  /** Whole texts carried by a stream event (e.g. a 'done' event repeating the full output). */
  inspectWhole(segments: readonly import('../detect/types.js').Segment[]): GuardResult;
  /** The stream is over; records the response decision in the audit log. */
  end(outcome: 'complete' | 'aborted' | 'upstream_error'): Promise<Decision>;
}

export interface RequestMeta {
  requestId: string;
  /** Route/upstream name. */
  route: string;
  /** Upstream origin (for the audit row). */
  upstream: string;
  /** Incoming headers (tenant header, or the client's API key → keyed fingerprint; never stored raw). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Per-request guard: holds tenant, request id and the reversible-redaction vault. */
export interface RequestGuard {
  readonly tenant: string;
  /** Scan, decide, audit (resolves after the audit row is committed). Stage failures apply the fail mode. */
  inspect(direction: Direction, segments: readonly import('../detect/types.js').Segment[]): Promise<GuardResult>;
  /** The body could not be scanned (unparsable, over limit, …): apply the fail mode and audit it. */
  failure(direction: Direction, code: string, reason: string): Promise<Decision>;
  openStream(): StreamGuard;
}

export interface Guard {
  begin(meta: RequestMeta): RequestGuard;
  /** For /readyz: component states (model, audit, packs). */
  readiness(): { ready: boolean; components: Record<string, string> };
}
