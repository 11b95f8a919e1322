// Streamed (SSE) responses, scanned incrementally and never buffered whole: each upstream chunk is
// parsed into events; each event's text segments go through the StreamGuard per channel (which holds
// back only what could still be the start of a secret); the event is rewritten with the released
// text and everything a chunk produced is written at once. A 'block' ends the stream with the
// provider's own error event. A channel an event closes is flushed with that event's own text (or,
// when the event carries none for it, as a provider-shaped delta just before the event).
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { strongest, type StreamGuard, type StreamPush } from '../policy/types.js';
import { channelMatches, isWholeChannel } from '../providers/channels.js';
import { applyRewrites } from '../providers/json-path.js';
import { SseParser, isCommentOnly, serializeSse } from '../providers/sse.js';
import type { Json, SseEvent, StreamSegment } from '../providers/types.js';
import { errName, headerString, type Flow } from './exchange.js';
import { clientResponseHeaders } from './headers.js';
import { ACTION_HEADER, drained } from './respond.js';

const DROP = new Set(['content-length', 'content-encoding']);

type Outcome = 'complete' | 'aborted' | 'upstream_error';

/**
 * The upstream body, decompressed as a stream when the upstream compressed it anyway. pipeline()
 * (not pipe()) so an upstream error or abort reaches the decoder and ends the loop.
 */
function decodedBody(body: Readable, encoding: string): Readable {
  const decoder = (() => {
    switch (encoding.trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return createGunzip();
      case 'deflate':
        return createInflate();
      case 'br':
        return createBrotliDecompress();
      default:
        return null;
    }
  })();
  if (!decoder) return body;
  return pipeline(body, decoder, () => {
    // errors surface as 'error' on the decoder, which the loop listens to
  });
}

class StreamStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Per-stream state: the guard, and the last event seen on each open channel (for flushEvent). */
class SseRewriter {
  readonly #flow: Flow;
  readonly #sg: StreamGuard;
  readonly #open = new Map<string, SseEvent>();
  /** Set when an event was rewritten or a flush event was added since the last reset. */
  changed = false;

  constructor(flow: Flow, sg: StreamGuard) {
    this.#flow = flow;
    this.#sg = sg;
  }

  /** Appends the wire text for `ev` (and any flush deltas before it) to `out`. Throws StreamStopped on block. */
  event(ev: SseEvent, out: string[]): void {
    if (isCommentOnly(ev)) {
      out.push(serializeSse(ev));
      return;
    }
    const { adapter } = this.#flow.route;
    const subpath = this.#flow.target.subpath;
    // '[DONE]' and other non-JSON control data carry no text to scan.
    let data: Json | null = null;
    if (ev.data !== '[DONE]') {
      try {
        data = JSON.parse(ev.data) as Json;
      } catch {
        // Text we cannot parse cannot be scanned: fail closed instead of forwarding it verbatim.
        if (ev.data.trim() !== '') throw new Error('unparsable SSE event data');
        data = null;
      }
    }
    const ends = adapter.endsChannels(subpath, ev, data);
    const segments = data === null ? [] : adapter.streamSegments(subpath, ev, data);
    const closes = (channel: string): boolean => ends.some((p) => channelMatches(p, channel));
    // A channel this event closes without carrying text for it is flushed (as a provider-shaped
    // delta) before the event. A channel the event both carries text for and closes (OpenAI's last
    // chunk with finish_reason, Gemini's final chunk) is flushed after that text is pushed, so the
    // held tail and the event's own text are scanned together and a secret split between them is
    // seen whole.
    if (ends.length > 0 && this.#open.size > 0) {
      const carried = new Set(segments.map((s) => s.channel));
      for (const channel of [...this.#open.keys()]) {
        if (!carried.has(channel) && closes(channel)) this.#flushChannel(channel, out);
      }
    }
    if (data === null || segments.length === 0) {
      out.push(serializeSse(ev));
      return;
    }
    // Where a channel carries several segments in one event, only the last one closes it.
    const lastOf = new Map<string, number>();
    segments.forEach((seg, i) => lastOf.set(seg.channel, i));
    let rewrites: Map<string, string> | undefined;
    let whole: StreamSegment[] | undefined;
    segments.forEach((seg, i) => {
      if (isWholeChannel(seg.channel)) {
        (whole ??= []).push(seg);
        return;
      }
      const pushed = this.#sg.push(seg.channel, seg.text);
      this.#stopIfBlocked(pushed, seg.channel);
      let text = pushed.text;
      if (ends.length > 0 && lastOf.get(seg.channel) === i && closes(seg.channel)) {
        const flushed = this.#sg.flush(seg.channel);
        this.#stopIfBlocked(flushed, seg.channel);
        text += flushed.text;
        this.#open.delete(seg.channel);
      } else {
        this.#open.set(seg.channel, ev);
      }
      if (text !== seg.text) (rewrites ??= new Map()).set(seg.path, text);
    });
    if (whole) {
      const r = this.#sg.inspectWhole(whole);
      this.#note(r.decision.action);
      if (r.decision.action === 'block' && !r.decision.shadow) {
        const types = [...new Set(r.decision.findings.map((f) => f.type))].sort().join(', ');
        throw new StreamStopped(`the response contains ${types || 'a secret'}`);
      }
      if (r.rewrites.size > 0) {
        rewrites ??= new Map();
        for (const [p, t] of r.rewrites) rewrites.set(p, t);
      }
    }
    if (rewrites) this.changed = true;
    out.push(serializeSse(rewrites ? { ...ev, data: JSON.stringify(applyRewrites(data, rewrites)) } : ev));
  }

  /** Releases everything still held (end of stream). */
  flushAll(out: string[]): void {
    for (const channel of [...this.#open.keys()]) this.#flushChannel(channel, out);
  }

  #flushChannel(channel: string, out: string[]): void {
    const last = this.#open.get(channel);
    this.#open.delete(channel);
    const pushed = this.#sg.flush(channel);
    this.#stopIfBlocked(pushed, channel);
    if (pushed.text && last) {
      this.changed = true;
      out.push(serializeSse(this.#flow.route.adapter.flushEvent(this.#flow.target.subpath, channel, last, pushed.text)));
    }
  }

  /** Notes the push's action; a block stops the stream with a message naming the types found (never values). */
  #stopIfBlocked(pushed: StreamPush, channel: string): void {
    this.#note(pushed.action);
    if (pushed.action !== 'block') return;
    const types = pushed.types && pushed.types.length > 0 ? [...pushed.types].sort().join(', ') : 'a secret';
    throw new StreamStopped(`the response contains ${types} (channel ${channel})`);
  }

  #note(action: Parameters<typeof strongest>[0]): void {
    this.#flow.x.action = strongest(this.#flow.x.action, action);
  }
}

// Headers wait for the first body bytes (one write instead of two); if the upstream is slow to send
// its first event, they are flushed on their own after this long so the client is not left waiting.
const HEADER_FLUSH_MS = 20;

export async function handleSseResponse(flow: Flow, up: Dispatcher.ResponseData): Promise<void> {
  const { ctx, route, target, x, res, guard } = flow;
  const headers = clientResponseHeaders(up.headers, DROP);
  // Headers leave before the stream's own action is known: they carry the request's action.
  headers[ACTION_HEADER] = x.action;
  headers['x-request-id'] = x.id;
  if (ctx.draining) headers.connection = 'close';
  res.writeHead(up.statusCode, headers);
  let headerTimer: NodeJS.Timeout | null = setTimeout(() => {
    headerTimer = null;
    if (!res.destroyed) res.flushHeaders();
  }, HEADER_FLUSH_MS);

  const sg = guard.openStream();
  const rewriter = new SseRewriter(flow, sg);
  const parser = new SseParser();
  /** Writes what one chunk produced in one write; false when the client is not keeping up. */
  const write = (out: string[]): boolean => {
    if (out.length === 0 || res.destroyed) return true;
    if (headerTimer) {
      clearTimeout(headerTimer);
      headerTimer = null;
    }
    const text = out.length === 1 ? (out[0] as string) : out.join('');
    x.bytesOut += Buffer.byteLength(text);
    return res.write(text);
  };
  /** Forwards an upstream chunk as received (its events were all unchanged). */
  const writeRaw = (chunk: Buffer): boolean => {
    if (res.destroyed) return true;
    if (headerTimer) {
      clearTimeout(headerTimer);
      headerTimer = null;
    }
    x.bytesOut += chunk.length;
    return res.write(chunk);
  };
  const source = decodedBody(up.body, headerString(up.headers['content-encoding']) ?? '');
  // True while the bytes forwarded so far end on an event boundary (nothing of a partial event is pending).
  let atBoundary = true;

  // Event-driven (no async iterator): each chunk is parsed, scanned and written synchronously;
  // the source pauses only while the client's socket is full.
  const failure = await new Promise<unknown>((resolve) => {
    let settled = false;
    const settle = (err: unknown): void => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', settle);
      resolve(err);
    };
    const onData = (chunk: Buffer): void => {
      const out: string[] = [];
      rewriter.changed = false;
      try {
        for (const ev of parser.push(chunk)) rewriter.event(ev, out);
      } catch (err) {
        write(out); // what was released before the stop is safe to send
        settle(err);
        return;
      }
      // A chunk of whole events that all came through unchanged is forwarded byte for byte: no
      // re-serialisation on the common clean path. Otherwise the re-serialised events are written.
      const whole = endsWithBlankLine(chunk);
      const ok = atBoundary && whole && !rewriter.changed ? writeRaw(chunk) : write(out);
      atBoundary = whole;
      if (!ok) {
        source.pause();
        void drained(res).then(() => source.resume());
      }
    };
    const onEnd = (): void => {
      const out: string[] = [];
      try {
        for (const ev of parser.end()) rewriter.event(ev, out);
        rewriter.flushAll(out);
      } catch (err) {
        write(out);
        settle(err);
        return;
      }
      write(out);
      settle(null);
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', settle);
  });
  if (headerTimer) clearTimeout(headerTimer);

  let outcome: Outcome = 'complete';
  let stopped: StreamStopped | undefined;
  let failed = false;
  if (failure === null) {
    // complete
  } else if (failure instanceof StreamStopped) stopped = failure;
  else if (flow.abort.aborted) outcome = 'aborted';
  else if (isUpstreamError(failure)) {
    outcome = 'upstream_error';
    failed = true;
    x.upstreamError = 'reset';
    ctx.metrics.upstreamErrors.inc({ route: route.name, kind: 'reset' });
  } else {
    // An event we could not parse or scan: fail closed, end the stream with the provider's error.
    ctx.logger.warn({ reqId: x.id, route: route.name, err: errName(failure) }, 'stream scan failed');
    stopped = new StreamStopped(`the stream could not be scanned (${errName(failure)})`);
    outcome = 'upstream_error';
  }
  if (stopped) {
    x.streamOutcome = 'stopped';
    if (!res.destroyed) {
      const msg = `leakgate stopped this response: ${stopped.reason} (values not shown). Request id ${x.id}.`;
      write([serializeSse(route.adapter.streamErrorEvent(msg, target.subpath))]);
      res.end();
    }
    up.body.destroy(); // stop reading; undici closes the upstream request
  } else if (failed || outcome === 'aborted') {
    // The upstream broke the stream (or the client left): end the client's stream the same abrupt way,
    // so its SDK raises the network error it would have raised against the provider.
    res.destroy();
  } else {
    res.end();
  }
  try {
    const d = await sg.end(outcome);
    x.action = strongest(x.action, d.action);
  } catch (err) {
    ctx.logger.error({ reqId: x.id, route: route.name, err: errName(err) }, 'stream audit failed');
  }
}

/** The chunk ends with an event's blank line ('\n\n' or '\r\n\r\n'). */
function endsWithBlankLine(b: Buffer): boolean {
  const n = b.length;
  if (n >= 2 && b[n - 1] === 10 && b[n - 2] === 10) return true;
  return n >= 4 && b[n - 1] === 10 && b[n - 2] === 13 && b[n - 3] === 10 && b[n - 4] === 13;
}

function isUpstreamError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code.startsWith('UND_ERR') || code.startsWith('ECONN') || code === 'EPIPE' || code.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
