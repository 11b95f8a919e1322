// Non-streamed responses that can carry text: buffered up to maxResponseBytes, decoded (upstreams that
// compress despite 'identity' are decompressed with a cap), scanned, then rewritten, blocked or sent as
// received. JSON goes through the adapter's segments; any other text (text/plain, no content type,
// XML, HTML…) is one whole-text segment, unless it parses as JSON (strict UTF-8: a body that is not
// text cannot be scanned and follows the fail mode). A blocked response is replaced by the provider-shaped error with
// policy.blockStatus (403 by default), a status every SDK raises as a typed, non-retried error.
import type { OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Segment } from '../detect/types.js';
import { strongest, type Decision } from '../policy/types.js';
import { applyRewrites } from '../providers/json-path.js';
import type { Json } from '../providers/types.js';
import type { Route } from './context.js';
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

/** A body format: how a decoded body becomes segments and how rewritten segments become bytes again. */
interface BodyFormat {
  /** Throws a ProxyFailure when the body cannot be read in this format (malformed, not UTF-8, too deep). */
  read(plain: Buffer, flow: Flow): ReadBody;
}
interface ReadBody {
  /** May throw (an adapter bug): treated as a scan failure. */
  segments(): Segment[];
  rewrite(rewrites: ReadonlyMap<string, string>): Buffer;
}

const JSON_FORMAT: BodyFormat = {
  read(plain, flow) {
    const parsed: Json = parseJson(decodeUtf8(plain, 'response body'), flow.ctx.config.server.maxJsonDepth, 'response body');
    return {
      segments: () => flow.route.adapter.responseSegments(flow.target.subpath, parsed),
      rewrite: (rewrites) => Buffer.from(JSON.stringify(applyRewrites(parsed, rewrites))),
    };
  },
};

/** The segment path of a whole-text body in findings and audit rows. */
export const TEXT_BODY_PATH = 'body';

const TEXT_FORMAT: BodyFormat = {
  read(plain) {
    const text = decodeUtf8(plain, 'response body');
    return {
      segments: () => [{ path: TEXT_BODY_PATH, text }],
      rewrite: (rewrites) => Buffer.from(rewrites.get(TEXT_BODY_PATH) ?? text),
    };
  },
};

export function handleJsonResponse(flow: Flow, up: Dispatcher.ResponseData): Promise<void> {
  return handleBuffered(flow, up, JSON_FORMAT);
}

// A body labelled text (or not labelled) that is JSON all the same (servers that omit or mislabel the
// type) goes through the adapter's segments, so ids and other structure are not scanned as prose.
const TEXT_OR_JSON_FORMAT: BodyFormat = {
  read(plain, flow) {
    const first = plain[0];
    if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
      try {
        return JSON_FORMAT.read(plain, flow);
      } catch {
        // not JSON after all: scanned as text
      }
    }
    return TEXT_FORMAT.read(plain, flow);
  },
};

/** text/*, untyped and other non-JSON, non-binary bodies: scanned as one whole text (or as JSON when it is). */
export function handleTextResponse(flow: Flow, up: Dispatcher.ResponseData): Promise<void> {
  return handleBuffered(flow, up, TEXT_OR_JSON_FORMAT);
}

async function handleBuffered(flow: Flow, up: Dispatcher.ResponseData, format: BodyFormat): Promise<void> {
  const { ctx, route, x, guard } = flow;
  const server = ctx.config.server;
  let got: Buffered;
  try {
    got = await bufferUpTo(up.body, server.maxResponseBytes);
  } catch (err) {
    if (flow.abort.aborted) return;
    upstreamBroke(flow, route, err);
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
  let body: ReadBody;
  try {
    const plain = await decodeContent(got.buf, encoding, { maxBytes: server.maxResponseBytes, maxRatio: server.maxDecompressRatio }, 'response body');
    if (plain.length === 0) {
      send(flow, up.statusCode, clientResponseHeaders(up.headers, KEEP_ENCODING), got.buf);
      return;
    }
    body = format.read(plain, flow);
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
    result = await guard.inspect('response', body.segments());
  } catch (err) {
    ctx.logger.warn({ reqId: x.id, route: route.name, err: errName(err) }, 'response scan failed');
    return cannotScan('LG_ERR_SCAN_FAILED', `scanning failed: ${errName(err)}`);
  }
  if (finishRefused(flow, result.decision)) return;
  let out = got.buf;
  if (result.rewrites.size > 0 && !result.decision.shadow) {
    try {
      out = body.rewrite(result.rewrites);
    } catch (err) {
      return cannotScan('LG_ERR_SCAN_FAILED', `redaction could not be applied: ${errName(err)}`);
    }
  }
  send(flow, up.statusCode, headers, out);
}

function upstreamBroke(flow: Flow, route: Route, err: unknown): void {
  const { ctx, x, res } = flow;
  const f = upstreamFailure(route.upstream, err);
  x.upstreamError = f.kind;
  ctx.metrics.upstreamErrors.inc({ route: route.name, kind: f.kind });
  sendProviderError(res, x, route.adapter, f.kind, `leakgate: ${f.message}`, { code: f.code });
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
