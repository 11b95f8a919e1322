// One undici Pool per configured upstream: keep-alive connections, connect/headers/body timeouts,
// responses streamed (never buffered here). Only these pools ever send a request, so only configured
// upstreams are ever contacted.
import { Pool } from 'undici';
import type { UpstreamConfig } from '../config/schema.js';
import { ProxyFailure } from './failure.js';

export interface Upstream {
  readonly name: string;
  readonly config: Readonly<UpstreamConfig>;
  /** scheme://host[:port] */
  readonly origin: string;
  /** Path prefix of the configured URL without a trailing slash ('' for none). */
  readonly basePath: string;
  readonly pool: Pool;
}

export function createUpstream(name: string, config: Readonly<UpstreamConfig>): Upstream {
  const url = new URL(config.url);
  const basePath = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, {
    connections: config.connections,
    connectTimeout: config.connectTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
  return { name, config, origin: url.origin, basePath, pool };
}

/** The path sent upstream: configured prefix + the route's subpath + the query, as received. */
export function upstreamPath(up: Upstream, subpath: string, query: string): string {
  const path = up.basePath + (subpath === '/' && up.basePath !== '' ? '' : subpath);
  return (path === '' ? '/' : path) + (query ? `?${query}` : '');
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps an undici/socket error to the 502/504 failure the client sees. */
export function upstreamFailure(up: Upstream, err: unknown): ProxyFailure {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (TIMEOUT_CODES.has(code)) {
    return new ProxyFailure('LG_ERR_UPSTREAM_TIMEOUT', 'upstream_timeout', `upstream '${up.name}' did not answer in time (${code})`, {
      cause: err,
    });
  }
  return new ProxyFailure(
    'LG_ERR_UPSTREAM_UNREACHABLE',
    'upstream_unreachable',
    `upstream '${up.name}' could not be reached (${code || (err as Error | null)?.name || 'error'})`,
    { cause: err },
  );
}
