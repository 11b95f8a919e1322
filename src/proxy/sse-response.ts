// Streamed (SSE) responses, scanned incrementally and never buffered whole. Each upstream chunk is
// parsed into events; the text segments of all the chunk's events are gathered per channel and go
// through the StreamGuard in one push per channel (which holds back only what could still be the
// start of a secret): the scanner's result does not depend on how the text is cut, and one push per
// chunk instead of one per event is what keeps a fast stream cheap. Events whose text came through
// unchanged are forwarded as they arrived (their exact wire text); changed ones are rewritten in the
// provider's own shape, the released text of a channel going to the chunk's first event for it.
// Everything a chunk produced is written at once. A 'block' ends the stream with the provider's own
// error event. A channel an event closes is flushed with that event's own text (or, when the chunk
// carries none for it, as a provider-shaped delta just before the event).
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { strongest, type StreamGuard, type StreamPush } from '../policy/types.js';
import { channelMatches, isWholeChannel } from '../providers/channels.js';
import { applyRewrites } from '../providers/json-path.js';
import { SseParser, isCommentOnly, serializeSse } from '../providers/sse.js';
import type { Json, SseEvent, StreamSegment } from '../providers/types.js';
import { errName, headerString, type Flow } from './exchange.js';
import { learnTemplate, matchTemplate, spliceTemplate, type EventTemplate } from './sse-template.js';
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

/** One event of the chunk being processed, and what will be written for it. */
interface Item {
  readonly ev: SseEvent;
  /** Its wire text as received; undefined when it has none (a final event without its blank line). */
  readonly raw: string | undefined;
  data: Json | null;
  /** Set when the event matched the stream's template (not parsed: `data` stays null). */
  tpl?: EventTemplate;
  /** Provider-shaped flush deltas to write just before this event. */
  before?: SseEvent[];
  /** New text per segment path. */
  rewrites?: Map<string, string>;
}

/** Text of one segment waiting for its channel's push. */
interface Part {
  readonly item: Item;
  readonly path: string;
  readonly text: string;
}

/** Per-stream state: the guard, and the last event seen on each open channel (for flushEvent). */
class SseRewriter {
  readonly #flow: Flow;
  readonly #sg: StreamGuard;
  readonly #open = new Map<string, SseEvent>();
  /** Segment texts of the current chunk not pushed yet, per channel, in arrival order. */
  readonly #waiting = new Map<string, Part[]>();
  /** The shape of the stream's token deltas, once learnt (see sse-template.ts). */
  #tpl: EventTemplate | null = null;
  #learns = 0;

  constructor(flow: Flow, sg: StreamGuard) {
    this.#flow = flow;
    this.#sg = sg;
  }

  /**
   * Scans one chunk's events and appends their wire text to `out`; returns true when every event is
   * written exactly as received (nothing rewritten, nothing inserted). Throws StreamStopped on block
   * (nothing of the chunk is written then: the stop event follows what earlier chunks released).
   */
  chunk(events: readonly SseEvent[], raws: readonly (string | undefined)[], out: string[]): boolean {
    const items: Item[] = [];
    for (let i = 0; i < events.length; i++) {
      const item: Item = { ev: events[i] as SseEvent, raw: raws[i], data: null };
      items.push(item);
      this.#event(item);
    }
    for (const channel of [...this.#waiting.keys()]) this.#settle(channel, false);
    let same = true;
    for (const item of items) {
      if (item.before) {
        same = false;
        for (const f of item.before) out.push(serializeSse(f));
      }
      if (item.rewrites) {
        same = false;
        out.push(serializeSse({ ...item.ev, data: rewrittenData(item, item.rewrites) }));
      } else if (item.raw !== undefined) {
        out.push(item.raw);
      } else {
        same = false;
        out.push(serializeSse(item.ev));
      }
    }
    return same;
  }

  /** Releases everything still held (end of stream) as flush deltas after the last event. */
  flushAll(out: string[]): void {
    const tail: Item = { ev: { data: '' }, raw: undefined, data: null };
    for (const channel of [...this.#open.keys()]) this.#flushChannel(channel, tail);
    for (const f of tail.before ?? []) out.push(serializeSse(f));
  }

  #event(item: Item): void {
    const ev = item.ev;
    if (isCommentOnly(ev)) return;
    const tpl = this.#tpl;
    if (tpl !== null) {
      const text = matchTemplate(tpl, ev);
      if (text !== null) {
        // A token delta shaped like the last ones: its one segment, without a parse.
        item.tpl = tpl;
        this.#wait(item, tpl.channel, tpl.path, text);
        this.#open.set(tpl.channel, ev);
        return;
      }
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
    item.data = data;
    const ends = adapter.endsChannels(subpath, ev, data);
    const segments = data === null ? NO_SEGMENTS : adapter.streamSegments(subpath, ev, data);
    // A channel this event closes without carrying text for it is flushed before the event. A channel
    // the event both carries text for and closes (OpenAI's last chunk with finish_reason, Gemini's
    // final chunk) is flushed after that text is pushed, so the held tail and the event's own text are
    // scanned together and a secret split between them is seen whole.
    if (ends.length > 0 && this.#open.size > 0) {
      const carried = new Set(segments.map((s) => s.channel));
      for (const channel of [...this.#open.keys()]) {
        if (!carried.has(channel) && closesAny(ends, channel)) this.#flushChannel(channel, item);
      }
    }
    if (segments.length === 0) return;
    if (segments.length === 1 && ends.length === 0 && this.#learns < MAX_LEARNS) {
      this.#learns++;
      const learnt = learnTemplate(adapter, subpath, ev, ends, segments);
      if (learnt) this.#tpl = learnt;
    }
    let whole: StreamSegment[] | undefined;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as StreamSegment;
      if (isWholeChannel(seg.channel)) {
        (whole ??= []).push(seg);
        continue;
      }
      this.#wait(item, seg.channel, seg.path, seg.text);
      // Where a channel carries several segments in one event, only the last one closes it.
      if (ends.length > 0 && closesAny(ends, seg.channel) && !laterInChannel(segments, i)) {
        this.#settle(seg.channel, true);
      } else {
        this.#open.set(seg.channel, ev);
      }
    }
    if (whole) {
      const r = this.#sg.inspectWhole(whole);
      this.#note(r.decision.action);
      if (r.decision.action === 'block' && !r.decision.shadow) {
        const types = [...new Set(r.decision.findings.map((f) => f.type))].sort().join(', ');
        throw new StreamStopped(`the response contains ${types || 'a secret'}`);
      }
      for (const [p, t] of r.rewrites) (item.rewrites ??= new Map()).set(p, t);
    }
  }

  #wait(item: Item, channel: string, path: string, text: string): void {
    const parts = this.#waiting.get(channel);
    if (parts) parts.push({ item, path, text });
    else this.#waiting.set(channel, [{ item, path, text }]);
  }

  /**
   * Pushes a channel's waiting text in one go (and flushes the channel when `close`); the released
   * text goes to the first waiting segment and the others become empty, unless it came back unchanged.
   */
  #settle(channel: string, close: boolean): void {
    const parts = this.#waiting.get(channel);
    if (!parts) return;
    this.#waiting.delete(channel);
    let input = (parts[0] as Part).text;
    for (let k = 1; k < parts.length; k++) input += (parts[k] as Part).text;
    const pushed = this.#sg.push(channel, input);
    this.#stopIfBlocked(pushed, channel);
    let text = pushed.text;
    if (close) {
      const flushed = this.#sg.flush(channel);
      this.#stopIfBlocked(flushed, channel);
      text += flushed.text;
      this.#open.delete(channel);
    }
    if (text === input) return;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k] as Part;
      const t = k === 0 ? text : '';
      if (t !== p.text) (p.item.rewrites ??= new Map()).set(p.path, t);
    }
  }

  /** Closes a channel the event carries no text for: waiting text and the held tail go out before `item`. */
  #flushChannel(channel: string, item: Item): void {
    if (this.#waiting.has(channel)) {
      this.#settle(channel, true);
      return;
    }
    const last = this.#open.get(channel);
    this.#open.delete(channel);
    const pushed = this.#sg.flush(channel);
    this.#stopIfBlocked(pushed, channel);
    if (pushed.text && last) {
      (item.before ??= []).push(this.#flow.route.adapter.flushEvent(this.#flow.target.subpath, channel, last, pushed.text));
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

const NO_SEGMENTS: StreamSegment[] = [];
/** Template learning attempts per stream (each costs a probe parse); streams that never fit stop trying. */
const MAX_LEARNS = 64;

/** The event's data with its rewritten segments. */
function rewrittenData(item: Item, rewrites: ReadonlyMap<string, string>): string {
  const t = item.tpl;
  if (t) {
    const text = rewrites.get(t.path);
    if (text !== undefined && rewrites.size === 1) return spliceTemplate(t, text);
  }
  const data = item.data ?? (JSON.parse(item.ev.data) as Json);
  return JSON.stringify(applyRewrites(data, rewrites));
}

function closesAny(ends: readonly string[], channel: string): boolean {
  for (const p of ends) if (channelMatches(p, channel)) return true;
  return false;
}

/** Another segment of segments[i]'s channel follows it in the same event. */
function laterInChannel(segments: readonly StreamSegment[], i: number): boolean {
  const channel = (segments[i] as StreamSegment).channel;
  for (let j = i + 1; j < segments.length; j++) if ((segments[j] as StreamSegment).channel === channel) return true;
  return false;
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
  /** Forwards upstream chunks as received (their events were all unchanged). */
  const writeRaw = (chunks: readonly Buffer[]): boolean => {
    if (res.destroyed) return true;
    if (headerTimer) {
      clearTimeout(headerTimer);
      headerTimer = null;
    }
    const buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    x.bytesOut += buf.length;
    return res.write(buf);
  };
  const source = decodedBody(up.body, headerString(up.headers['content-encoding']) ?? '');

  // Event-driven (no async iterator). Each chunk is parsed when it arrives; its events are scanned
  // and written in a batch at the end of the event loop turn (setImmediate), together with whatever
  // else arrived in that turn. An upstream writing events faster than they are scanned (one socket
  // read per event is common) is thus scanned in few pushes, while an event that arrives alone waits
  // only for the rest of its turn (microseconds), not for another event. The source pauses only while
  // the client's socket is full.
  const failure = await new Promise<unknown>((resolve) => {
    let settled = false;
    let events: SseEvent[] = [];
    let raws: (string | undefined)[] = [];
    let chunks: Buffer[] = [];
    /** The parser was between events before the first chunk of the batch. */
    let idleBefore = true;
    let scheduled: NodeJS.Immediate | null = null;
    const settle = (err: unknown): void => {
      if (settled) return;
      settled = true;
      if (scheduled) clearImmediate(scheduled);
      scheduled = null;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      resolve(err);
    };
    /** Scans and writes the batch; false when the stream was stopped or failed. */
    const flushBatch = (): boolean => {
      if (scheduled) clearImmediate(scheduled);
      scheduled = null;
      if (settled) return false;
      if (chunks.length === 0) return true;
      const evs = events;
      const rs = raws;
      const cs = chunks;
      const wasIdle = idleBefore;
      events = [];
      raws = [];
      chunks = [];
      idleBefore = parser.idle;
      const out: string[] = [];
      let same: boolean;
      try {
        same = rewriter.chunk(evs, rs, out);
      } catch (err) {
        settle(err);
        return false;
      }
      // Whole events that all came through unchanged are forwarded byte for byte (no re-encoding);
      // otherwise the events' wire text (as received, or rewritten) is written.
      const ok = same && wasIdle && parser.idle ? writeRaw(cs) : write(out);
      if (!ok) {
        source.pause();
        void drained(res).then(() => {
          if (!settled) source.resume();
        });
      }
      return true;
    };
    const onData = (chunk: Buffer): void => {
      try {
        for (const ev of parser.push(chunk, raws)) events.push(ev);
      } catch (err) {
        settle(err);
        return;
      }
      chunks.push(chunk);
      scheduled ??= setImmediate(flushBatch);
    };
    const onEnd = (): void => {
      // The last events, any flush deltas and the end of the response leave in one write: res.end()
      // (or destroy()) below uncorks.
      if (!res.destroyed) res.cork();
      if (!flushBatch()) return;
      const out: string[] = [];
      const rs: (string | undefined)[] = [];
      try {
        rewriter.chunk(parser.end(rs), rs, out);
        rewriter.flushAll(out);
      } catch (err) {
        settle(err);
        return;
      }
      write(out);
      settle(null);
    };
    const onError = (err: unknown): void => {
      // What arrived before the error was received in full: scan and release it first.
      if (flushBatch()) settle(err);
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
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

function isUpstreamError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code.startsWith('UND_ERR') || code.startsWith('ECONN') || code === 'EPIPE' || code.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
