// Upstream faults behind the REAL guard. Each test asserts what the client saw, what the provider saw
// and what the audit log holds: refused connections, resets mid-stream, stalls (headers timeout, body
// idle timeout), 429/500/503 passed through with Retry-After, and a client aborting mid-stream.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { chat, post, requestIdOf, startRealGateway, type RealGateway } from '../hostile/helpers/real-gateway.js';
import { leaked, plant, type Planted } from '../hostile/helpers/secrets.js';

let provider: FakeProvider;
let gw: RealGateway;
let scripted: Server;
let deadUrl = '';
let responseSecret = '';
const planted: Planted[] = [];

async function freePortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  provider = await startFakeProvider();
  const rp = plant('github');
  planted.push(rp);
  responseSecret = rp.value;
  deadUrl = await freePortUrl();
  // 503 with Retry-After in OpenAI's error shape (the shared fake provider has no 503).
  scripted = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      if (path.includes('/bomb')) {
        // 64 MB of spaces inside a JSON string, gzip-compressed to ~64 KB, sent although identity was asked.
        const data = gzipSync(Buffer.concat([Buffer.from('{"choices":[{"message":{"content":"'), Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from('"}}]}')]));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': data.length });
        res.end(data);
        return;
      }
      if (path.includes('/gzsecret')) {
        const data = gzipSync(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: `here: ${responseSecret}` }, finish_reason: 'stop' }] }));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': data.length });
        res.end(data);
        return;
      }
      if (path.includes('/plain')) {
        // A text response under a non-JSON, non-SSE content type (or none at all).
        if (path.includes('/plain/none')) res.removeHeader('content-type');
        else res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`your key is ${responseSecret}\n`);
        return;
      }
      if (path.includes('/audio')) {
        // Binary media: forwarded unscanned by design (counted, logged).
        res.writeHead(200, { 'content-type': 'audio/mpeg' });
        res.end(Buffer.from([0xff, 0xfb, 0x90, 0x00, 0x01, 0x02, 0x03]));
        return;
      }
      if (path.includes('/untyped-json')) {
        // JSON without a content type: read through the adapter (structure kept, the text redacted).
        res.removeHeader('content-type');
        res.end(JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: `key ${responseSecret}` }, finish_reason: 'stop' }] }));
        return;
      }
      if (path.includes('/untyped-binary')) {
        // No content type, not UTF-8: cannot be scanned as text, so the fail mode (closed) applies.
        res.removeHeader('content-type');
        res.end(Buffer.from([0x00, 0xc3, 0x28, 0xff, 0xfe]));
        return;
      }
      if (path.includes('/badjson')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"choices":[{"message":{"content":"${responseSecret}`);
        return;
      }
      if (path.includes('/badsse')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: {"choices":[{"delta":{"content":"${responseSecret.slice(0, 10)}\n\ndata: {not json}\n\ndata: ${responseSecret}\n\n`);
        return;
      }
      const body = JSON.stringify({ error: { message: 'overloaded (scripted)', type: 'server_error', param: null, code: null } });
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '11', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => scripted.listen(0, '127.0.0.1', r));
  gw = await startRealGateway({
    upstream: provider.url,
    upstreams: {
      openai: { url: provider.url, api: 'openai', headersTimeoutMs: 500, bodyTimeoutMs: 500 },
      anthropic: { url: provider.url, api: 'anthropic' },
      dead: { url: deadUrl, api: 'openai', connectTimeoutMs: 1000 },
      scripted: { url: `http://127.0.0.1:${(scripted.address() as AddressInfo).port}`, api: 'openai' },
    },
  });
}, 30_000);
afterAll(async () => {
  expect(leaked(gw.logText(), planted)).toEqual([]);
  expect((await gw.verify()).ok).toBe(true);
  await gw.close();
  await provider.close();
  await new Promise<void>((r) => scripted.close(() => r()));
}, 30_000);
afterEach(() => {
  provider.requests.length = 0;
});

const CHAT = '/openai/v1/chat/completions';
const rowsFor = (id: string) => gw.rows().filter((r) => requestIdOf(r) === id);

describe('upstream faults', () => {
  it('refused connection: 502 provider-shaped LG_ERR_UPSTREAM_UNREACHABLE, request row recorded, secret never sent', async () => {
    const p = plant('aws');
    planted.push(p);
    const r = await post(`${gw.url}/dead/v1/chat/completions`, chat(`k ${p.value}`), { 'x-request-id': 'fault-refused' });
    expect(r.status).toBe(502);
    expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_UPSTREAM_UNREACHABLE');
    expect((r.json as { error: { message: string } }).error.message).toContain("upstream 'dead' could not be reached");
    const rows = rowsFor('fault-refused');
    expect(rows.map((x) => x.body.direction)).toEqual(['request']);
    expect(rows[0]?.body.action).toBe('redact');
    expect(gw.logs.some((l) => l.reqId === 'fault-refused' && l.upstreamError === 'upstream_unreachable')).toBe(true);
  });

  it('reset mid-stream: the client stream breaks like the provider’s would, response row recorded', async () => {
    const res = await fetch(`${gw.url}${CHAT}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'fault-reset' }, body: chat('hello there friend', { model: 'reset', stream: true }) });
    expect(res.status).toBe(200);
    const err = await res.text().then(() => null, (e: unknown) => e);
    expect(err).not.toBeNull(); // the body errors (terminated), it does not end cleanly
    await provider.waitFor(1, true);
    await expect.poll(() => rowsFor('fault-reset').map((x) => x.body.direction).sort()).toEqual(['request', 'response']);
    await expect.poll(() => gw.logs.some((l) => l.reqId === 'fault-reset' && l.upstreamError === 'reset')).toBe(true);
  });

  it('reset before any answer (non-stream): 502', async () => {
    const r = await post(`${gw.url}${CHAT}`, chat('hi', { model: 'reset' }));
    expect(r.status).toBe(502);
    expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_UPSTREAM_UNREACHABLE');
  });

  it('stall before headers: 504 LG_ERR_UPSTREAM_TIMEOUT after headersTimeoutMs; provider request aborted', async () => {
    const t0 = Date.now();
    const r = await post(`${gw.url}${CHAT}`, chat('hi', { model: 'stall' }), { 'x-request-id': 'fault-stall-h' });
    expect(r.status).toBe(504);
    expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_UPSTREAM_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(5000);
    const [rec] = await provider.waitFor(1, true);
    expect(rec?.aborted).toBe(true);
    expect(rowsFor('fault-stall-h').map((x) => x.body.direction)).toEqual(['request']);
  });

  it('stall mid-stream: body idle timeout ends the client stream; response row recorded', async () => {
    const t0 = Date.now();
    const res = await fetch(`${gw.url}${CHAT}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'fault-stall-b' }, body: chat('hi', { model: 'stall', stream: true }) });
    expect(res.status).toBe(200);
    const got = await res.text().then((t) => ({ ok: true, t }), () => ({ ok: false, t: '' }));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(got.t).not.toContain('[DONE]');
    await expect.poll(() => rowsFor('fault-stall-b').map((x) => x.body.direction).sort()).toEqual(['request', 'response']);
  });

  it('429 / 500 / 503 pass through with status, Retry-After and the provider body', async () => {
    const r429 = await post(`${gw.url}${CHAT}`, chat('hi', { model: 'rate-limit' }));
    expect(r429.status).toBe(429);
    expect(r429.headers.get('retry-after')).toBe('7');
    expect(r429.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect((r429.json as { error: { type: string } }).error.type).toBe('rate_limit_exceeded');
    expect(r429.headers.get('x-leakgate-error')).toBeNull();
    const r500 = await post(`${gw.url}${CHAT}`, chat('hi', { model: 'server-error' }));
    expect(r500.status).toBe(500);
    expect(r500.headers.get('x-leakgate-error')).toBeNull();
    const a429 = await post(`${gw.url}/anthropic/v1/messages`, JSON.stringify({ model: 'rate-limit', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }));
    expect(a429.status).toBe(429);
    expect((a429.json as { error: { type: string } }).error.type).toBe('rate_limit_error');
    const r503 = await post(`${gw.url}/scripted/v1/chat/completions`, chat('hi'));
    expect(r503.status).toBe(503);
    expect(r503.headers.get('retry-after')).toBe('11');
    expect((r503.json as { error: { message: string } }).error.message).toBe('overloaded (scripted)');
  });

  it('hostile upstream bodies: a gzip bomb is capped (no crash), gzip is decoded and scanned, broken JSON/SSE never leak', async () => {
    const bomb = await post(`${gw.url}/scripted/v1/bomb`, chat('hi'));
    // Fail closed: the response could not be scanned (decompression capped), provider-shaped error.
    expect(bomb.status).toBe(403);
    expect(bomb.headers.get('x-leakgate-error')).toBe('LG_ERR_SCAN_FAILED');
    expect(bomb.text).toContain('decompresses past the cap');
    const gz = await post(`${gw.url}/scripted/v1/gzsecret`, chat('hi'));
    expect(gz.status).toBe(200);
    expect(gz.text).not.toContain(responseSecret);
    const bad = await post(`${gw.url}/scripted/v1/badjson`, chat('hi'));
    expect(bad.text).not.toContain(responseSecret);
    const sse = await fetch(`${gw.url}/scripted/v1/badsse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chat('hi', { stream: true }) });
    const sseText = await sse.text().catch(() => '');
    expect(sseText).not.toContain(responseSecret);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });

  it('a text/plain or untyped upstream answer is scanned too (never streamed through unscanned)', async () => {
    for (const path of ['/scripted/v1/plain', '/scripted/v1/plain/none']) {
      const r = await post(`${gw.url}${path}`, chat('hi'), { 'x-request-id': `fault-text-${path.length}` });
      expect(r.text, path).not.toContain(responseSecret);
      // Redacted like a JSON answer: the text stays, the value is replaced, and a response row names it.
      expect(r.status, path).toBe(200);
      expect(r.headers.get('x-leakgate-action'), path).toBe('redact');
      expect(r.text, path).toMatch(/^your key is \[REDACTED:[^\]]+\]\n$/);
      expect(Number(r.headers.get('content-length')), path).toBe(Buffer.byteLength(r.text));
      const rows = rowsFor(`fault-text-${path.length}`).filter((x) => x.body.direction === 'response');
      expect(rows.map((x) => x.body.action), path).toEqual(['redact']);
    }
  });

  it('an untyped answer that is JSON is read through the adapter: valid JSON back, the secret redacted', async () => {
    const r = await post(`${gw.url}/scripted/v1/untyped-json`, chat('hi'));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-leakgate-action')).toBe('redact');
    const body = r.json as { id: string; choices: { message: { content: string } }[] };
    expect(body.id).toBe('chatcmpl-x');
    expect(body.choices[0]?.message.content).toMatch(/^key \[REDACTED:[^\]]+\]$/);
  });

  it('an untyped answer that is not text fails closed with a provider-shaped error naming why', async () => {
    const r = await post(`${gw.url}/scripted/v1/untyped-binary`, chat('hi'), { 'x-request-id': 'fault-untyped-bin' });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_SCAN_FAILED');
    expect((r.json as { error: { message: string } }).error.message).toContain('not valid UTF-8');
    const rows = rowsFor('fault-untyped-bin').filter((x) => x.body.direction === 'response');
    expect(rows.map((x) => (x.body.failure as { code: string } | null)?.code)).toEqual(['LG_ERR_BODY_MALFORMED']);
  });

  it('binary media (audio/*) passes unscanned by design: bytes intact, counted in a metric and the log line', async () => {
    const res = await fetch(`${gw.url}/scripted/v1/audio/speech`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'fault-audio' }, body: chat('hi') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-leakgate-action')).toBe('allow');
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0xff, 0xfb, 0x90, 0x00, 0x01, 0x02, 0x03]);
    const metrics = await gw.gateway.metrics.registry.getSingleMetricAsString('leakgate_unscanned_responses_total');
    expect(metrics).toMatch(/leakgate_unscanned_responses_total\{route="scripted",type="audio"\} 1/);
    await expect.poll(() => gw.logs.find((l) => l.reqId === 'fault-audio' && l.msg === 'request')?.unscanned).toBe('audio');
  });

  it('client aborts mid-stream: upstream request aborted, no socket left open, rows recorded', async () => {
    const conns = (): Promise<number> => new Promise<number>((r) => gw.gateway.server.getConnections((_e, n) => r(n)));
    const before = await conns();
    const ac = new AbortController();
    const res = await fetch(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'fault-abort' },
      body: chat('a fairly long message that streams slowly to the client', { model: 'slow', stream: true }),
      signal: ac.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    ac.abort();
    const [rec] = await provider.waitFor(1, true);
    expect(rec?.aborted).toBe(true);
    await expect.poll(() => rowsFor('fault-abort').map((x) => x.body.direction).sort()).toEqual(['request', 'response']);
    // The aborted connection is gone (idle keep-alive sockets of earlier tests may remain).
    await expect.poll(conns, { timeout: 3000 }).toBeLessThanOrEqual(before);
  });
});
