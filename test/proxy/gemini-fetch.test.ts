// Gemini REST (plain fetch, as documented) → leakgate → fake provider.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSse } from '../../src/providers/sse.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { GEMINI_TEST_KEY, geminiFetch } from '../helpers/sdk.js';
import { REDACTED, markerGuard } from '../helpers/test-guards.js';

let provider: FakeProvider;
let gw: TestGateway;

beforeAll(async () => {
  provider = await startFakeProvider();
  gw = await startGateway({ guard: markerGuard({ redact: 'SECRETWORD', block: 'BLOCKWORD' }), upstream: provider.url });
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});
afterEach(() => {
  provider.replyText = null;
  provider.requests.length = 0;
});

const body = (text: string) => ({ contents: [{ role: 'user', parts: [{ text }] }] });

type GenResponse = { candidates: { content: { parts: { text?: string; functionCall?: { args: unknown } }[] }; finishReason?: string }[]; error?: { code: number; status: string; message: string } };

describe('gemini through leakgate', () => {
  it('generateContent: path, key header and query reach the upstream; the text is redacted both ways', async () => {
    provider.replyText = 'reply SECRETWORD';
    const res = await geminiFetch(gw.url, 'gemini-test', 'generateContent', body('ask SECRETWORD'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-leakgate-action')).toBe('redact');
    const j = (await res.json()) as GenResponse;
    expect(j.candidates[0]?.content.parts[0]?.text).toBe(`reply ${REDACTED}`);
    const seen = provider.requests[0];
    expect(seen?.url).toBe('/v1beta/models/gemini-test:generateContent');
    expect(seen?.headers['x-goog-api-key']).toBe(GEMINI_TEST_KEY);
    expect(seen?.raw.toString()).toContain(REDACTED);
  });

  it('streamGenerateContent?alt=sse streams events with the split marker redacted', async () => {
    provider.replyText = 'aa SECRETWORD bb cc';
    provider.chunkChars = 3;
    try {
      const res = await geminiFetch(gw.url, 'gemini-test', 'streamGenerateContent', body('q'));
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expect(provider.requests[0]?.url).toBe('/v1beta/models/gemini-test:streamGenerateContent?alt=sse');
      const events = parseSse(await res.text());
      const text = events.map((e) => ((JSON.parse(e.data) as GenResponse).candidates[0]?.content.parts ?? []).map((p) => p.text ?? '').join('')).join('');
      expect(text).toBe(`aa ${REDACTED} bb cc`);
    } finally {
      provider.chunkChars = 4;
    }
  });

  it('function calls pass through', async () => {
    const res = await geminiFetch(gw.url, 'tools', 'generateContent', body('q'));
    const j = (await res.json()) as GenResponse;
    expect(j.candidates[0]?.content.parts[0]?.functionCall?.args).toEqual({ city: 'Paris', note: 'echo: q' });
  });

  it('block is a Gemini-shaped 403; 429 keeps Retry-After and the Gemini error shape', async () => {
    const b = await geminiFetch(gw.url, 'gemini-test', 'generateContent', body('BLOCKWORD'));
    expect(b.status).toBe(403);
    const be = (await b.json()) as GenResponse;
    expect(be.error?.code).toBe(403);
    expect(be.error?.message).toContain('test-block-marker');
    expect(provider.requests).toHaveLength(0);
    const r = await geminiFetch(gw.url, 'rate-limit', 'generateContent', body('q'));
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(((await r.json()) as GenResponse).error?.status).toBe('RESOURCE_EXHAUSTED');
  });
});
