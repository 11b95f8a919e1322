// Hostile request bodies against the REAL guard (buildGuard: packs + ONNX classifier + SQLite audit).
// Each input gets a provider-shaped 4xx or a correct scan; none crashes the process, none makes the
// provider see a planted secret, none is answered with a 5xx of leakgate's own.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { readFileSync, existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { chat, post, startRealGateway, type RealGateway } from './helpers/real-gateway.js';
import { shannonEntropy } from '../../src/detect/entropy.js';
import { allPlanted, awsKeyId, githubPat, leaked, plant, stripeLive, type Planted } from './helpers/secrets.js';

let provider: FakeProvider;
let gw: RealGateway;
const planted: Planted[] = [];
const CHAT = '/openai/v1/chat/completions';

beforeAll(async () => {
  provider = await startFakeProvider();
  gw = await startRealGateway({ upstream: provider.url, server: { maxBodyBytes: 4 * 1024 * 1024, maxJsonDepth: 64, maxDecompressRatio: 50 } });
}, 30_000);
afterAll(async () => {
  // Nothing planted in any test reached the provider, the logs or the audit db (and its WAL).
  const seen = Buffer.concat(provider.requests.map((r) => r.raw));
  expect(leaked(seen, planted)).toEqual([]);
  expect(leaked(gw.logText(), planted)).toEqual([]);
  for (const f of [gw.dbFile, `${gw.dbFile}-wal`]) if (existsSync(f)) expect(leaked(readFileSync(f), planted)).toEqual([]);
  const report = await gw.verify();
  expect(report.ok).toBe(true);
  await gw.close();
  await provider.close();
}, 30_000);
afterEach(() => {
  provider.requests.length = 0;
});

function track<T extends Planted | Planted[]>(p: T): T {
  for (const x of Array.isArray(p) ? p : [p]) planted.push(x);
  return p;
}
function value(kind: Parameters<typeof plant>[0]): string {
  return track(plant(kind)).value;
}
/** Status is not a 5xx made by leakgate (those carry x-leakgate-error). */
function notOwn5xx(r: { status: number; headers: Headers }): void {
  if (r.status >= 500) expect(r.headers.get('x-leakgate-error')).toBeNull();
}
function providerSaw(): string {
  return Buffer.concat(provider.requests.map((r) => r.raw)).toString('utf8');
}

describe('malformed framing of the body', () => {
  it('malformed and truncated JSON: 400 provider-shaped, nothing forwarded', async () => {
    const secret = value('aws');
    const full = chat(`key ${secret}`);
    for (const body of [full.slice(0, full.length - 3), full.slice(0, 20), '{"model":', '{"a":1}}', '[', 'nul', `{"model":"echo","messages":[{"role":"user","content":"${secret}`]) {
      const r = await post(`${gw.url}${CHAT}`, body);
      expect(r.status, body.slice(0, 30)).toBe(400);
      expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_BODY_MALFORMED');
      expect((r.json as { error: { type: string } }).error.type).toBe('invalid_request_error');
      expect(r.text).not.toContain(secret);
    }
    expect(provider.requests).toHaveLength(0);
  });

  it('deeply nested JSON (200k levels, arrays and objects) is refused without a stack overflow', async () => {
    const depth = 200_000;
    for (const body of ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth), '['.repeat(depth)]) {
      const r = await post(`${gw.url}${CHAT}`, body);
      expect(r.status).toBe(400);
      expect(r.text).toContain('nests deeper');
    }
    // Just under the cap still parses and is scanned.
    const secret = value('github');
    let nested: unknown = `token ${secret}`;
    for (let i = 0; i < 40; i++) nested = { x: nested };
    const r = await post(`${gw.url}${CHAT}`, JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }], metadata: nested }));
    notOwn5xx(r);
    expect(providerSaw()).not.toContain(secret);
    const h = await fetch(`${gw.url}/healthz`);
    expect(h.status).toBe(200);
  });

  it('a body over the limit is 413; a huge single string under it is scanned end to end', async () => {
    const r1 = await post(`${gw.url}${CHAT}`, chat('a'.repeat(5 * 1024 * 1024)));
    expect(r1.status).toBe(413);
    const secret = value('stripe');
    const huge = 'x'.repeat(3 * 1024 * 1024) + ` ${secret} ` + 'y'.repeat(1000);
    const r2 = await post(`${gw.url}${CHAT}`, chat(huge));
    expect(r2.status).toBe(200);
    expect(r2.headers.get('x-leakgate-action')).toBe('redact');
    expect(provider.requests).toHaveLength(1);
    expect(providerSaw()).not.toContain(secret);
    expect(providerSaw()).toContain('[REDACTED:');
  }, 20_000);

  it('gzip, br and deflate bodies are decoded and scanned; bombs are capped (413), garbage is 400', async () => {
    const secret = value('slack');
    const body = Buffer.from(chat(`slack ${secret}`));
    for (const [enc, data] of [
      ['gzip', gzipSync(body)],
      ['br', brotliCompressSync(body)],
      ['deflate', deflateSync(body)],
    ] as const) {
      const r = await post(`${gw.url}${CHAT}`, data, { 'content-encoding': enc });
      expect(r.status, enc).toBe(200);
      expect(r.headers.get('x-leakgate-action')).toBe('redact');
    }
    expect(provider.requests).toHaveLength(3);
    expect(providerSaw()).not.toContain(secret);
    // Bombs: 3 MB of zeros compresses to a few KB; ratio cap 50 → refused while decompressing.
    const bomb = Buffer.from(chat('0'.repeat(3 * 1024 * 1024)));
    for (const [enc, data] of [
      ['gzip', gzipSync(bomb, { level: 9 })],
      ['br', brotliCompressSync(bomb)],
      ['deflate', deflateSync(bomb, { level: 9 })],
    ] as const) {
      const r = await post(`${gw.url}${CHAT}`, data, { 'content-encoding': enc });
      expect(r.status, enc).toBe(413);
      expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_DECOMPRESS');
    }
    // Stacked encodings are not accepted; garbage in a declared encoding is a 400.
    const r3 = await post(`${gw.url}${CHAT}`, gzipSync(gzipSync(body)), { 'content-encoding': 'gzip, gzip' });
    expect(r3.status).toBe(400);
    const r4 = await post(`${gw.url}${CHAT}`, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(r4.status).toBe(400);
    expect(provider.requests).toHaveLength(3);
  });

  it('invalid UTF-8 and raw NUL bytes: 400; lone surrogates and \\u0000 escapes are scanned', async () => {
    const secret = value('aws');
    const bad = Buffer.concat([Buffer.from(`{"model":"echo","messages":[{"role":"user","content":"${secret} `), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]);
    const r1 = await post(`${gw.url}${CHAT}`, bad);
    expect(r1.status).toBe(400);
    expect(r1.headers.get('x-leakgate-error')).toBe('LG_ERR_BODY_MALFORMED');
    const nul = Buffer.from(`{"model":"echo","messages":[{"role":"user","content":"a\u0000${secret}"}]}`);
    const r2 = await post(`${gw.url}${CHAT}`, nul);
    expect(r2.status).toBe(400);
    expect(provider.requests).toHaveLength(0);
    // Escaped lone surrogates and NULs are valid JSON: the text around them is still scanned.
    const s2 = value('github');
    const r3 = await post(`${gw.url}${CHAT}`, `{"model":"echo","messages":[{"role":"user","content":"\\ud800 x \\udfff\\u0000 ${s2} \\u0000"}]}`);
    expect(r3.status).toBe(200);
    expect(r3.headers.get('x-leakgate-action')).toBe('redact');
    expect(providerSaw()).not.toContain(s2);
  });
});

describe('secrets in disguise', () => {
  it('JSON \\u escapes inside the key (\\u0041KIA…) are decoded by the parser and redacted', async () => {
    const secret = value('aws');
    const escaped = secret
      .split('')
      .map((c, i) => (i % 2 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c))
      .join('');
    const r = await post(`${gw.url}${CHAT}`, `{"model":"echo","messages":[{"role":"user","content":"aws key ${escaped}"}]}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-leakgate-action')).toBe('redact');
    expect(providerSaw()).not.toContain(secret);
  });

  it('a literal \\uXXXX-escaped key inside the text (double-escaped in JSON) is decoded and redacted', async () => {
    const secret = value('github');
    const esc = secret
      .split('')
      .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join('');
    const r = await post(`${gw.url}${CHAT}`, chat(`token: ${esc}`));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-leakgate-action')).not.toBe('allow');
    expect(providerSaw()).not.toContain(esc.slice(0, 60));
  });

  it('URL-encoded (every byte %XX) keys are decoded and redacted', async () => {
    const secret = value('stripe');
    const enc = [...Buffer.from(secret)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const r = await post(`${gw.url}${CHAT}`, chat(`https://example.test/cb?key=${enc}&x=1`));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-leakgate-action')).not.toBe('allow');
    expect(providerSaw()).not.toContain(enc);
  });

  it('base64 and base64(base64) of a key=value line are decoded (bounded depth) and redacted', async () => {
    const s1 = value('aws');
    const s2 = value('github');
    const b1 = Buffer.from(`AWS_ACCESS_KEY_ID=${s1}\n`).toString('base64');
    const b2 = Buffer.from(Buffer.from(`GITHUB_TOKEN=${s2}\n`).toString('base64')).toString('base64');
    const r = await post(`${gw.url}${CHAT}`, chat(`config: ${b1}\nnested: ${b2}`));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-leakgate-action')).not.toBe('allow');
    expect(providerSaw()).not.toContain(b1);
    expect(providerSaw()).not.toContain(b2);
  });

  it('a base64 key behind many decodable decoy blobs is still decoded (no silent cap)', async () => {
    const s1 = value('aws');
    const decoys = Array.from({ length: 80 }, (_, i) => Buffer.from(`Harmless line number ${i} of the notes, nothing here.`).toString('base64'));
    const b1 = Buffer.from(`AWS_ACCESS_KEY_ID=${s1}\n`).toString('base64');
    const r = await post(`${gw.url}${CHAT}`, chat(`${decoys.join(' ')} ${b1}`));
    notOwn5xx(r);
    // Either decoded and redacted, or refused as unscannable: never forwarded as is.
    expect(r.status === 200 ? r.headers.get('x-leakgate-action') : 'refused').not.toBe('allow');
    expect(providerSaw()).not.toContain(b1);
  });

  it('a key split across two text parts of one message is caught', async () => {
    const secret = value('github');
    const cut = 12;
    const body = JSON.stringify({
      model: 'echo',
      messages: [{ role: 'user', content: [{ type: 'text', text: `my token is ${secret.slice(0, cut)}` }, { type: 'text', text: `${secret.slice(cut)} ok` }] }],
    });
    const r = await post(`${gw.url}${CHAT}`, body);
    notOwn5xx(r);
    const saw = providerSaw();
    const joined = saw.replace(/"\},\{"type":"text","text":"/g, '');
    expect(joined).not.toContain(secret);
  });

  it('keys in every modelled place (system, tool args, tool results, Anthropic and Gemini shapes) are redacted', async () => {
    const ps = track(allPlanted());
    const [a, g, s, sl, pem] = ps.map((p) => p.value) as [string, string, string, string, string];
    const openai = JSON.stringify({
      model: 'echo',
      messages: [
        { role: 'system', content: `ops key ${a}` },
        { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: JSON.stringify({ token: g }) } }] },
        { role: 'tool', tool_call_id: 't', content: `stripe ${s}` },
        { role: 'user', content: [{ type: 'text', text: `slack ${sl}` }] },
      ],
    });
    const r1 = await post(`${gw.url}${CHAT}`, openai);
    expect(r1.status).toBe(200);
    const r2 = await post(`${gw.url}/anthropic/v1/messages`, JSON.stringify({ model: 'echo', max_tokens: 10, system: `k ${a}`, messages: [{ role: 'user', content: `x ${g}` }] }));
    expect(r2.status).toBe(200);
    const r3 = await post(`${gw.url}/gemini/v1beta/models/echo:generateContent`, JSON.stringify({ contents: [{ role: 'user', parts: [{ text: `slack ${sl}` }] }] }));
    expect(r3.status).toBe(200);
    const r4 = await post(`${gw.url}${CHAT}`, chat(`please keep this safe:\n${pem}`));
    expect([200, 403]).toContain(r4.status);
    expect(leaked(providerSaw(), ps)).toEqual([]);
  });
});

describe('uniformly random keys', () => {
  it('a random AKIA key id whose body happens to have low character entropy (≈0.3% of random ids) is still redacted', async () => {
    // Found by bench/load: such keys were classed placeholder ('entropy:low') and forwarded with warn.
    let key = '';
    for (let i = 0; i < 200_000 && key === ''; i++) {
      const k = awsKeyId({ anyEntropy: true });
      const body = k.slice(4);
      if (shannonEntropy(body) < 3 && !/(.)\1\1/.test(body)) key = k;
    }
    expect(key).not.toBe('');
    const r = await post(`${gw.url}${CHAT}`, chat(`config: TOKEN=${key}\nthanks`));
    expect(r.status).toBe(200);
    expect(providerSaw()).not.toContain(key);
  });
});

describe('responses', () => {
  it('a secret in a JSON or streamed completion never reaches the client', async () => {
    const secret = value('github');
    const secret2 = value('aws');
    provider.replyText = `here you go: ${secret} and ${secret2} bye`;
    try {
      const r1 = await post(`${gw.url}${CHAT}`, chat('hi'));
      expect(r1.status).toBe(200);
      expect(r1.text).not.toContain(secret);
      expect(r1.text).not.toContain(secret2);
      for (const chunk of [1, 3, 7]) {
        provider.chunkChars = chunk;
        const r2 = await post(`${gw.url}${CHAT}`, chat('hi', { stream: true }));
        expect(r2.status).toBe(200);
        // Re-join the deltas: the client's text must not hold the key in any chunking.
        const text = [...r2.text.matchAll(/"content":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('');
        expect(text).not.toContain(secret);
        expect(text).not.toContain(secret2);
        expect(text).toContain('[REDACTED:');
      }
    } finally {
      provider.replyText = null;
      provider.chunkChars = 4;
    }
  });
});

describe('audit and logs', () => {
  it('each decision has its row; logs and rows hold no secret and no credential header', async () => {
    const secret = value('stripe');
    const bearer = track<Planted>({ kind: 'bearer', value: `sk-proj-${githubPat().slice(4)}`, needles: [] });
    bearer.needles.push(bearer.value);
    const id = `hostile-${Date.now()}`;
    const r = await post(`${gw.url}${CHAT}`, chat(`k ${secret}`), { authorization: `Bearer ${bearer.value}`, 'x-request-id': id, 'x-api-key': bearer.value });
    expect(r.status).toBe(200);
    // Upstream still receives the client's own credential (it is the route's upstream).
    expect(provider.requests[0]?.headers.authorization).toBe(`Bearer ${bearer.value}`);
    const rows = gw.rows().filter((row) => row.body.request_id === id);
    expect(rows.map((row) => row.body.direction).sort()).toEqual(['request', 'response']);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(rows)).not.toContain(bearer.value);
    expect(gw.logText()).toContain(id);
    expect(gw.logText()).not.toContain(bearer.value);
    expect(gw.logText().toLowerCase()).not.toContain('authorization');
    void awsKeyId;
    void stripeLive;
  });
});
