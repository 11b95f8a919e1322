// Issue 4, LEAKGATE_ACTION=warn (→ policy.genuine: warn), end to end: requests and responses with
// a secret are forwarded unchanged with `x-leakgate-action: warn` and a `warn` audit row; and a
// shadow route whose policy would redact forwards unchanged with `x-leakgate-action: redact`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chat, PROVIDERS } from './helpers/collect.js';
import { leakReport, requestIdOf, startStack, type Stack } from './helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({
    env: { LEAKGATE_ACTION: 'warn' },
    routes: { 'shadow-openai': { api: 'openai', shadow: true, policy: { genuine: 'redact' } } },
  });
});
afterAll(async () => {
  await s?.close();
});
afterEach(() => {
  s.fake.replyText = null;
});

const PATHS = { openai: 'openai/v1/chat/completions', anthropic: 'anthropic/v1/messages', gemini: 'gemini/v1beta/models/echo:generateContent' } as const;

function bodyFor(provider: (typeof PROVIDERS)[number], text: string): string {
  if (provider === 'gemini') return JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }] });
  return JSON.stringify({ model: 'echo', max_tokens: 16, messages: [{ role: 'user', content: text }] });
}

async function auditAction(id: string, direction: string): Promise<string | undefined> {
  await expect.poll(() => s.rowsFor(id).filter((r) => r.body.direction === direction).length).toBe(1);
  return s.rowsFor(id).find((r) => r.body.direction === direction)?.body.action;
}

describe('LEAKGATE_ACTION=warn', () => {
  it('sets policy.genuine', () => {
    expect(s.loaded.config.policy.genuine).toBe('warn');
  });

  for (const provider of PROVIDERS) {
    it(`${provider}: a request with a secret is forwarded byte for byte, x-leakgate-action: warn, audited as warn`, async () => {
      const aws = s.forwarded.aws();
      const body = bodyFor(provider, `AWS_ACCESS_KEY_ID=${aws}`);
      const res = await s.fetch(`${s.gw.url}/${PATHS[provider]}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' }, body });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-leakgate-action')).toBe('warn');
      expect(s.fake.requests[s.fake.requests.length - 1]?.raw.toString('utf8')).toBe(body);
      expect(await res.text()).toContain(aws);
      expect(await auditAction(requestIdOf(res.headers), 'request')).toBe('warn');
    });

    for (const stream of [false, true]) {
      it(`${provider} ${stream ? 'streamed' : 'whole'}: a response with a secret reaches the client unchanged, audited as warn`, async () => {
        const gh = s.forwarded.github();
        s.fake.replyText = `your token: ${gh} (keep it)`;
        const got = await chat(s, provider, 'q', { stream });
        expect(got.text).toBe(`your token: ${gh} (keep it)`);
        if (!stream) expect(got.action).toBe('warn');
        expect(await auditAction(got.id, 'response')).toBe('warn');
      });
    }
  }
});

describe('shadow route that would redact', () => {
  it('forwards the request unchanged; x-leakgate-action: redact; audit row marked shadow', async () => {
    const stripe = s.forwarded.stripe();
    const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: `sk: ${stripe}` }] });
    const res = await s.fetch(`${s.gw.url}/shadow-openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.headers.get('x-leakgate-action')).toBe('redact');
    expect(s.fake.requests[s.fake.requests.length - 1]?.raw.toString('utf8')).toBe(body);
    const out = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(out.choices[0]?.message.content).toBe(`echo: sk: ${stripe}`);
    const row = s.rowsFor(requestIdOf(res.headers)).find((r) => r.body.direction === 'request');
    expect(row?.body.action).toBe('redact');
    expect(row?.body.shadow).toBe(true);
  });
});

describe('headers, audit and leaks', () => {
  it('x-leakgate-action on every response; no forwarded secret in the audit db/WAL or logs', () => {
    expect(s.seen.filter((r) => !/^(allow|warn|redact|block)$/.test(r.action ?? ''))).toEqual([]);
    expect(leakReport(s)).toEqual({ provider: [], audit: [], logs: [] });
  });
});
