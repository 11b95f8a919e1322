// server.maxBufferedBytes: request bodies held at once are bounded gateway-wide. A body that would
// pass the budget gets a provider-shaped 503 with Retry-After and never reaches the provider; the
// requests already admitted go on, and their bytes return to the budget when they finish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyBudget } from '../../src/proxy/body-budget.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { allowAllGuard } from '../helpers/test-guards.js';

let provider: FakeProvider;
let gw: TestGateway;

beforeAll(async () => {
  provider = await startFakeProvider();
  gw = await startGateway({ guard: allowAllGuard(), upstream: provider.url, server: { maxBodyBytes: 2_000_000, maxBufferedBytes: 1_000_000 } });
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});

// ~600 KB of prose: two of them do not fit in a 1 MB budget.
const bigText = 'please review this function and explain the loop '.repeat(12_000);

function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
}

describe('gateway-wide request body budget', () => {
  it('refuses a body that would pass server.maxBufferedBytes with a provider-shaped 503 + Retry-After, then admits again once bytes are released', async () => {
    // A: admitted; its stream stalls, so its body stays accounted for until the client leaves.
    const leaveA = new AbortController();
    const a = await post('/openai/v1/chat/completions', { model: 'stall', stream: true, messages: [{ role: 'user', content: bigText }] }, leaveA.signal);
    expect(a.status).toBe(200);
    await provider.waitFor(1);

    // B (OpenAI shape) and C (Anthropic shape): refused while A holds its bytes.
    const b = await post('/openai/v1/chat/completions', { model: 'echo', messages: [{ role: 'user', content: bigText }] });
    expect(b.status).toBe(503);
    expect(b.headers.get('retry-after')).toBe('1');
    expect(b.headers.get('x-leakgate-error')).toBe('LG_ERR_OVERLOADED');
    const bBody = (await b.json()) as { error: { code: string; message: string } };
    expect(bBody.error.code).toBe('leakgate_overloaded');
    expect(bBody.error.message).toContain('maxBufferedBytes');
    const c = await post('/anthropic/v1/messages', { model: 'echo', max_tokens: 16, messages: [{ role: 'user', content: bigText }] });
    expect(c.status).toBe(503);
    expect(((await c.json()) as { type: string; error: { type: string } }).error.type).toBe('overloaded_error');
    // A small request still fits beside A.
    const small = await post('/openai/v1/chat/completions', { model: 'echo', messages: [{ role: 'user', content: 'hello' }] });
    expect(small.status).toBe(200);
    await small.text();
    expect(provider.requests.map((r) => r.raw.length > 500_000)).toEqual([true, false]);

    // A's client leaves: its bytes return to the budget and a large body is admitted again.
    leaveA.abort();
    await a.body?.cancel().catch(() => undefined);
    let d: Response | null = null;
    for (let i = 0; i < 50; i++) {
      d = await post('/openai/v1/chat/completions', { model: 'echo', messages: [{ role: 'user', content: bigText }] });
      if (d.status !== 503) break;
      await d.text();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(d?.status).toBe(200);
    await d?.text();
  });

  it('a lease is released once, whatever happens to the request', () => {
    const budget = new BodyBudget(100);
    const lease = { bytes: 0 };
    expect(budget.reserve(lease, 60)).toBe(true);
    expect(budget.reserve(lease, 60)).toBe(false);
    expect(lease.bytes).toBe(60);
    budget.release(lease);
    budget.release(lease);
    expect(budget.used).toBe(0);
    expect(budget.reserve({ bytes: 0 }, 100)).toBe(true);
  });
});
