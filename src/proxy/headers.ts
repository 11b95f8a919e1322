// Header rules for both directions. Hop-by-hop headers describe one connection and never cross the
// proxy; Host is rewritten to the upstream (undici sets it from the pool's origin); the client's own
// credentials travel only to the route's upstream because only that pool ever receives them.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// Also dropped towards the upstream: recomputed by us (content-length), decoded by us
// (content-encoding), chosen by us (accept-encoding), or refused by undici (expect, host).
const NOT_FORWARDED_UP = new Set(['host', 'content-length', 'content-encoding', 'accept-encoding', 'expect']);

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const out = new Set<string>();
  if (value === undefined) return out;
  for (const part of (Array.isArray(value) ? value.join(',') : value).split(',')) {
    const t = part.trim().toLowerCase();
    if (t) out.add(t);
  }
  return out;
}

/** Headers sent to the upstream for a scanned request. */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  requestId: string,
  bodyLength: number | null,
): Record<string, string | string[]> {
  const listed = connectionTokens(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_FORWARDED_UP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  out['x-request-id'] = requestId;
  // We read (and may rewrite) the response; identity avoids decoding work. If an upstream ignores it
  // and compresses anyway, the response side decodes with a size cap.
  out['accept-encoding'] = 'identity';
  if (bodyLength !== null) out['content-length'] = String(bodyLength);
  return out;
}

/** Response headers from the upstream that may be copied to the client (status, Retry-After, rate limits…). */
export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
  drop: ReadonlySet<string> = EMPTY,
): OutgoingHttpHeaders {
  const listed = connectionTokens(upstream.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop.has(name)) continue;
    out[name] = value;
  }
  return out;
}

const EMPTY: ReadonlySet<string> = new Set();

// Up to 128 visible ASCII characters (0x21-0x7e), as DESIGN.md promises.
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The client's x-request-id when acceptable, else a fresh UUID. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  if (typeof given === 'string' && REQUEST_ID.test(given)) return given;
  return randomUUID();
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
