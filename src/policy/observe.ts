// What policy reports to the outside: a pino-compatible logger and a few counters. Both optional;
// the proxy wires them to pino and prom-client.
import type { Action, Direction } from './types.js';

export interface PolicyLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PolicyMetrics {
  /** One per audited decision. */
  decision?(direction: Direction, action: Action, shadow: boolean): void;
  /** A fail mode applied (LG_ERR_SCAN_FAILED, LG_ERR_AUDIT_FAILED, or the proxy's code). */
  failure?(code: string): void;
  /** Verdict cache lookups of one inspect(): segments served from cache, and scanned. */
  verdictCache?(hits: number, misses: number): void;
  /** A stream channel hit config.policy.streamHoldbackChars and released text the engine wanted held. */
  holdbackCapped?(route: string): void;
}
