// End to end with the official `openai` SDK → leakgate → fake provider, on real sockets.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { OPENAI_TEST_KEY, openaiClient } from '../helpers/sdk.js';
import { REDACTED, markerGuard, type TestGuard } from '../helpers/test-guards.js';

let provider: FakeProvider;
let gw: TestGateway;
let guard: TestGuard;
let client: OpenAI;

beforeAll(async () => {
  provider = await startFakeProvider();
  guard = markerGuard({ redact: 'SECRETWORD', block: 'BLOCKWORD' });
  gw = await startGateway({ guard, upstream: provider.url });
  client = openaiClient(gw.url);
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});
afterEach(() => {
  provider.replyText = null;
  provider.requests.length = 0;
});

describe('openai SDK through leakgate', () => {
  it('non-streaming chat: forwards key, path and body; returns the provider answer', async () => {
    const r = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hello there' }] });
    expect(r.choices[0]?.message.content).toBe('echo: hello there');
    const [seen] = provider.requests;
    expect(seen?.url).toBe('/v1/chat/completions');
    expect(seen?.headers.authorization).toBe(`Bearer ${OPENAI_TEST_KEY}`);
    expect(seen?.headers.host).toBe(new URL(provider.url).host);
    expect(seen?.headers['x-request-id']).toMatch(/^[\x21-\x7e]{1,128}$/);
  });

  it('forwards the original bytes when nothing is rewritten', async () => {
    const body = '{"model":"echo",   "messages":[{"role":"user","content":"spacing kept"}]}';
    const res = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-leakgate-action')).toBe('allow');
    expect(provider.requests[0]?.raw.toString()).toBe(body);
  });

  it('redacts a request segment: the provider sees the rewrite, the SDK gets x-leakgate-action: redact', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'echo', messages: [{ role: 'user', content: 'my key is SECRETWORD ok' }] })
      .withResponse();
    expect(response.headers.get('x-leakgate-action')).toBe('redact');
    const seen = provider.requests[0]?.json as { messages: { content: string }[] };
    expect(seen.messages[0]?.content).toBe(`my key is ${REDACTED} ok`);
    expect(provider.requests[0]?.raw.toString()).not.toContain('SECRETWORD');
    expect(data.choices[0]?.message.content).toBe(`echo: my key is ${REDACTED} ok`);
  });

  it('blocks a request: typed 403 PermissionDeniedError naming the type, upstream not contacted', async () => {
    const err = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'BLOCKWORD here' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e = err as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(e.status).toBe(403);
    expect(e.message).toContain('test-block-marker');
    expect(e.message).not.toContain('BLOCKWORD');
    expect(e.headers?.get('x-leakgate-action')).toBe('block');
    expect(provider.requests).toHaveLength(0);
  });

  it('redacts a non-streamed response', async () => {
    provider.replyText = 'the answer is SECRETWORD.';
    const { data, response } = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'q' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe(`the answer is ${REDACTED}.`);
    expect(response.headers.get('x-leakgate-action')).toBe('redact');
  });

  it('blocks a non-streamed response with a provider-shaped 403', async () => {
    provider.replyText = 'leaking BLOCKWORD now';
    const err = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'q' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as Error).message).toContain('test-block-marker');
  });

  it('streams: text arrives intact, marker split over chunks is redacted', async () => {
    provider.replyText = 'alpha SECRETWORD omega and more words';
    provider.chunkChars = 3;
    try {
      const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'q' }] });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(text).toBe(`alpha ${REDACTED} omega and more words`);
      expect(finish).toBe('stop');
      expect(guard.calls.ends.at(-1)).toBe('complete');
    } finally {
      provider.chunkChars = 4;
    }
  });

  it('streams: text held back at the end (a marker prefix) is released by a flush event before finish', async () => {
    provider.replyText = 'ends with SECRETW';
    provider.chunkChars = 2;
    try {
      const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'q' }] });
      const deltas: string[] = [];
      let finishSeenAfterText = false;
      for await (const chunk of stream) {
        const c = chunk.choices[0];
        if (c?.delta.content) deltas.push(c.delta.content);
        if (c?.finish_reason) finishSeenAfterText = deltas.join('') === 'ends with SECRETW';
      }
      expect(deltas.join('')).toBe('ends with SECRETW');
      expect(finishSeenAfterText).toBe(true);
    } finally {
      provider.chunkChars = 4;
    }
  });

  it('streams: a blocked stream ends with the provider error event (SDK raises)', async () => {
    provider.replyText = 'safe text then BLOCKWORD and the rest';
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'q' }] });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toContain('leakgate');
    expect(text).not.toContain('BLOCKWORD');
    expect(text.startsWith('safe text')).toBe(true);
  });

  it('tool calls, streamed and not, pass through with arguments scanned', async () => {
    provider.replyText = 'note SECRETWORD';
    const whole = await client.chat.completions.create({ model: 'tools', messages: [{ role: 'user', content: 'q' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] });
    const call = whole.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : null).toEqual({ city: 'Paris', note: `note ${REDACTED}` });

    const stream = await client.chat.completions.create({ model: 'tools', stream: true, messages: [{ role: 'user', content: 'q' }] });
    let args = '';
    for await (const chunk of stream) args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    expect(JSON.parse(args)).toEqual({ city: 'Paris', note: `note ${REDACTED}` });
  });

  it('429 passes through with Retry-After and rate-limit headers: SDK raises RateLimitError', async () => {
    const err = await client.chat.completions.create({ model: 'rate-limit', messages: [{ role: 'user', content: 'q' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.headers?.get('retry-after')).toBe('7');
    expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(e.message).toContain('Rate limit reached (fake)');
  });

  it('500 passes through; with retries on, the SDK retries through the gateway', async () => {
    const err = await client.chat.completions.create({ model: 'server-error', messages: [{ role: 'user', content: 'q' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(provider.requests).toHaveLength(1);
    provider.requests.length = 0;
    const retrying = new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: `${gw.url}/openai/v1`, maxRetries: 1 });
    const err2 = await retrying.chat.completions.create({ model: 'server-error', messages: [{ role: 'user', content: 'q' }] }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(OpenAI.InternalServerError);
    expect(provider.requests).toHaveLength(2);
  });

  it('GET routes (models) and embeddings work', async () => {
    const models = await client.models.list();
    expect(models.data[0]?.id).toBe('echo');
    const emb = await client.embeddings.create({ model: 'echo', input: 'text SECRETWORD', encoding_format: 'float' });
    expect(emb.data[0]?.embedding).toEqual([0.1, 0.2]);
    const seen = provider.requests.find((r) => r.url.endsWith('/embeddings'))?.raw.toString() ?? '';
    expect(seen).not.toContain('SECRETWORD');
  });

  it('decompresses a gzip JSON response it did not ask for and scans it', async () => {
    provider.replyText = 'zipped SECRETWORD';
    const r = await client.chat.completions.create({ model: 'gzip', messages: [{ role: 'user', content: 'q' }] });
    expect(r.choices[0]?.message.content).toBe(`zipped ${REDACTED}`);
    expect(provider.requests[0]?.headers['accept-encoding']).toBe('identity');
  });

  it('decodes a gzip SSE stream as it arrives and scans it', async () => {
    provider.replyText = 'streamed zipped SECRETWORD end';
    const stream = await client.chat.completions.create({ model: 'gzip', stream: true, messages: [{ role: 'user', content: 'q' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(`streamed zipped ${REDACTED} end`);
  });
});
