import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LeakgateError } from '../../src/errors.js';
import { isCommentOnly, parseSse, serializeSse, SseParser } from '../../src/providers/sse.js';
import type { SseEvent } from '../../src/providers/types.js';

// Every line ending, a BOM, comments, multi-line data, a field without a colon, an unknown field,
// multi-byte UTF-8 (split by byte cuts), and a last event with no blank line after it.
const FIXTURE =
  '\uFEFF: hello comment\r\n' +
  'event: greeting\r\n' +
  'id: 42\r\n' +
  'retry: 1500\r\n' +
  'data: {"text":"héllo 😀 世界"}\r\n' +
  '\r\n' +
  'data: line one\r' +
  'data: line two\r' +
  'data:no-space\r' +
  '\r' +
  ': keep-alive\n' +
  '\n' +
  'data:  two leading spaces\n' +
  'unknown: ignored\n' +
  'data\n' +
  '\n' +
  'event: end\r\n' +
  'data: last without blank line';

const EXPECTED: SseEvent[] = [
  { event: 'greeting', id: '42', retry: 1500, data: '{"text":"héllo 😀 世界"}', comments: [': hello comment'] },
  { data: 'line one\nline two\nno-space' },
  { data: '', comments: [': keep-alive'] },
  { data: ' two leading spaces\n' },
  { event: 'end', data: 'last without blank line' },
];

function feed(chunks: (string | Uint8Array)[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

describe('SseParser', () => {
  it('parses the fixture in one piece', () => {
    expect(parseSse(FIXTURE)).toEqual(EXPECTED);
  });

  it('gives the same events for every single cut point of the bytes', () => {
    const bytes = new TextEncoder().encode(FIXTURE);
    // The encoder keeps U+FEFF as the byte BOM EF BB BF; the decoder must drop it.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    for (let i = 0; i <= bytes.length; i++) {
      expect(feed([bytes.slice(0, i), bytes.slice(i)]), `cut at byte ${i}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events for every single cut point of the string', () => {
    for (let i = 0; i <= FIXTURE.length; i++) {
      expect(feed([FIXTURE.slice(0, i), FIXTURE.slice(i)]), `cut at ${i}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events for every pair of cut points, and byte by byte', () => {
    const bytes = new TextEncoder().encode(FIXTURE);
    for (let i = 0; i <= bytes.length; i += 1) {
      for (let j = i; j <= bytes.length; j += 3) {
        expect(feed([bytes.slice(0, i), bytes.slice(i, j), bytes.slice(j)]), `cuts ${i},${j}`).toEqual(EXPECTED);
      }
    }
    expect(feed([...bytes].map((b) => Uint8Array.of(b)))).toEqual(EXPECTED);
  });

  it('replays a recorded provider stream identically for every cut point', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const text = readFileSync(join(here, 'fixtures/anthropic/messages-stream.sse'), 'utf8');
    const whole = parseSse(text);
    expect(whole.length).toBe(17);
    const bytes = new TextEncoder().encode(text);
    for (let i = 0; i <= bytes.length; i += 7) expect(feed([bytes.slice(0, i), bytes.slice(i)])).toEqual(whole);
  });

  it('treats \\r\\n split across chunks as one line ending', () => {
    expect(feed(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([{ data: 'a\nb' }]);
    // A lone '\r' followed later by '\n' in the next chunk must not produce a second blank line.
    expect(feed(['data: a\r', '\n', '\r\n'])).toEqual([{ data: 'a' }]);
  });

  it('emits nothing for blank lines alone and nothing for a stream that ends mid-nothing', () => {
    expect(parseSse('\n\n\r\n\r')).toEqual([]);
    expect(parseSse('')).toEqual([]);
  });

  it('a comment-only block is recognisable as a keep-alive', () => {
    const [ev] = parseSse(': ping\n\n');
    expect(ev && isCommentOnly(ev)).toBe(true);
    const [data] = parseSse('data: {}\n\n');
    expect(data && isCommentOnly(data)).toBe(false);
  });

  it('caps an event and raises a clear error, counting per event', () => {
    const p = new SseParser({ maxEventSize: 1000 });
    // Many small events are fine: the cap is per event, not per stream.
    for (let i = 0; i < 50; i++) expect(p.push(`data: ${'x'.repeat(500)}\n\n`)).toHaveLength(1);
    let err: unknown;
    try {
      for (let i = 0; i < 100; i++) p.push('data: ' + 'y'.repeat(50));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LeakgateError);
    expect((err as LeakgateError).code).toBe('LG_ERR_BODY_TOO_LARGE');
    expect((err as LeakgateError).message).toMatch(/1000/);
    // Across data lines too.
    const q = new SseParser({ maxEventSize: 100 });
    expect(() => {
      for (let i = 0; i < 20; i++) q.push('data: 0123456789\n');
    }).toThrow(/exceeds/);
  });

  it('reads a long line delivered in many small chunks', () => {
    const big = 'z'.repeat(1 << 20);
    const p = new SseParser();
    const out: SseEvent[] = [];
    p.push('data: ');
    for (let i = 0; i < big.length; i += 64) out.push(...p.push(big.slice(i, i + 64)));
    out.push(...p.push('\n\n'));
    expect(out).toHaveLength(1);
    expect(out[0]?.data.length).toBe(big.length);
  });
});

describe('serializeSse', () => {
  it('round-trips every fixture event', () => {
    const wire = EXPECTED.map(serializeSse).join('');
    expect(parseSse(wire)).toEqual(EXPECTED);
  });

  it('writes the standard wire text', () => {
    expect(serializeSse({ event: 'content_block_delta', data: '{"a":1}' })).toBe('event: content_block_delta\ndata: {"a":1}\n\n');
    expect(serializeSse({ data: 'a\nb' })).toBe('data: a\ndata: b\n\n');
    expect(serializeSse({ data: '', comments: [': keep-alive'] })).toBe(': keep-alive\n\n');
    expect(serializeSse({ data: '[DONE]' })).toBe('data: [DONE]\n\n');
  });

  it('never lets a line break inside data end the event early', () => {
    const ev: SseEvent = { data: 'one\r\ntwo\rthree' };
    expect(parseSse(serializeSse(ev))).toEqual([{ data: 'one\ntwo\nthree' }]);
  });
});
