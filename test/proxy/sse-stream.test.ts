// The SSE fast path: events the guard left unchanged reach the client as the exact bytes the upstream
// sent (whatever the chunking: split mid-event, mid-line, inside UTF-8 sequences), the guard sees a
// burst of events in a few pushes instead of one per event, a lone event is not held back waiting for
// more, and a marker split over events is still caught when events are batched.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../../src/providers/anthropic.js';
import { openaiAdapter } from '../../src/providers/openai.js';
import { parseSse, SseParser } from '../../src/providers/sse.js';
import type { Json, ProviderAdapter, SseEvent } from '../../src/providers/types.js';
import { learnTemplate, matchTemplate, spliceTemplate } from '../../src/proxy/sse-template.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { markerGuard, REDACTED, type TestGuard } from '../helpers/test-guards.js';

/** A deterministic pseudo-random generator (the cuts must be reproducible when a test fails). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function cut(bytes: Buffer, rand: () => number, maxPiece: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rand() * maxPiece);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

const chunk = (content: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: finish ? {} : { content }, finish_reason: finish }] })}\n\n`;

function openaiStream(words: readonly string[]): string {
  return [chunk(''), ...words.map((w) => chunk(w)), chunk('', 'stop'), 'data: [DONE]\n\n'].join('');
}

describe('SseParser raws', () => {
  const stream =
    ': keep-alive\r\n\r\n' +
    'event: message\r\ndata: {"a":"ünïcødé 🎉"}\r\n\r\n' +
    'id: 7\rdata: line one\rdata: line two\r\r' +
    'data: {"b":1}\n\n' +
    'retry: 100\ndata: x\n\n';

  it('hand back each event’s exact wire text, for every chunking', () => {
    const expected = parseSse(stream);
    const bytes = Buffer.from(stream);
    for (let seed = 1; seed <= 200; seed++) {
      const p = new SseParser();
      const raws: (string | undefined)[] = [];
      const events = cut(bytes, rng(seed), 1 + (seed % 17)).flatMap((c) => p.push(c, raws));
      events.push(...p.end(raws));
      expect(events, `seed ${seed}`).toEqual(expected);
      expect(raws.length).toBe(events.length);
      expect(raws.join(''), `seed ${seed}`).toBe(stream);
      raws.forEach((r, i) => expect(parseSse(r as string)).toEqual([events[i]]));
    }
  });

  it('an event cut off by the end of the stream has no raw (it must be serialised)', () => {
    const p = new SseParser();
    const raws: (string | undefined)[] = [];
    expect(p.push('data: a\n\ndata: b', raws)).toHaveLength(1);
    expect(p.idle).toBe(false);
    expect(p.end(raws)).toEqual([{ data: 'b' }]);
    expect(raws).toEqual(['data: a\n\n', undefined]);
  });
});

describe('event templates (a byte check before JSON.parse)', () => {
  function learn(adapter: ProviderAdapter, subpath: string, ev: SseEvent) {
    const data = JSON.parse(ev.data) as Json;
    return learnTemplate(adapter, subpath, ev, adapter.endsChannels(subpath, ev, data), adapter.streamSegments(subpath, ev, data));
  }
  const oa = (content: string): SseEvent => ({ data: chunk(content).slice(6, -2) });

  it('OpenAI chunks: learnt from one delta, matched by the next, same segment a parse gives', () => {
    const t = learn(openaiAdapter, '/v1/chat/completions', oa('Hello'));
    expect(t).not.toBeNull();
    if (!t) return;
    const next = oa(' wörld 🎉');
    expect(matchTemplate(t, next)).toBe(' wörld 🎉');
    const parsed = openaiAdapter.streamSegments('/v1/chat/completions', next, JSON.parse(next.data) as Json);
    expect(parsed).toEqual([{ path: t.path, channel: t.channel, text: ' wörld 🎉' }]);
    expect(JSON.parse(spliceTemplate(t, 'a "quoted" \\ line\n'))).toEqual(JSON.parse(oa('a "quoted" \\ line\n').data));
  });

  it('anything that is not a plain literal in the same slot takes the full parse', () => {
    const t = learn(openaiAdapter, '/v1/chat/completions', oa('Hello'));
    if (!t) throw new Error('no template');
    for (const content of ['say \"hi\"', 'a\\b', 'tab\there', '']) expect(matchTemplate(t, oa(content)), content).toBeNull();
    // A literal that would close the string and add structure is refused (it holds a quote).
    expect(matchTemplate(t, { data: `${t.pre}x","role":"y${t.post}` })).toBeNull();
    // The finish chunk, other event names or fields do not match.
    expect(matchTemplate(t, { data: chunk('', 'stop').slice(6, -2) })).toBeNull();
    expect(matchTemplate(t, { ...oa('Hi'), event: 'other' })).toBeNull();
    expect(matchTemplate(t, { ...oa('Hi'), id: '3' })).toBeNull();
  });

  it('no template from events that close a channel, carry no text, or whose text appears twice', () => {
    expect(learn(openaiAdapter, '/v1/chat/completions', { data: chunk('', 'stop').slice(6, -2) })).toBeNull();
    expect(learn(openaiAdapter, '/v1/chat/completions', oa(''))).toBeNull();
    expect(learn(openaiAdapter, '/v1/chat/completions', oa('c1'))).toBeNull(); // 'c1' is also the chunk's id
  });

  it('Anthropic text deltas learn a template too', () => {
    const ev = (text: string): SseEvent => ({ event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }) });
    const t = learn(anthropicAdapter, '/v1/messages', ev('Hello'));
    expect(t).not.toBeNull();
    if (t) expect(matchTemplate(t, ev(' there'))).toBe(' there');
  });
});

describe('SSE through the gateway', () => {
  let upstream: Server;
  let gw: TestGateway;
  let guard: TestGuard;
  /** What the scripted upstream sends next: pieces, and the delay (ms) before each (0: same tick). */
  let script: { pieces: Buffer[]; gapMs: number; firstGapMs?: number } = { pieces: [], gapMs: 0 };

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const { pieces, gapMs, firstGapMs } = script;
        let i = 0;
        const next = (): void => {
          if (i === pieces.length) {
            res.end();
            return;
          }
          if (gapMs === 0 && i > 0) {
            while (i < pieces.length) res.write(pieces[i++] as Buffer);
            res.end();
            return;
          }
          res.write(pieces[i++] as Buffer);
          setTimeout(next, i === 1 && firstGapMs !== undefined ? firstGapMs : gapMs);
        };
        next();
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    guard = markerGuard({ redact: 'SECRETWORD' });
    gw = await startGateway({ guard, upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await gw.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  });
  beforeEach(() => {
    guard.calls.pushes.length = 0;
  });

  async function stream(): Promise<{ bytes: Buffer; firstMs: number }> {
    const t0 = performance.now();
    const res = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","stream":true,"messages":[]}' });
    const parts: Buffer[] = [];
    let firstMs = -1;
    for await (const c of res.body as ReadableStream<Uint8Array>) {
      if (firstMs < 0) firstMs = performance.now() - t0;
      parts.push(Buffer.from(c));
    }
    return { bytes: Buffer.concat(parts), firstMs };
  }

  const text = (wire: Buffer): string =>
    parseSse(wire)
      .filter((e) => e.data.startsWith('{'))
      .map((e) => (JSON.parse(e.data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');

  it('a clean stream arrives byte for byte, for any cut of the upstream bytes', async () => {
    const words = Array.from({ length: 120 }, (_, i) => `wörd${i} `);
    const wire = Buffer.from(openaiStream(words));
    for (const seed of [1, 2, 3]) {
      script = { pieces: cut(wire, rng(seed), 300), gapMs: seed === 3 ? 1 : 0 };
      const got = await stream();
      expect(got.bytes.equals(wire), `seed ${seed}`).toBe(true);
    }
  });

  it('a burst of events is scanned in a few pushes, not one per event', async () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i} `);
    script = { pieces: [Buffer.from(openaiStream(words))], gapMs: 0 };
    // One write per event, all in the same tick: the gateway may read them one socket read each.
    script.pieces = openaiStream(words)
      .split(/(?<=\n\n)/)
      .map((s) => Buffer.from(s));
    const got = await stream();
    expect(text(got.bytes)).toBe(words.join(''));
    expect(guard.calls.pushes.length).toBeGreaterThan(0);
    expect(guard.calls.pushes.length).toBeLessThan(100);
  });

  it('a marker split over events is redacted whether events come in a burst or one by one', async () => {
    const words = ['here ', 'is ', 'SEC', 'RET', 'WORD', ' and ', 'more ', 'SECRETWO', 'RD', '.'];
    for (const gapMs of [0, 2]) {
      script = { pieces: openaiStream(words).split(/(?<=\n\n)/).map((s) => Buffer.from(s)), gapMs };
      const got = await stream();
      const t = text(got.bytes);
      expect(t, `gap ${gapMs}`).toBe(`here is ${REDACTED} and more ${REDACTED}.`);
      expect(got.bytes.toString()).not.toContain('SECRETWORD');
    }
  });

  it('escaped and structural text among template-matched deltas is parsed and scanned', async () => {
    const words = ['a ', 'b ', 'say "SECRET', 'WORD" \\ ', 'c\n', 'SECRETWORD', ' d'];
    for (const gapMs of [0, 2]) {
      script = { pieces: openaiStream(words).split(/(?<=\n\n)/).map((s) => Buffer.from(s)), gapMs };
      const got = await stream();
      expect(text(got.bytes), `gap ${gapMs}`).toBe(`a b say "${REDACTED}" \\ c\n${REDACTED} d`);
    }
  });

  it('a lone event is not held back waiting for the next one', async () => {
    const words = ['first ', 'second'];
    script = { pieces: openaiStream(words).split(/(?<=\n\n)/).map((s) => Buffer.from(s)), gapMs: 0, firstGapMs: 400 };
    const got = await stream();
    expect(got.firstMs).toBeLessThan(300);
    expect(text(got.bytes)).toBe('first second');
  });
});
