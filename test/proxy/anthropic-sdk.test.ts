// End to end with the official `@anthropic-ai/sdk` → leakgate → fake provider.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { ANTHROPIC_TEST_KEY, anthropicClient } from '../helpers/sdk.js';
import { REDACTED, markerGuard, type TestGuard } from '../helpers/test-guards.js';

let provider: FakeProvider;
let gw: TestGateway;
let guard: TestGuard;
let client: Anthropic;

beforeAll(async () => {
  provider = await startFakeProvider();
  guard = markerGuard({ redact: 'SECRETWORD', block: 'BLOCKWORD' });
  gw = await startGateway({ guard, upstream: provider.url });
  client = anthropicClient(gw.url);
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});
afterEach(() => {
  provider.replyText = null;
  provider.requests.length = 0;
});

const ask = (content: string, model = 'echo') => ({ model, max_tokens: 64, messages: [{ role: 'user' as const, content }] });

describe('anthropic SDK through leakgate', () => {
  it('non-streaming message: key, version header and path reach the upstream', async () => {
    const r = await client.messages.create(ask('hello'));
    expect(r.content[0]?.type === 'text' ? r.content[0].text : null).toBe('echo: hello');
    const seen = provider.requests[0];
    expect(seen?.url).toBe('/v1/messages');
    // This SDK version sends the key as a bearer token; older ones used x-api-key. Either way, unchanged.
    const key = seen?.headers['x-api-key'] ?? seen?.headers.authorization?.replace(/^Bearer /, '');
    expect(key).toBe(ANTHROPIC_TEST_KEY);
    expect(seen?.headers['anthropic-version']).toBeDefined();
  });

  it('redacts the request; blocks with a typed PermissionDeniedError without contacting upstream', async () => {
    await client.messages.create(ask('value SECRETWORD'));
    expect(provider.requests[0]?.raw.toString()).toContain(REDACTED);
    provider.requests.length = 0;
    const err = await client.messages.create(ask('BLOCKWORD')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((err as Error).message).toContain('test-block-marker');
    expect(provider.requests).toHaveLength(0);
  });

  it('streams text with a split marker redacted, stop reason intact', async () => {
    provider.replyText = 'one two SECRETWORD three four';
    provider.chunkChars = 2;
    try {
      const stream = client.messages.stream(ask('q'));
      const final = await stream.finalMessage();
      const text = final.content[0]?.type === 'text' ? final.content[0].text : '';
      expect(text).toBe(`one two ${REDACTED} three four`);
      expect(final.stop_reason).toBe('end_turn');
    } finally {
      provider.chunkChars = 4;
    }
  });

  it('streams tool_use input_json with the marker redacted', async () => {
    provider.replyText = 'x SECRETWORD y';
    const final = await client.messages.stream(ask('q', 'tools')).finalMessage();
    const block = final.content[0];
    expect(block?.type).toBe('tool_use');
    expect(block?.type === 'tool_use' ? block.input : null).toEqual({ city: 'Paris', note: `x ${REDACTED} y` });
  });

  it('a blocked stream ends with an Anthropic error event the SDK raises', async () => {
    provider.replyText = 'fine then BLOCKWORD';
    const err = await client.messages.stream(ask('q')).finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toContain('leakgate');
  });

  it('429 with retry-after passes through as RateLimitError; 500 as InternalServerError', async () => {
    const e1 = await client.messages.create(ask('q', 'rate-limit')).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(Anthropic.RateLimitError);
    expect((e1 as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('7');
    expect((e1 as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    const e2 = await client.messages.create(ask('q', 'server-error')).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Anthropic.InternalServerError);
  });
});
