// Connection lifecycle: client abort mid-stream, upstream reset mid-stream, upstream unreachable and
// timeouts, drain on close (SIGTERM path) — with the guard told how each stream ended.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { anthropicClient, openaiClient } from '../helpers/sdk.js';
import { markerGuard, type TestGuard } from '../helpers/test-guards.js';

let provider: FakeProvider;
let gw: TestGateway;
let guard: TestGuard;

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

beforeAll(async () => {
  provider = await startFakeProvider();
  guard = markerGuard({ redact: 'SECRETWORD' });
  gw = await startGateway({
    guard,
    upstream: provider.url,
    upstreams: {
      openai: { url: provider.url, api: 'openai', headersTimeoutMs: 400 },
      anthropic: { url: provider.url, api: 'anthropic' },
      gemini: { url: provider.url, api: 'gemini' },
      // Nothing listens on port 9 of loopback (discard): connection refused.
      dead: { url: 'http://127.0.0.1:9', api: 'openai', connectTimeoutMs: 500 },
    },
  });
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});
afterEach(() => {
  provider.requests.length = 0;
  provider.replyText = null;
});

describe('lifecycle', () => {
  it('a client that disconnects mid-stream aborts the upstream request; the guard ends with aborted', async () => {
    provider.replyText = 'word '.repeat(200);
    const ac = new AbortController();
    const stream = await openaiClient(gw.url).chat.completions.create({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'q' }] }, { signal: ac.signal });
    let n = 0;
    const done = (async () => {
      for await (const _ of stream) if (++n === 3) ac.abort();
    })().catch(() => undefined);
    await done;
    const [seen] = await provider.waitFor(1, true);
    expect(seen?.aborted).toBe(true);
    await until(() => guard.calls.ends.includes('aborted'));
  });

  it('an upstream reset mid-stream reaches the SDK as a connection error; the guard ends with upstream_error', async () => {
    provider.replyText = 'some words that will not all arrive';
    const stream = await anthropicClient(gw.url).messages.create({ model: 'reset', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'q' }] });
    const err = await (async () => {
      for await (const _ of stream) {
        /* consume */
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    await until(() => guard.calls.ends.includes('upstream_error'));
    const metrics = await gw.gateway.metrics.registry.getSingleMetricAsString('leakgate_upstream_errors_total');
    expect(metrics).toContain('kind="reset"');
  });

  it('an upstream reset before any response is a provider-shaped 502', async () => {
    const err = await openaiClient(gw.url).chat.completions.create({ model: 'reset', messages: [{ role: 'user', content: 'q' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it('an unreachable upstream is a 502 with LG_ERR_UPSTREAM_UNREACHABLE', async () => {
    const res = await fetch(`${gw.url}/dead/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"echo","messages":[]}' });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-leakgate-error')).toBe('LG_ERR_UPSTREAM_UNREACHABLE');
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("upstream 'dead'");
  });

  it('an upstream that stalls past headersTimeoutMs is a 504 the SDK raises', async () => {
    const t0 = Date.now();
    const err = await openaiClient(gw.url).chat.completions.create({ model: 'stall', messages: [{ role: 'user', content: 'q' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(5000);
    const [seen] = await provider.waitFor(1, true);
    expect(seen?.aborted).toBe(true);
  });
});

describe('drain on close', () => {
  it('close() lets an in-flight stream finish, refuses new connections, then resolves', async () => {
    const p2 = await startFakeProvider();
    const g2 = await startGateway({ guard: markerGuard(), upstream: p2.url, server: { drainTimeoutMs: 10_000 } });
    p2.replyText = 'abcdefghijklmnopqrstuvwxyz'; // 7 events × 50 ms
    const stream = await openaiClient(g2.url).chat.completions.create({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'q' }] });
    const collected = (async () => {
      let t = '';
      for await (const c of stream) t += c.choices[0]?.delta.content ?? '';
      return t;
    })();
    await p2.waitFor(1);
    const closing = g2.close();
    const refused = await fetch(`${g2.url}/healthz`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
    expect(await collected).toBe('abcdefghijklmnopqrstuvwxyz');
    await closing;
    await p2.close();
  });

  it('close() cuts streams that outlive drainTimeoutMs', async () => {
    const p3 = await startFakeProvider();
    const g3 = await startGateway({ guard: markerGuard(), upstream: p3.url, server: { drainTimeoutMs: 200 } });
    const stream = await openaiClient(g3.url).chat.completions.create({ model: 'stall', stream: true, messages: [{ role: 'user', content: 'q' }] });
    const reading = (async () => {
      for await (const _ of stream) {
        /* consume */
      }
    })().catch((e: unknown) => e);
    const t0 = Date.now();
    await g3.close();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await reading).toBeInstanceOf(Error);
    await p3.close();
  });
});
