// One suite every adapter runs (the table is in cases.ts): segments, rewrites, stream channels,
// flushEvent/endsChannels in a simulated hold-back proxy, and provider-shaped errors.
import { describe, expect, it } from 'vitest';
import { channelMatches, isWholeChannel } from '../../src/providers/channels.js';
import { applyRewrites, getAt } from '../../src/providers/json-path.js';
import { isCommentOnly, parseSse, serializeSse } from '../../src/providers/sse.js';
import type { ErrorKind, Json, ProviderAdapter, SseEvent, StreamSegment } from '../../src/providers/types.js';
import { CASES, type Fixture } from './cases.js';

/** Independent of json-path: every leaf and every object's key list, addressed by a JSON array of steps. */
function shape(v: Json, at: (string | number)[] = [], out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(v)) {
    out.push([JSON.stringify(at), `array:${v.length}`]);
    v.forEach((x, i) => shape(x, [...at, i], out));
  } else if (typeof v === 'object' && v !== null) {
    out.push([JSON.stringify(at), `keys:${JSON.stringify(Object.keys(v))}`]);
    for (const k of Object.keys(v)) shape(v[k] as Json, [...at, k], out);
  } else {
    out.push([JSON.stringify(at), v]);
  }
  return out;
}

function differing(a: Json, b: Json): string[] {
  const sa = shape(a);
  const sb = shape(b);
  expect(sb.map((x) => x[0])).toEqual(sa.map((x) => x[0]));
  return sa.filter((x, i) => x[1] !== sb[i]?.[1]).map((x) => x[0]);
}

function checkSegments(
  adapter: ProviderAdapter,
  body: Json,
  segs: { path: string; text: string }[],
  expected: Record<string, string>,
  absent: string[] | undefined,
  count: number | undefined,
): void {
  const byPath = new Map(segs.map((s) => [s.path, s.text]));
  expect(byPath.size, 'segment paths are unique').toBe(segs.length);
  for (const [path, text] of Object.entries(expected)) expect(byPath.get(path), path).toBe(text);
  for (const path of absent ?? []) expect(byPath.has(path), `${path} must not be a segment`).toBe(false);
  if (count !== undefined) expect(segs.length).toBe(count);
  for (const s of segs) expect(getAt(body, s.path), `${adapter.api} ${s.path}`).toBe(s.text);
}

function checkRewrites(segs: { path: string; text: string }[], body: Json, reread: (b: Json) => { path: string; text: string }[]): void {
  const before = JSON.stringify(body);
  for (const s of segs) {
    const out = applyRewrites(body, new Map([[s.path, '[REDACTED:test]']]));
    expect(getAt(out, s.path)).toBe('[REDACTED:test]');
    const diff = differing(body, out);
    // Exactly that one string changed (unless it already held the replacement), key order everywhere intact.
    expect(diff.length).toBe(s.text === '[REDACTED:test]' ? 0 : 1);
  }
  expect(JSON.stringify(body), 'the original body is not modified').toBe(before);
  // All at once: the adapter reads each rewritten value back at the same path.
  const all = new Map(segs.map((s, i) => [s.path, `<${i}>`]));
  const out = applyRewrites(body, all);
  const again = new Map(reread(out).map((s) => [s.path, s.text]));
  for (const [path, text] of all) expect(again.get(path)).toBe(text);
}

function parsed(ev: SseEvent): Json | null {
  try {
    return JSON.parse(ev.data) as Json;
  } catch {
    return null;
  }
}

interface StreamRead {
  channels: Record<string, string>;
  whole: [string, string][];
}

function readStream(adapter: ProviderAdapter, f: Fixture, events: SseEvent[]): StreamRead {
  const channels: Record<string, string> = {};
  const whole: [string, string][] = [];
  for (const ev of events) {
    if (isCommentOnly(ev)) continue;
    const data = parsed(ev);
    const segs = data === null ? [] : adapter.streamSegments(f.subpath, ev, data);
    for (const s of segs) {
      expect(getAt(data as Json, s.path), s.path).toBe(s.text);
      if (isWholeChannel(s.channel)) whole.push([s.channel, s.text]);
      else channels[s.channel] = (channels[s.channel] ?? '') + s.text;
    }
  }
  return { channels, whole };
}

/**
 * What the proxy does with a StreamGuard, with a guard that holds back the last `hold` characters of each
 * channel: rewrite pushed text in place, release held text with flushEvent before an event that ends its
 * channel (or append it in place when that event itself carries the channel's text).
 */
function simulateHoldback(adapter: ProviderAdapter, f: Fixture, events: SseEvent[], hold: number): SseEvent[] {
  const held = new Map<string, string>();
  const lastEvent = new Map<string, SseEvent>();
  const out: SseEvent[] = [];
  for (const ev of events) {
    if (isCommentOnly(ev)) {
      out.push(ev);
      continue;
    }
    const data = parsed(ev);
    const segs: StreamSegment[] = data === null ? [] : adapter.streamSegments(f.subpath, ev, data);
    const rewrites = new Map<string, string>();
    const lastPathInEvent = new Map<string, string>();
    for (const s of segs) {
      if (isWholeChannel(s.channel)) continue;
      const all = (held.get(s.channel) ?? '') + s.text;
      const cut = Math.max(0, all.length - hold);
      rewrites.set(s.path, all.slice(0, cut));
      held.set(s.channel, all.slice(cut));
      lastEvent.set(s.channel, ev);
      lastPathInEvent.set(s.channel, s.path);
    }
    const ends = adapter.endsChannels(f.subpath, ev, data);
    for (const [ch, text] of [...held]) {
      if (!ends.some((p) => channelMatches(p, ch))) continue;
      held.delete(ch);
      if (text === '') continue;
      const inPlace = lastPathInEvent.get(ch);
      if (inPlace !== undefined) rewrites.set(inPlace, (rewrites.get(inPlace) ?? '') + text);
      else out.push(adapter.flushEvent(f.subpath, ch, lastEvent.get(ch) as SseEvent, text));
    }
    out.push(rewrites.size > 0 && data !== null ? { ...ev, data: JSON.stringify(applyRewrites(data, rewrites)) } : ev);
  }
  return out;
}

const KINDS: ErrorKind[] = ['blocked', 'bad_request', 'not_found', 'too_large', 'upstream_unreachable', 'upstream_timeout', 'scan_failed', 'audit_failed', 'internal'];

for (const c of CASES) {
  describe(`${c.api} adapter conformance`, () => {
    it('has fixtures for requests, responses and streams', () => {
      expect(c.fixtures.some((f) => f.stream)).toBe(true);
      expect(c.fixtures.some((f) => f.response !== undefined)).toBe(true);
    });

    for (const f of c.fixtures) {
      describe(f.name, () => {
        const query = new URLSearchParams(f.query ?? '');

        it('wantsStream', () => {
          expect(c.adapter.wantsStream(f.subpath, query, f.request)).toBe(f.wantsStream);
        });

        it('finds every request text at its path, and rewrites exactly that string', () => {
          const segs = c.adapter.requestSegments(f.subpath, f.request);
          checkSegments(c.adapter, f.request, segs, f.expectRequest, f.notRequest, f.expectRequestCount);
          checkRewrites(segs, f.request, (b) => c.adapter.requestSegments(f.subpath, b));
        });

        if (f.response !== undefined) {
          const response = f.response;
          it('finds every response text at its path, and rewrites exactly that string', () => {
            const segs = c.adapter.responseSegments(f.subpath, response);
            checkSegments(c.adapter, response, segs, f.expectResponse ?? {}, f.notResponse, f.expectResponseCount);
            checkRewrites(segs, response, (b) => c.adapter.responseSegments(f.subpath, b));
          });
        }

        if (f.stream !== undefined) {
          const events = parseSse(f.stream);

          it('maps stream events to channels across chunks', () => {
            const read = readStream(c.adapter, f, events);
            expect(read.channels).toEqual(f.expectChannels ?? {});
            expect(read.whole).toEqual(f.expectWhole ?? []);
          });

          it('reports the channels each event ends', () => {
            events.forEach((ev, i) => {
              if (isCommentOnly(ev)) return;
              expect(c.adapter.endsChannels(f.subpath, ev, parsed(ev)), `event ${i}`).toEqual(f.expectEnds?.[String(i)] ?? []);
            });
          });

          it('flushEvent builds a delta on the same channel that ends nothing', () => {
            const last = new Map<string, SseEvent>();
            for (const ev of events) {
              const data = parsed(ev);
              if (data === null) continue;
              for (const s of c.adapter.streamSegments(f.subpath, ev, data)) if (!isWholeChannel(s.channel)) last.set(s.channel, ev);
            }
            expect(last.size).toBeGreaterThan(0);
            for (const [ch, ev] of last) {
              const fe = c.adapter.flushEvent(f.subpath, ch, ev, 'held "text"\n');
              const data = JSON.parse(fe.data) as Json;
              expect(c.adapter.streamSegments(f.subpath, fe, data)).toEqual([expect.objectContaining({ channel: ch, text: 'held "text"\n' })]);
              expect(c.adapter.endsChannels(f.subpath, fe, data)).toEqual([]);
              expect(fe.data).not.toMatch(/"(usage|usageMetadata|stop_reason|finishReason)"|"finish_reason":"/);
            }
          });

          for (const hold of [1, 4, 1000]) {
            it(`a hold-back proxy (hold ${hold}) delivers the same channel texts, flushed before each channel ends`, () => {
              const out = simulateHoldback(c.adapter, f, events, hold);
              // Through the wire format and back.
              const wire = out.map(serializeSse).join('');
              const reparsed = parseSse(wire);
              const read = readStream(c.adapter, f, reparsed);
              expect(read.channels).toEqual(f.expectChannels ?? {});
              // No text on a channel after the event that ended it.
              const ended = new Set<string>();
              for (const ev of reparsed) {
                if (isCommentOnly(ev)) continue;
                const data = parsed(ev);
                const segs = data === null ? [] : c.adapter.streamSegments(f.subpath, ev, data);
                for (const s of segs) if (s.text !== '') expect(ended.has(s.channel), `${s.channel} written after its end`).toBe(false);
                const ends = c.adapter.endsChannels(f.subpath, ev, data);
                for (const s of segs) if (ends.some((p) => channelMatches(p, s.channel))) ended.add(s.channel);
                for (const ch of Object.keys(f.expectChannels ?? {})) if (ends.some((p) => channelMatches(p, ch))) ended.add(ch);
              }
            });
          }
        }
      });
    }

    it('error bodies have the provider shape for every kind', () => {
      for (const kind of KINDS) {
        const e = c.adapter.error(kind, `leakgate: ${kind}`);
        expect(e.contentType).toMatch(/^application\/json/);
        const body = JSON.parse(e.body) as Json;
        const { type, message } = c.errors.read(body);
        expect(message).toBe(`leakgate: ${kind}`);
        const want = c.errors.types[e.status];
        if (want !== undefined) expect(type, `${kind} -> ${e.status}`).toBe(want);
        expect(Object.keys(body as object)).toEqual(c.errors.keys.top);
        expect(Object.keys((body as Record<string, object>)['error'] as object)).toEqual(c.errors.keys.error);
      }
      expect(c.adapter.error('blocked', 'x').status).toBe(403);
      expect(c.adapter.error('too_large', 'x').status).toBe(413);
      expect(c.adapter.error('upstream_timeout', 'x').status).toBe(504);
      expect(c.adapter.error('audit_failed', 'x').status).toBe(503);
      for (const [status, type] of Object.entries(c.errors.types)) {
        const e = c.adapter.error('internal', 'x', Number(status));
        expect(e.status).toBe(Number(status));
        expect(c.errors.read(JSON.parse(e.body) as Json).type).toBe(type);
      }
    });

    it('the stream error event carries the provider error', () => {
      const ev = c.adapter.streamErrorEvent('blocked: aws-access-key-id');
      const data = JSON.parse(ev.data) as Json;
      expect(c.errors.read(data).message).toBe('blocked: aws-access-key-id');
      expect(c.adapter.endsChannels('/', ev, data)).toEqual(['*']);
      // Round trip through the wire.
      expect(parseSse(serializeSse(ev))).toEqual([ev]);
    });
  });
}
