// Adapter details the shared suite does not cover, and the official SDKs reading what adapters write.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../../src/providers/anthropic.js';
import { geminiAdapter } from '../../src/providers/gemini.js';
import { openaiAdapter } from '../../src/providers/openai.js';
import { adapterFor } from '../../src/providers/registry.js';
import { parseSse, serializeSse } from '../../src/providers/sse.js';
import type { Json, SseEvent } from '../../src/providers/types.js';

const q = (s = ''): URLSearchParams => new URLSearchParams(s);

describe('registry', () => {
  it('maps each api to its adapter', () => {
    for (const api of ['openai', 'anthropic', 'gemini'] as const) expect(adapterFor(api).api).toBe(api);
  });
});

describe('openai adapter', () => {
  it('routes by the path tail (Azure-style deployments too)', () => {
    const body: Json = { messages: [{ role: 'user', content: 'hi' }], model: 'x' };
    expect(openaiAdapter.requestSegments('/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21', body)).toEqual([
      { path: 'messages[0].content', text: 'hi' },
    ]);
    // An unmodelled route scans every string, ids and model included.
    expect(openaiAdapter.requestSegments('/v1/audio/speech', { model: 'tts-1', input: 'say', voice: 'alloy' })).toHaveLength(3);
  });

  it('wantsStream only for stream: true', () => {
    expect(openaiAdapter.wantsStream('/v1/chat/completions', q(), { stream: true })).toBe(true);
    expect(openaiAdapter.wantsStream('/v1/chat/completions', q(), { stream: 'true' })).toBe(false);
    expect(openaiAdapter.wantsStream('/v1/chat/completions', q(), undefined)).toBe(false);
  });

  it('[DONE] is a control event that ends every channel', () => {
    const ev: SseEvent = { data: '[DONE]' };
    expect(openaiAdapter.streamSegments('/v1/chat/completions', ev, null)).toEqual([]);
    expect(openaiAdapter.endsChannels('/v1/chat/completions', ev, null)).toEqual(['*']);
  });

  it('the Responses stream error is an `event: error` carrying type error and the error object', () => {
    const ev = openaiAdapter.streamErrorEvent('blocked', '/v1/responses');
    expect(ev.event).toBe('error');
    const data = JSON.parse(ev.data) as { type: string; message: string; error: { message: string } };
    expect(data.type).toBe('error');
    expect(data.message).toBe('blocked');
    expect(data.error.message).toBe('blocked');
  });

  it('unknown streaming routes hand every string over whole', () => {
    const segs = openaiAdapter.streamSegments('/v1/threads/runs', { event: 'thread.message.delta', data: '' }, { delta: { content: [{ text: { value: 'hi' } }] } });
    expect(segs).toEqual([{ path: 'delta.content[0].text.value', text: 'hi', channel: 'whole:delta.content[0].text.value' }]);
  });

  it('reasoning_content deltas of OpenAI-compatible servers are a channel of their own', () => {
    const data: Json = { choices: [{ index: 0, delta: { reasoning_content: 'think' } }] };
    expect(openaiAdapter.streamSegments('/v1/chat/completions', { data: '' }, data)).toEqual([
      { path: 'choices[0].delta.reasoning_content', text: 'think', channel: 'choices[0].reasoning_content' },
    ]);
  });
});

describe('anthropic adapter', () => {
  it('flushes tool input as input_json_delta and text as text_delta', () => {
    const last: SseEvent = { event: 'content_block_delta', data: '{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"a"}}' };
    expect(JSON.parse(anthropicAdapter.flushEvent('/v1/messages', 'content[3]', last, 'b').data)).toEqual({
      type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'b' },
    });
    expect(JSON.parse(anthropicAdapter.flushEvent('/v1/messages', 'content[2].input', last, '"}').data)).toEqual({
      type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"}' },
    });
  });

  it('a system prompt given as a string is one segment', () => {
    expect(anthropicAdapter.requestSegments('/v1/messages', { system: 'sys', messages: [] })).toEqual([{ path: 'system', text: 'sys' }]);
  });
});

describe('gemini adapter', () => {
  const stream = '/v1beta/models/gemini-2.5-pro:streamGenerateContent';
  it('wantsStream only for streamGenerateContent with alt=sse', () => {
    expect(geminiAdapter.wantsStream(stream, q('alt=sse'), {})).toBe(true);
    expect(geminiAdapter.wantsStream(stream, q(), {})).toBe(false);
    expect(geminiAdapter.wantsStream('/v1beta/models/gemini-2.5-pro:generateContent', q('alt=sse'), {})).toBe(false);
  });

  it('candidate index, not array position, names the channel', () => {
    const data: Json = { candidates: [{ index: 1, content: { parts: [{ text: 'x' }] } }] };
    expect(geminiAdapter.streamSegments(stream, { data: '' }, data)).toEqual([
      { path: 'candidates[0].content.parts[0].text', text: 'x', channel: 'candidates[1].text' },
    ]);
  });
});

/* ---- The official SDKs, on a real socket, read flush events and the stream error event. ---- */

let server: Server;
let base = '';
let script: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of script) res.write(piece);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('SDKs read what the adapters write', () => {
  it('openai: a flushed chunk is ordinary content, the stream error raises APIError', async () => {
    const chunk = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n';
    const first = parseSse(chunk)[0] as SseEvent;
    script = [chunk, serializeSse(openaiAdapter.flushEvent('/v1/chat/completions', 'choices[0].content', first, 'lo')), serializeSse(openaiAdapter.streamErrorEvent('blocked: github-pat'))];
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'test-key-not-real', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    let err: unknown;
    try {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    } catch (e) {
      err = e;
    }
    expect(text).toBe('Hello');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toContain('blocked: github-pat');
  });

  it('anthropic: a flushed delta is ordinary text, the stream error raises APIError', async () => {
    const start = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
    ];
    const last = parseSse(start[2] as string)[0] as SseEvent;
    script = [...start, serializeSse(anthropicAdapter.flushEvent('/v1/messages', 'content[0]', last, 'lo')), serializeSse(anthropicAdapter.streamErrorEvent('blocked: aws-access-key-id'))];
    const client = new Anthropic({ baseURL: base, apiKey: 'test-key-not-real', maxRetries: 0 });
    const stream = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    let err: unknown;
    try {
      for await (const ev of stream) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    } catch (e) {
      err = e;
    }
    expect(text).toBe('Hello');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as Error).message).toContain('blocked: aws-access-key-id');
  });
});
