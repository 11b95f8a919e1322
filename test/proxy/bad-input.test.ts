// Bad input: limits, malformed bodies, compression bombs, unknown routes, hostile request targets and
// framing. Each answer is a provider-shaped error with its LG_ERR_* code, and the upstream is never
// contacted for a refused request.
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { rawRequest, statusOf } from '../helpers/raw-http.js';
import { openaiClient } from '../helpers/sdk.js';
import { markerGuard, type TestGuard } from '../helpers/test-guards.js';

let provider: FakeProvider;
let gw: TestGateway;
let guard: TestGuard;

beforeAll(async () => {
  provider = await startFakeProvider();
  guard = markerGuard({ redact: 'SECRETWORD' });
  gw = await startGateway({ guard, upstream: provider.url, server: { maxBodyBytes: 4096, maxJsonDepth: 32, maxDecompressRatio: 50 } });
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});
afterEach(() => {
  provider.requests.length = 0;
  guard.failAction = 'block';
});

const chat = (content: string): string => JSON.stringify({ model: 'echo', messages: [{ role: 'user', content }] });

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: { error?: { message?: string; type?: string; code?: unknown } }; headers: Headers }> {
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as { error?: { message?: string } }) : {}, headers: res.headers };
}

describe('bad input', () => {
  it('413 for a body over the limit (declared length and chunked), provider-shaped, upstream untouched', async () => {
    const big = chat('x'.repeat(20_000));
    const r1 = await post('/openai/v1/chat/completions', big);
    expect(r1.status).toBe(413);
    expect(r1.headers.get('x-leakgate-error')).toBe('LG_ERR_BODY_TOO_LARGE');
    expect(r1.json.error?.message).toContain('exceeds the limit');
    // Chunked: no Content-Length up front; counted while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(Buffer.alloc(1000, 0x61));
        c.close();
      },
    });
    const r2 = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(r2.status).toBe(413);
    // The SDK raises its normal typed error for it.
    const err = await openaiClient(gw.url).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'y'.repeat(20_000) }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect(provider.requests).toHaveLength(0);
  });

  it('400 for malformed JSON, invalid UTF-8 and nesting past the depth cap', async () => {
    const bad = await post('/openai/v1/chat/completions', '{"model": "echo", "messages": [');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-leakgate-error')).toBe('LG_ERR_BODY_MALFORMED');
    expect(bad.json.error?.type).toBe('invalid_request_error');
    const utf = await post('/anthropic/v1/messages', Buffer.concat([Buffer.from('{"model":"echo","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]));
    expect(utf.status).toBe(400);
    expect(utf.json.error?.message).toContain('UTF-8');
    expect((utf.json as { type?: string }).type).toBe('error'); // Anthropic's own error shape
    const deep = await post('/openai/v1/chat/completions', '['.repeat(100) + ']'.repeat(100));
    expect(deep.status).toBe(400);
    expect(deep.json.error?.message).toContain('deeper');
    expect(provider.requests).toHaveLength(0);
    // Each went through the guard's failure() path (audited with its reason); the header is its action.
    const codes = guard.calls.failures.slice(-3).map((f) => `${f.direction}:${f.code}`);
    expect(codes).toEqual(['request:LG_ERR_BODY_MALFORMED', 'request:LG_ERR_BODY_MALFORMED', 'request:LG_ERR_BODY_MALFORMED']);
    expect(guard.calls.failures.at(-3)?.reason).toContain('not valid JSON');
    for (const r of [bad, utf, deep]) expect(r.headers.get('x-leakgate-action')).toBe('block');
    guard.failAction = 'allow';
    const open = await post('/openai/v1/chat/completions', '{"model": "echo"');
    expect(open.status).toBe(400); // never forwarded, whatever the fail mode
    expect(open.headers.get('x-leakgate-action')).toBe('allow');
    expect(provider.requests).toHaveLength(0);
  });

  it('gzip request bodies are decoded (the provider sees plain, scanned JSON); bombs are 413, garbage 400', async () => {
    const ok = await post('/openai/v1/chat/completions', gzipSync(chat('zip SECRETWORD')), { 'content-encoding': 'gzip' });
    expect(ok.status).toBe(200);
    const seen = provider.requests[0];
    expect(seen?.headers['content-encoding']).toBeUndefined();
    expect(seen?.raw.toString()).toContain('[REDACTED:test-marker]');
    provider.requests.length = 0;
    const bomb = gzipSync(Buffer.alloc(3_000_000, 0x20));
    const b = await post('/openai/v1/chat/completions', bomb, { 'content-encoding': 'gzip' });
    expect(b.status).toBe(413);
    expect(b.headers.get('x-leakgate-error')).toBe('LG_ERR_DECOMPRESS');
    const g = await post('/openai/v1/chat/completions', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(g.status).toBe(400);
    expect(provider.requests).toHaveLength(0);
  });

  it('404 for an unknown route, with a JSON error body', async () => {
    const r = await post('/nosuch/v1/chat/completions', chat('x'));
    expect(r.status).toBe(404);
    expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_ROUTE_UNKNOWN');
    expect(r.json.error?.message).toContain('/nosuch');
  });

  it('path traversal and encoded separators never leave the route', async () => {
    for (const path of ['/openai/../gemini/v1beta/models/x:generateContent', '/openai/%2e%2e/x', '/openai/v1%2fchat%2fcompletions', '/openai/v1/%2E/models', '/openai/v1\\..\\x']) {
      const res = await rawRequest(gw.url, `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      expect(statusOf(res), path).toBe(400);
    }
    expect(provider.requests).toHaveLength(0);
  });

  it('absolute-form targets and Host headers never choose the upstream', async () => {
    const res = await rawRequest(gw.url, 'GET http://169.254.169.254/openai/v1/models HTTP/1.1\r\nhost: 169.254.169.254\r\nconnection: close\r\n\r\n');
    expect(statusOf(res)).toBe(200);
    const seen = provider.requests[0];
    expect(seen?.url).toBe('/v1/models');
    expect(seen?.headers.host).toBe(new URL(provider.url).host);
    const other = await rawRequest(gw.url, 'GET /internal/v1/models HTTP/1.1\r\nhost: internal.example\r\nconnection: close\r\n\r\n');
    expect(statusOf(other)).toBe(404);
  });

  it('conflicting Content-Length / Transfer-Encoding is rejected before any upstream contact', async () => {
    const body = chat('smuggle');
    const res = await rawRequest(
      gw.url,
      `POST /openai/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\ntransfer-encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(statusOf(res)).toBe(400);
    const dup = await rawRequest(gw.url, `POST /openai/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!`);
    expect(statusOf(dup)).toBe(400);
    for (const answer of [res, dup]) expect(answer.toLowerCase()).toContain('\r\nx-leakgate-action: block\r\n');
    expect(provider.requests).toHaveLength(0);
  });

  it('a body that cannot be scanned follows the fail mode: closed → 403 scan_failed, open → forwarded', async () => {
    const closed = await post('/openai/v1/audio/transcriptions', Buffer.from('binary'), { 'content-type': 'application/octet-stream' });
    expect(closed.status).toBe(403);
    expect(closed.headers.get('x-leakgate-error')).toBe('LG_ERR_SCAN_FAILED');
    expect(closed.json.error?.message).toContain('cannot be scanned');
    expect(provider.requests).toHaveLength(0);
    guard.failAction = 'allow';
    const open = await post('/openai/v1/audio/transcriptions', Buffer.from('binary'), { 'content-type': 'application/octet-stream' });
    expect(open.status).toBe(404); // the fake has no such route: it was forwarded
    expect(provider.requests[0]?.raw.toString()).toBe('binary');
    expect(guard.calls.failures.at(-1)?.code).toBe('LG_ERR_SCAN_FAILED');
  });

  it('request ids: a valid client id is passed upstream and returned; an invalid one is replaced', async () => {
    const good = await post('/openai/v1/chat/completions', chat('x'), { 'x-request-id': 'client-id_123.abc' });
    expect(good.headers.get('x-request-id')).toBe('client-id_123.abc');
    expect(provider.requests[0]?.headers['x-request-id']).toBe('client-id_123.abc');
    const bad = await post('/openai/v1/chat/completions', chat('x'), { 'x-request-id': 'x'.repeat(129) });
    const id = bad.headers.get('x-request-id') ?? '';
    expect(id).not.toBe('x'.repeat(129));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(provider.requests[1]?.headers['x-request-id']).toBe(id);
  });
});
