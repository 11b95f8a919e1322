// Hostile HTTP around the body, against the REAL guard: request smuggling, absolute URIs and Host
// headers aimed at another server (a live "attacker" server must get zero connections), path tricks,
// oversized headers, and the admin listener behind a token. Every answer is a clean 4xx.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { rawRequest, statusOf } from '../helpers/raw-http.js';
import { chat, post, requestIdOf, startRealGateway, type RealGateway } from './helpers/real-gateway.js';
import { leaked, plant, type Planted } from './helpers/secrets.js';

let provider: FakeProvider;
let gw: RealGateway;
let attacker: Server;
let attackerHost = '';
let attackerConnections = 0;
const planted: Planted[] = [];
const TOKEN = 'admin-token-for-tests-0123456789';

beforeAll(async () => {
  provider = await startFakeProvider();
  attacker = createServer((_req, res) => res.end('attacker'));
  attacker.on('connection', (s: Socket) => {
    attackerConnections++;
    s.destroy();
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerHost = `127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  gw = await startRealGateway({
    upstream: provider.url,
    server: { maxHeaderBytes: 8192, admin: { port: 0, host: '127.0.0.1', token: TOKEN } },
  });
}, 30_000);
afterAll(async () => {
  expect(attackerConnections).toBe(0);
  expect(leaked(Buffer.concat(provider.requests.map((r) => r.raw)), planted)).toEqual([]);
  expect(leaked(gw.logText(), planted)).toEqual([]);
  await gw.close();
  await provider.close();
  await new Promise<void>((r) => attacker.close(() => r()));
}, 30_000);
afterEach(() => {
  provider.requests.length = 0;
});

function secret(): string {
  const p = plant('github');
  planted.push(p);
  return p.value;
}

function raw(head: string, body = ''): string {
  return head.replace(/\n/g, '\r\n') + body;
}

describe('request smuggling', () => {
  it('Content-Length + Transfer-Encoding, duplicate lengths, bad chunking: 400 and no upstream contact', async () => {
    const body = chat(`t ${secret()}`);
    const cases = [
      raw(`POST /openai/v1/chat/completions HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: ${body.length}\nTransfer-Encoding: chunked\n\n`, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`),
      raw(`POST /openai/v1/chat/completions HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 5\nContent-Length: ${body.length}\n\n`, body),
      raw(`POST /openai/v1/chat/completions HTTP/1.1\nHost: x\nContent-Type: application/json\nTransfer-Encoding: chunked\nTransfer-Encoding: identity\n\n`, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`),
      raw(`POST /openai/v1/chat/completions HTTP/1.1\nHost: x\nContent-Type: application/json\nTransfer-Encoding: chunked\n\n`, `zz\r\n${body}\r\n0\r\n\r\n`),
      raw(`POST /openai/v1/chat/completions HTTP/1.1\nHost: x\nContent-Type: application/json\nTransfer-Encoding:\x0bchunked\n\n`, body),
    ];
    for (const c of cases) {
      const answer = await rawRequest(gw.url, c);
      expect(statusOf(answer), c.slice(0, 120)).toBe(400);
      expect(answer).toContain('LG_ERR_BODY_MALFORMED');
      // Like every other answer: the action header (nothing was forwarded) and a request id.
      const head = answer.slice(0, answer.indexOf('\r\n\r\n')).toLowerCase();
      expect(head, c.slice(0, 120)).toContain('\r\nx-leakgate-action: block\r\n');
      expect(head, c.slice(0, 120)).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/);
      const id = /\r\nx-request-id: ([0-9a-f-]{36})\r\n/.exec(head)?.[1];
      expect(gw.logs.some((l) => l.reqId === id && l.msg === 'malformed HTTP request' && l.action === 'block')).toBe(true);
    }
    expect(provider.requests).toHaveLength(0);
  });

  it('a malformed JSON body is answered 400 and audited through the failure path (row with the reason)', async () => {
    const s = secret();
    const r = await post(`${gw.url}/openai/v1/chat/completions`, `{"model":"echo","messages":[{"role":"user","content":"${s}"`, { 'x-request-id': 'hostile-badjson' });
    expect(r.status).toBe(400);
    expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_BODY_MALFORMED');
    const rows = gw.rows().filter((x) => requestIdOf(x) === 'hostile-badjson');
    expect(rows).toHaveLength(1);
    const row = rows[0]?.body as { direction: string; action: string; failure: { code: string; reason: string } | null; findings: unknown[] };
    expect(row.direction).toBe('request');
    expect(row.failure?.code).toBe('LG_ERR_BODY_MALFORMED');
    expect(row.failure?.reason).toContain('not valid JSON');
    expect(row.findings).toEqual([]);
    // The header and the row agree (fail closed by default: block).
    expect(row.action).toBe('block');
    expect(r.headers.get('x-leakgate-action')).toBe(row.action);
    expect(rows[0]?.raw).not.toContain(s);
    expect(provider.requests).toHaveLength(0);
  });

  it('a second request smuggled after the first body is parsed as its own request (and scanned)', async () => {
    const s = secret();
    const first = chat('hello');
    const second = chat(`key ${s}`);
    const payload =
      raw(`POST /openai/v1/chat/completions HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: ${first.length}\n\n`, first) +
      raw(`POST /openai/v1/chat/completions HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: ${second.length}\nConnection: close\n\n`, second);
    const answer = await rawRequest(gw.url, payload, 5000);
    expect(answer.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(provider.requests).toHaveLength(2);
    expect(provider.requests[1]?.raw.toString()).not.toContain(s);
  });
});

describe('no open proxy', () => {
  it('absolute-URI targets, Host and forwarding headers, CONNECT and authority-like paths never reach another server', async () => {
    const body = chat('hello');
    const len = Buffer.byteLength(body);
    const cases: [string, number[]][] = [
      [raw(`POST http://${attackerHost}/openai/v1/chat/completions HTTP/1.1\nHost: ${attackerHost}\nContent-Type: application/json\nContent-Length: ${len}\n\n`, body), [200]],
      [raw(`POST /openai/v1/chat/completions HTTP/1.1\nHost: ${attackerHost}\nX-Forwarded-Host: ${attackerHost}\nForwarded: host=${attackerHost}\nContent-Type: application/json\nContent-Length: ${len}\n\n`, body), [200]],
      [raw(`CONNECT ${attackerHost} HTTP/1.1\nHost: ${attackerHost}\n\n`), [405]],
      [raw(`GET http://${attackerHost}/ HTTP/1.1\nHost: ${attackerHost}\n\n`), [404]],
      [raw(`GET //${attackerHost}/v1/models HTTP/1.1\nHost: x\n\n`), [404]],
      [raw(`GET /http://${attackerHost}/v1/models HTTP/1.1\nHost: x\n\n`), [400, 404]],
      [raw(`GET /openai@${attackerHost}/v1/models HTTP/1.1\nHost: x\n\n`), [404]],
      [raw(`GET /openai/v1/models?url=http://${attackerHost}/ HTTP/1.1\nHost: x\n\n`), [200]],
    ];
    for (const [c, statuses] of cases) {
      const nl = c.indexOf('\r\n');
      const answer = await rawRequest(gw.url, `${c.slice(0, nl)}\r\nConnection: close${c.slice(nl)}`, 3000);
      expect(statuses, c.slice(0, 80)).toContain(statusOf(answer));
    }
    // The ones that were served went to the configured provider, with its own Host.
    for (const r of provider.requests) expect(r.headers.host).toBe(new URL(provider.url).host);
    expect(attackerConnections).toBe(0);
  });

  it('path tricks (dot segments, encoded slashes/dots/backslashes, NUL) are refused, // is collapsed', async () => {
    const refused = [
      '/openai/../admin',
      '/openai/v1/../../admin',
      '/openai/%2e%2e/admin',
      '/openai/%2E%2E%2Fadmin',
      '/openai/v1%2fchat/completions',
      '/openai/v1%5cchat',
      '/openai/v1/chat%00/completions',
      '/openai/./v1/models',
      '/openai\\..\\admin',
    ];
    for (const path of refused) {
      const answer = await rawRequest(gw.url, raw(`GET ${path} HTTP/1.1\nHost: x\nConnection: close\n\n`));
      expect(statusOf(answer), path).toBe(400);
    }
    expect(provider.requests).toHaveLength(0);
    const ok = await rawRequest(gw.url, raw(`GET //openai//v1//models HTTP/1.1\nHost: x\nConnection: close\n\n`));
    expect(statusOf(ok)).toBe(200);
    expect(provider.requests[0]?.url).toBe('/v1/models');
  });

  it('oversized headers: 431 with a JSON error, no upstream contact, process alive', async () => {
    const answer = await rawRequest(gw.url, raw(`GET /openai/v1/models HTTP/1.1\nHost: x\nX-Big: ${'a'.repeat(20_000)}\n\n`));
    expect(statusOf(answer)).toBe(431);
    expect(answer).toContain('LG_ERR_BODY_MALFORMED');
    const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`).join('\n');
    const answer2 = await rawRequest(gw.url, raw(`GET /openai/v1/models HTTP/1.1\nHost: x\n${many}\n\n`));
    expect([400, 431]).toContain(statusOf(answer2));
    expect(provider.requests).toHaveLength(0);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});

describe('admin listener', () => {
  it('metrics only on the admin port, behind the bearer token; the main port hides them', async () => {
    expect(gw.adminUrl).not.toBeNull();
    const admin = gw.adminUrl as string;
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${admin}/metrics`)).status).toBe(401);
    expect((await fetch(`${admin}/metrics`, { headers: { authorization: 'Bearer wrong-token-0000000000000' } })).status).toBe(401);
    expect((await fetch(`${admin}/metrics`, { headers: { authorization: TOKEN } })).status).toBe(401);
    const ok = await fetch(`${admin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain('leakgate');
    expect(text).not.toContain(TOKEN);
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    expect((await fetch(`${admin}/openai/v1/models`)).status).toBe(404);
    expect(provider.requests).toHaveLength(0);
    expect(gw.logText()).not.toContain(TOKEN);
  });

  it('a POST to /metrics is refused; the real guard is ready', async () => {
    const r = await post(`${gw.adminUrl as string}/metrics`, '{}', { authorization: `Bearer ${TOKEN}` });
    expect(r.status).toBe(405);
    const ready = await fetch(`${gw.adminUrl as string}/readyz`);
    expect(ready.status).toBe(200);
  });
});
