// /healthz, /readyz, /metrics (main port and separate admin listener with bearer token), the request
// log line (fields present; bodies and credentials absent), unscanned routes and WebSocket upgrades.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { GEMINI_TEST_KEY, OPENAI_TEST_KEY, geminiFetch, openaiClient } from '../helpers/sdk.js';
import { markerGuard, type TestGuard } from '../helpers/test-guards.js';

let provider: FakeProvider;
let gw: TestGateway;
let guard: TestGuard;

beforeAll(async () => {
  provider = await startFakeProvider();
  guard = markerGuard({ redact: 'SECRETWORD' });
  gw = await startGateway({
    guard,
    upstream: provider.url,
    upstreams: {
      openai: { url: provider.url, api: 'openai' },
      gemini: { url: provider.url, api: 'gemini' },
      raw: { url: provider.url, api: 'openai', scan: false },
    },
  });
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});

describe('admin endpoints', () => {
  it('/healthz is 200; /readyz follows the guard readiness', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { components: Record<string, string> }).components.test).toBe('ready');
    guard.ready = false;
    try {
      const degraded = await fetch(`${gw.url}/readyz`);
      expect(degraded.status).toBe(503);
      expect(((await degraded.json()) as { status: string }).status).toBe('degraded');
    } finally {
      guard.ready = true;
    }
  });

  it('/metrics counts requests by route, status and action, with latency and bytes', async () => {
    await openaiClient(gw.url).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'SECRETWORD' }] });
    await fetch(`${gw.url}/nosuch/x`);
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toMatch(/leakgate_requests_total\{route="openai",status="200",action="redact"\} [1-9]/);
    expect(text).toMatch(/leakgate_requests_total\{route="unknown",status="404",action="allow"\} 1/);
    expect(text).toMatch(/leakgate_request_duration_seconds_bucket\{le="[^"]+",route="openai",status="200"\}/);
    expect(text).toMatch(/leakgate_bytes_total\{route="openai",direction="in"\} [1-9]/);
  });

  it('a separate admin listener serves /metrics behind a bearer token; the main port does not', async () => {
    const token = 'test-admin-token-0123456789';
    const g = await startGateway({ guard: markerGuard(), upstream: provider.url, server: { admin: { port: 0, host: '127.0.0.1', token } } });
    try {
      expect(g.adminUrl).not.toBeNull();
      expect((await fetch(`${g.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${g.adminUrl}/metrics`)).status).toBe(401);
      expect((await fetch(`${g.adminUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const ok = await fetch(`${g.adminUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('leakgate_requests_total');
      expect((await fetch(`${g.adminUrl}/healthz`)).status).toBe(200);
    } finally {
      await g.close();
    }
  });
});

describe('request log', () => {
  it('one JSON line per request with id, route, status, latency, bytes, action; never bodies or credentials', async () => {
    const before = gw.logs.length;
    await openaiClient(gw.url).chat.completions.create(
      { model: 'echo', messages: [{ role: 'user', content: 'unique-body-text SECRETWORD' }] },
      { headers: { 'x-request-id': 'log-test-1' } },
    );
    await geminiFetch(gw.url, 'gemini-test', 'generateContent', { contents: [{ parts: [{ text: 'gem-body' }] }] }, {});
    await fetch(`${gw.url}/gemini/v1beta/models/x:generateContent?key=${GEMINI_TEST_KEY}-query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"contents":[]}' });
    await new Promise((r) => setTimeout(r, 50));
    const lines = gw.logs.slice(before).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(3);
    const first = lines.find((l) => l.reqId === 'log-test-1');
    expect(first).toMatchObject({ route: 'openai', status: 200, action: 'redact', method: 'POST', path: '/openai/v1/chat/completions' });
    expect(first?.ms).toBeTypeOf('number');
    expect(first?.bytesIn).toBeGreaterThan(0);
    expect(first?.bytesOut).toBeGreaterThan(0);
    const all = gw.logText();
    for (const secret of [OPENAI_TEST_KEY, GEMINI_TEST_KEY, 'unique-body-text', 'SECRETWORD', 'gem-body']) expect(all).not.toContain(secret);
  });
});

describe('unscanned routes and WebSockets', () => {
  it('scan: false passes bytes through unscanned (http-proxy-3), with action and request id headers', async () => {
    provider.requests.length = 0;
    const inspects = guard.calls.inspects.length;
    const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'raw SECRETWORD' }] });
    const res = await fetch(`${gw.url}/raw/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'pt-1' }, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-leakgate-action')).toBe('allow');
    expect(res.headers.get('x-request-id')).toBe('pt-1');
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('echo: raw SECRETWORD');
    expect(provider.requests[0]?.raw.toString()).toBe(body);
    expect(provider.requests[0]?.headers['x-request-id']).toBe('pt-1');
    expect(guard.calls.inspects.length).toBe(inspects);
  });

  it('WebSocket upgrades: proxied on an unscanned route, refused by fail-closed on a scanned one', async () => {
    // A minimal upstream that completes the handshake and echoes raw bytes.
    const ws: Server = createServer((_req, res) => res.end());
    const seenPaths: string[] = [];
    const upstreamSockets = new Set<import('node:stream').Duplex>();
    ws.on('upgrade', (req, socket) => {
      upstreamSockets.add(socket);
      seenPaths.push(req.url ?? '');
      const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
      socket.on('data', (d: Buffer) => socket.write(d));
    });
    await new Promise<void>((r) => ws.listen(0, '127.0.0.1', r));
    const wsUrl = `http://127.0.0.1:${(ws.address() as AddressInfo).port}`;
    const g = await startGateway({
      guard: markerGuard(),
      upstream: wsUrl,
      upstreams: { rt: { url: wsUrl, api: 'openai', scan: false }, openai: { url: wsUrl, api: 'openai' } },
    });
    const handshake = (path: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const { port } = new URL(g.url);
        const s = connect(Number(port), '127.0.0.1');
        let got = '';
        s.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.includes('\r\n\r\n') && got.startsWith('HTTP/1.1 101') && !got.includes('echo-me')) s.write('echo-me');
          if (got.includes('echo-me') || (got.includes('\r\n\r\n') && !got.startsWith('HTTP/1.1 101'))) s.destroy();
        });
        s.on('close', () => resolve(got));
        s.on('error', reject);
        s.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n`);
      });
    try {
      const ok = await handshake('/rt/v1/realtime?model=x');
      expect(ok.startsWith('HTTP/1.1 101')).toBe(true);
      expect(ok).toContain('echo-me');
      expect(seenPaths).toEqual(['/v1/realtime?model=x']);
      const refused = await handshake('/openai/v1/realtime?model=x');
      expect(refused.startsWith('HTTP/1.1 403')).toBe(true);
      expect(refused).toContain('WebSocket frames are not scanned');
      expect(seenPaths).toHaveLength(1);
    } finally {
      await g.close();
      for (const s of upstreamSockets) s.destroy();
      await new Promise((r) => ws.close(r));
    }
  });
});
