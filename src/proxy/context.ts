// What every handler of one gateway shares: frozen config, routes, the policy guard, logger, metrics.
import type { BodyBudget } from './body-budget.js';
import type { Config } from '../config/schema.js';
import type { Guard, Action } from '../policy/types.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { Logger } from './log.js';
import type { GatewayMetrics } from './metrics.js';
import type { Upstream } from './upstreams.js';

export interface Route {
  readonly name: string;
  readonly upstream: Upstream;
  readonly adapter: ProviderAdapter;
}

export interface GatewayContext {
  readonly config: Readonly<Config>;
  readonly routes: ReadonlyMap<string, Route>;
  readonly guard: Guard;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Set once close() starts: readiness fails and responses ask clients to close the connection. */
  draining: boolean;
  /** Request-body bytes held at once, all requests together (server.maxBufferedBytes). */
  readonly bodyBudget: BodyBudget;
}

/** Per-request bookkeeping for the log line and metrics (never a body or a header value). */
export interface Exchange {
  readonly id: string;
  readonly started: bigint;
  readonly method: string;
  route: string;
  /** Path without the query (Gemini puts API keys in ?key=). */
  path: string;
  action: Action;
  bytesIn: number;
  bytesOut: number;
  /** LG_ERR_* code of a failure the gateway answered itself. */
  error?: string;
  /** Upstream failure kind, when one happened. */
  upstreamError?: string;
  /** Set when the stream was stopped by policy. */
  streamOutcome?: string;
  /** Set when the response body was a binary media type forwarded unscanned (its label). */
  unscanned?: string;
}
