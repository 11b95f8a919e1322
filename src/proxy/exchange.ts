// The data path of one request on a scanned route:
//   read body (limit, decompress) → UTF-8 + JSON (depth cap) → adapter.requestSegments →
//   guard.inspect('request') → block | rewrite | forward original bytes → upstream (undici Pool) →
//   response by content type: SSE (sse-response.ts), JSON or any other text (buffered-response.ts);
//   only media types that cannot carry text (audio, image, video, octet-stream) stream through unscanned.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { strongest, type Decision, type RequestGuard } from '../policy/types.js';
import { applyRewrites } from '../providers/json-path.js';
import type { Json } from '../providers/types.js';
import { binaryTypeLabel, decodeUtf8, isEventStream, isJsonType, parseJson, readRequestBody } from './body.js';
import type { Exchange, GatewayContext, Route } from './context.js';
import { refusal } from './decision.js';
import { Cancel } from './cancel.js';
import { ProxyFailure } from './failure.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { handleJsonResponse, handleTextResponse } from './buffered-response.js';
import { ACTION_HEADER, sendProviderError } from './respond.js';
import { handleSseResponse } from './sse-response.js';
import type { Target } from './route.js';
import { upstreamFailure, upstreamPath } from './upstreams.js';

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/** Everything the response handlers need about the request that produced the response. */
export interface Flow {
  readonly ctx: GatewayContext;
  readonly route: Route;
  readonly target: Target;
  readonly x: Exchange;
  readonly guard: RequestGuard;
  readonly res: ServerResponse;
  /** Aborted when the client goes away: cancels the upstream request. */
  readonly abort: Cancel;
}

export async function handleScanned(ctx: GatewayContext, route: Route, target: Target, req: IncomingMessage, res: ServerResponse, x: Exchange): Promise<void> {
  const { adapter, upstream } = route;
  const server = ctx.config.server;
  const abort = new Cancel();
  const lease = { bytes: 0 };
  res.once('close', () => {
    // The body is done with once the answer is (sent or abandoned): its bytes leave the budget.
    ctx.bodyBudget.release(lease);
    if (!res.writableFinished) abort.abort();
  });
  const guard = ctx.guard.begin({ requestId: x.id, route: route.name, upstream: upstream.origin, headers: req.headers });
  const flow: Flow = { ctx, route, target, x, guard, res, abort };

  let body: Buffer | null | undefined = null;
  try {
    const raw = await readRequestBody(req, {
      maxBytes: server.maxBodyBytes,
      maxRatio: server.maxDecompressRatio,
      admit: (n) => ctx.bodyBudget.reserve(lease, n),
    });
    x.bytesIn = raw.length;
    if (raw.length > 0 || !METHODS_WITHOUT_BODY.has(x.method)) body = raw;
    if (raw.length > 0) body = await scanRequest(flow, req, raw);
  } catch (err) {
    if (err instanceof ProxyFailure) {
      await auditUnreadable(flow, err);
      // The rest of an oversized or refused body is never read: close the connection after answering.
      // An overloaded gateway asks for a retry (the SDKs honour Retry-After on a 503).
      const unread = err.kind === 'too_large' || err.kind === 'overloaded';
      sendProviderError(res, x, adapter, err.kind, `leakgate: ${err.message}`, {
        code: err.code,
        close: unread,
        ...(err.kind === 'overloaded' ? { retryAfterS: 1 } : {}),
      });
      return;
    }
    if (req.destroyed || res.destroyed) return; // the client went away mid-body: nobody to answer
    throw err;
  }
  if (body === undefined || res.writableEnded) return; // refused (answer already written)

  let up: Dispatcher.ResponseData;
  try {
    up = await upstream.pool.request({
      path: upstreamPath(upstream, target.subpath, target.query),
      method: x.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(req.headers, x.id, body === null ? null : body.length),
      body,
      signal: abort,
    });
  } catch (err) {
    if (abort.aborted) return; // the client left; nobody to answer
    const f = upstreamFailure(upstream, err);
    x.upstreamError = f.kind;
    ctx.metrics.upstreamErrors.inc({ route: route.name, kind: f.kind });
    sendProviderError(res, x, adapter, f.kind, `leakgate: ${f.message}`, { code: f.code });
    return;
  }

  const contentType = headerString(up.headers['content-type']);
  if (x.method === 'HEAD') return streamThrough(flow, up); // no body
  if (isEventStream(contentType)) return handleSseResponse(flow, up);
  if (isJsonType(contentType)) return handleJsonResponse(flow, up);
  const binary = binaryTypeLabel(contentType);
  if (binary === null) return handleTextResponse(flow, up);
  x.unscanned = binary;
  ctx.metrics.unscannedResponses.inc({ route: route.name, type: binary });
  return streamThrough(flow, up);
}

/**
 * A request body that could not be read or parsed (too large, bad encoding, not UTF-8, malformed JSON)
 * is answered with its own 4xx whatever the fail mode (it is never forwarded), but it is still a
 * decision: it goes through the guard's failure() path so the audit log holds a row with the reason,
 * and the answer's x-leakgate-action is that row's action.
 */
async function auditUnreadable(flow: Flow, err: ProxyFailure): Promise<void> {
  try {
    const d = await flow.guard.failure('request', err.code, err.message);
    flow.x.action = strongest(flow.x.action, d.action);
  } catch (auditErr) {
    flow.ctx.logger.error({ reqId: flow.x.id, route: flow.route.name, err: errName(auditErr) }, 'audit of an unreadable request failed');
  }
}

/** Scans the request body; returns the bytes to forward, or undefined when the request was refused. */
async function scanRequest(flow: Flow, req: IncomingMessage, raw: Buffer): Promise<Buffer | undefined> {
  const { ctx, route, target, x, guard } = flow;
  const server = ctx.config.server;
  const contentType = headerString(req.headers['content-type']);
  // Provider APIs speak JSON; a body without a content type is read as JSON too.
  if (contentType !== undefined && !isJsonType(contentType)) {
    const mt = (contentType.split(';')[0] ?? '').trim();
    return decide(flow, await guard.failure('request', 'LG_ERR_SCAN_FAILED', `content type '${mt}' cannot be scanned`), null, raw, null);
  }
  const parsed = parseJson(decodeUtf8(raw, 'request body'), server.maxJsonDepth, 'request body');
  let result;
  try {
    const segments = route.adapter.requestSegments(target.subpath, parsed);
    result = await guard.inspect('request', segments);
  } catch (err) {
    ctx.logger.warn({ reqId: x.id, route: route.name, err: errName(err) }, 'request scan failed');
    return decide(flow, await guard.failure('request', 'LG_ERR_SCAN_FAILED', `scanning failed: ${errName(err)}`), null, raw, null);
  }
  return decide(flow, result.decision, parsed, raw, result.rewrites);
}

async function decide(flow: Flow, decision: Decision, parsed: Json | null, raw: Buffer, rewrites: ReadonlyMap<string, string> | null): Promise<Buffer | undefined> {
  const { ctx, route, x, res } = flow;
  x.action = strongest(x.action, decision.action);
  const no = refusal(decision, 'request', x.id, ctx.config.policy.blockStatus);
  if (no) {
    sendProviderError(res, x, route.adapter, no.kind, no.message, { code: no.code, ...(no.status ? { status: no.status } : {}) });
    return undefined;
  }
  if (!rewrites || rewrites.size === 0 || parsed === null || decision.shadow) return raw;
  try {
    return Buffer.from(JSON.stringify(applyRewrites(parsed, rewrites)));
  } catch (err) {
    // Never forward the unredacted body because a rewrite failed: the fail mode decides.
    const d = await flow.guard.failure('request', 'LG_ERR_SCAN_FAILED', `redaction could not be applied: ${errName(err)}`);
    return decide(flow, d, null, raw, null);
  }
}

/** HEAD answers and media types that cannot carry text (see binaryTypeLabel) stream straight through. */
async function streamThrough(flow: Flow, up: Dispatcher.ResponseData): Promise<void> {
  const { x, res } = flow;
  const headers = clientResponseHeaders(up.headers);
  headers[ACTION_HEADER] = x.action;
  headers['x-request-id'] = x.id;
  if (flow.ctx.draining) headers.connection = 'close';
  res.writeHead(up.statusCode, headers);
  up.body.on('data', (chunk: Buffer) => {
    x.bytesOut += chunk.length;
  });
  try {
    await pipeline(up.body, res);
  } catch {
    if (!flow.abort.aborted) {
      x.upstreamError = 'reset';
      flow.ctx.metrics.upstreamErrors.inc({ route: flow.route.name, kind: 'reset' });
    }
    res.destroy();
  }
}

export function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function errName(err: unknown): string {
  if (err instanceof Error) return (err as { code?: string }).code ?? err.name;
  return 'error';
}
