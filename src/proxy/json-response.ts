// Non-streamed JSON responses: buffered up to maxResponseBytes, decoded (upstreams that compress
// despite 'identity' are decompressed with a cap), scanned, then rewritten, blocked or sent as received.
// A blocked response is replaced by the provider-shaped error with policy.blockStatus (403 by default),
// a status every SDK raises as a typed, non-retried error.
import type { OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { strongest, type Decision } from '../policy/types.js';
import { applyRewrites } from '../providers/json-path.js';
import type { Json } from '../providers/types.js';
import { decodeContent, decodeUtf8, parseJson } from './body.js';
import { refusal } from './decision.js';
import { errName, headerString, type Flow } from './exchange.js';
import { ProxyFailure } from './failure.js';
import { clientResponseHeaders } from './headers.js';
import { ACTION_HEADER, sendProviderError } from './respond.js';
import { upstreamFailure } from './upstreams.js';

const DROP = new Set(['content-length', 'content-encoding']);
const KEEP_ENCODING = new Set(['content-length']);

interface Buffered {
  buf: Buffer;
  /** false: the limit was reached and the stream is paused with the rest unread. */
  complete: boolean;
}

/** Reads up to `limit` bytes; past it, pauses the stream (so fail-open can still forward the rest). */
function bufferUpTo(stream: Readable, limit: number): Promise<Buffered> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        stream.pause();
        cleanup();
        resolve({ buf: Buffer.concat(chunks, size), complete: false });
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ buf: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size), complete: true });
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

export async function handleJsonResponse(flow: Flow, up: Dispatcher.ResponseData): Promise<void> {
  const { ctx, route, target, x, guard, res } = flow;
  const server = ctx.config.server;
  let got: Buffered;
  try {
    got = await bufferUpTo(up.body, server.maxResponseBytes);
  } catch (err) {
    if (flow.abort.aborted) return;
    const f = upstreamFailure(route.upstream, err);
    x.upstreamError = f.kind;
    ctx.metrics.upstreamErrors.inc({ route: route.name, kind: f.kind });
    sendProviderError(res, x, route.adapter, f.kind, `leakgate: ${f.message}`, { code: f.code });
    return;
  }

  const headers = clientResponseHeaders(up.headers, DROP);
  const encoding = headerString(up.headers['content-encoding']) ?? '';
  let decoded = false;
  const cannotScan = async (code: string, reason: string): Promise<void> => {
    const d = await guard.failure('response', code, reason);
    if (finishRefused(flow, d)) {
      up.body.destroy();
      return;
    }
    // Fail open: forward exactly what the upstream sent, including anything past the limit.
    const h = clientResponseHeaders(up.headers, decoded ? DROP : KEEP_ENCODING);
    send(flow, up.statusCode, h, got.buf, got.complete ? undefined : up.body);
  };

  if (!got.complete) {
    return cannotScan('LG_ERR_BODY_TOO_LARGE', `response body exceeds maxResponseBytes (${server.maxResponseBytes})`);
  }
  let parsed: Json;
  try {
    const plain = await decodeContent(got.buf, encoding, { maxBytes: server.maxResponseBytes, maxRatio: server.maxDecompressRatio }, 'response body');
    if (plain.length === 0) {
      send(flow, up.statusCode, clientResponseHeaders(up.headers, KEEP_ENCODING), got.buf);
      return;
    }
    parsed = parseJson(decodeUtf8(plain, 'response body'), server.maxJsonDepth, 'response body');
    // The body is now held decoded; compressed originals are re-sent decoded.
    if (plain !== got.buf) {
      got = { buf: plain, complete: true };
      decoded = true;
    }
  } catch (err) {
    const code = err instanceof ProxyFailure ? err.code : 'LG_ERR_BODY_MALFORMED';
    return cannotScan(code, err instanceof ProxyFailure ? err.message : 'response body could not be decoded');
  }

  let result;
  try {
    result = await guard.inspect('response', route.adapter.responseSegments(target.subpath, parsed));
  } catch (err) {
    ctx.logger.warn({ reqId: x.id, route: route.name, err: errName(err) }, 'response scan failed');
    return cannotScan('LG_ERR_SCAN_FAILED', `scanning failed: ${errName(err)}`);
  }
  if (finishRefused(flow, result.decision)) return;
  let out = got.buf;
  if (result.rewrites.size > 0 && !result.decision.shadow) {
    try {
      out = Buffer.from(JSON.stringify(applyRewrites(parsed, result.rewrites)));
    } catch (err) {
      return cannotScan('LG_ERR_SCAN_FAILED', `redaction could not be applied: ${errName(err)}`);
    }
  }
  send(flow, up.statusCode, headers, out);
}

/** Applies a response decision's action; true when the response was replaced by an error. */
function finishRefused(flow: Flow, decision: Decision): boolean {
  const { ctx, x, res, route } = flow;
  x.action = strongest(x.action, decision.action);
  const no = refusal(decision, 'response', x.id, ctx.config.policy.blockStatus);
  if (!no) return false;
  sendProviderError(res, x, route.adapter, no.kind, no.message, { code: no.code, ...(no.status ? { status: no.status } : {}) });
  return true;
}

function send(flow: Flow, status: number, headers: OutgoingHttpHeaders, body: Buffer, rest?: Readable): void {
  const { x, res } = flow;
  headers[ACTION_HEADER] = x.action;
  headers['x-request-id'] = x.id;
  if (flow.ctx.draining) headers.connection = 'close';
  if (!rest) headers['content-length'] = body.length;
  res.writeHead(status, headers);
  x.bytesOut += body.length;
  if (!rest) {
    res.end(body);
    return;
  }
  res.write(body);
  rest.on('data', (c: Buffer) => {
    x.bytesOut += c.length;
  });
  rest.pipe(res);
  rest.on('error', () => res.destroy());
  rest.resume();
}
