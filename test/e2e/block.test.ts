// Issue 4, LEAKGATE_ACTION=block (→ policy.genuine: block), end to end: a request with a secret
// gets each provider's own 403 (the SDKs raise their typed PermissionDeniedError) naming the
// detector types and never the value, and is never forwarded; a secret in a response stream stops
// the stream with the provider's error event (the SDK raises); shadow routes decide and audit but
// forward unchanged, with x-leakgate-action showing what would have happened.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chat } from './helpers/collect.js';
import { noFragment } from './helpers/secrets.js';
import { leakReport, parseSse, requestIdOf, startStack, type AuditRow, type Stack } from './helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({
    env: { LEAKGATE_ACTION: 'block' },
    routes: {
      'shadow-openai': { api: 'openai', shadow: true },
      'shadow-anthropic': { api: 'anthropic', shadow: true },
      'shadow-gemini': { api: 'gemini', shadow: true },
    },
  });
});
afterAll(async () => {
  await s?.close();
});
afterEach(() => {
  s.fake.replyText = null;
  s.fake.chunkChars = 4;
});

const AWS = 'aws-access-key-id';
const GH = 'github-personal-access-token';

async function expectAuditRow(id: string, direction: string, action: string, extra: (row: AuditRow) => void = () => undefined): Promise<void> {
  await expect.poll(() => s.rowsFor(id).filter((r) => r.body.direction === direction).length).toBe(1);
  const row = s.rowsFor(id).find((r) => r.body.direction === direction)!;
  expect(row.body.action).toBe(action);
  extra(row);
}

describe('LEAKGATE_ACTION=block', () => {
  it('sets policy.genuine', () => {
    expect(s.loaded.config.policy.genuine).toBe('block');
  });

  it('OpenAI chat: PermissionDeniedError 403 naming the types, not the values; nothing forwarded', async () => {
    const aws = s.planted.aws();
    const gh = s.planted.github();
    const before = s.fake.requests.length;
    const err = await s
      .openai()
      .chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `keys ${aws} and ${gh}` }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e = err as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(e.status).toBe(403);
    expect(e.message).toContain(AWS);
    expect(e.message).toContain(GH);
    expect(noFragment(JSON.stringify(e.error) + e.message, aws)).toBe(true);
    expect(noFragment(JSON.stringify(e.error) + e.message, gh)).toBe(true);
    expect(e.headers?.get('x-leakgate-action')).toBe('block');
    expect(s.fake.requests.length).toBe(before);
    await expectAuditRow(requestIdOf(e.headers), 'request', 'block', (row) => expect(row.body.findings.map((f) => f.type).sort()).toEqual([AWS, GH]));
  });

  it('OpenAI Responses and embeddings: the same typed 403', async () => {
    const stripe = s.planted.stripe();
    const before = s.upstreamRequests().length;
    const e1 = await s.openai('s-openai').responses.create({ model: 'echo', input: `pay with ${stripe}` }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((e1 as Error).message).toContain('stripe-secret-key');
    const e2 = await s.openai().embeddings.create({ model: 'echo', input: stripe }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(noFragment((e1 as Error).message + (e2 as Error).message, stripe)).toBe(true);
    expect(s.upstreamRequests().length).toBe(before);
  });

  it('Anthropic: PermissionDeniedError 403 in Anthropic error shape', async () => {
    const slack = s.planted.slack();
    const before = s.fake.requests.length;
    const err = await s
      .anthropic()
      .messages.create({ model: 'echo', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'text', text: `bot ${slack}` }] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const e = err as InstanceType<typeof Anthropic.PermissionDeniedError>;
    expect(e.status).toBe(403);
    const body = e.error as { type?: string; error?: { type?: string; message?: string } };
    expect(body.type).toBe('error');
    expect(body.error?.type).toBe('permission_error');
    expect(body.error?.message).toContain('slack-bot-token');
    expect(noFragment(JSON.stringify(body), slack)).toBe(true);
    expect(e.headers?.get('x-leakgate-action')).toBe('block');
    expect(s.fake.requests.length).toBe(before);
    await expectAuditRow(requestIdOf(e.headers), 'request', 'block');
  });

  it('Gemini: 403 {"error":{"code":403,"status":"PERMISSION_DENIED"}} naming the type', async () => {
    const aws = s.planted.aws();
    const before = s.fake.requests.length;
    const res = await s.gemini('echo', 'generateContent', { contents: [{ role: 'user', parts: [{ text: `aws ${aws}` }] }] });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-leakgate-action')).toBe('block');
    const text = await res.text();
    const body = JSON.parse(text) as { error: { code: number; status: string; message: string } };
    expect(body.error.code).toBe(403);
    expect(body.error.status).toBe('PERMISSION_DENIED');
    expect(body.error.message).toContain(AWS);
    expect(noFragment(text, aws)).toBe(true);
    expect(s.fake.requests.length).toBe(before);
    await expectAuditRow(requestIdOf(res.headers), 'request', 'block');
  });

  it('a whole response with a secret becomes the provider-shaped 403', async () => {
    const gh = s.planted.github();
    s.fake.replyText = `token ${gh}`;
    const e1 = await s.openai().chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'q' }] }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e2 = await s.anthropic().messages.create({ model: 'echo', max_tokens: 8, messages: [{ role: 'user', content: 'q' }] }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const r3 = await s.gemini('echo', 'generateContent', { contents: [{ role: 'user', parts: [{ text: 'q' }] }] });
    expect(r3.status).toBe(403);
    const t3 = await r3.text();
    expect((JSON.parse(t3) as { error: { status: string } }).error.status).toBe('PERMISSION_DENIED');
    for (const m of [(e1 as Error).message, (e2 as Error).message, t3]) {
      expect(m).toContain(GH);
      expect(noFragment(m, gh)).toBe(true);
    }
    await expectAuditRow(requestIdOf((e1 as InstanceType<typeof OpenAI.APIError>).headers), 'response', 'block');
  });
});

describe('mid-stream block: the stream ends with the provider error event and the SDK raises', () => {
  const reply = (secret: string): string => `Here you go. The value you asked for is ${secret} and that is all.`;

  it('OpenAI chat stream', async () => {
    for (const n of [1, 4, 13]) {
      const gh = s.planted.github();
      s.fake.replyText = reply(gh);
      s.fake.chunkChars = n;
      const { data: stream, response } = await s.openai().chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'q' }] }).withResponse();
      let text = '';
      const err = await (async () => {
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      })().catch((e: unknown) => e);
      expect(err, `chunk ${n}`).toBeInstanceOf(OpenAI.APIError);
      expect(String((err as Error).message)).toContain('leakgate stopped this response');
      expect(noFragment(text + String((err as Error).message), gh)).toBe(true);
      expect(reply(gh).startsWith(text)).toBe(true);
      await expectAuditRow(requestIdOf(response.headers), 'response', 'block');
    }
  });

  it('Anthropic messages stream', async () => {
    for (const n of [1, 5, 16]) {
      const aws = s.planted.aws();
      s.fake.replyText = reply(aws);
      s.fake.chunkChars = n;
      const { data: stream, response } = await s.anthropic().messages.create({ model: 'echo', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'q' }] }).withResponse();
      let text = '';
      const err = await (async () => {
        for await (const ev of stream) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      })().catch((e: unknown) => e);
      expect(err, `chunk ${n}`).toBeInstanceOf(Anthropic.APIError);
      expect(noFragment(text + String((err as Error).message), aws)).toBe(true);
      await expectAuditRow(requestIdOf(response.headers), 'response', 'block');
    }
  });

  it('OpenAI tool_calls argument stream and Anthropic input_json_delta stream', async () => {
    const gh = s.planted.github();
    s.fake.replyText = `token ${gh}`;
    s.fake.chunkChars = 3;
    const e1 = await chat(s, 'openai', 'q', { model: 'tools', stream: true }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OpenAI.APIError);
    const e2 = await chat(s, 'anthropic', 'q', { model: 'tools', stream: true }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Anthropic.APIError);
  });

  it('the mid-stream error message names the detector type (never the value)', async () => {
    const gh = s.planted.github();
    s.fake.replyText = reply(gh);
    const err = await chat(s, 'openai', 'q', { stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String((err as Error).message)).toContain(GH);
  });

  it('Gemini SSE: the last event is {"error":{"code":403,"status":"PERMISSION_DENIED"}}', async () => {
    for (const n of [1, 6]) {
      const stripe = s.planted.stripe();
      s.fake.replyText = reply(stripe);
      s.fake.chunkChars = n;
      const res = await s.gemini('echo', 'streamGenerateContent', { contents: [{ role: 'user', parts: [{ text: 'q' }] }] });
      const raw = await res.text();
      expect(noFragment(raw, stripe)).toBe(true);
      const events = parseSse(raw);
      const last = JSON.parse(events[events.length - 1]?.data ?? '{}') as { error?: { code: number; status: string; message: string } };
      expect(last.error?.code).toBe(403);
      expect(last.error?.status).toBe('PERMISSION_DENIED');
      await expectAuditRow(requestIdOf(res.headers), 'response', 'block');
    }
  });
});

describe('shadow mode (route shadow: true): decided and audited, forwarded unchanged', () => {
  it('a request that would be blocked is forwarded byte for byte; x-leakgate-action: block', async () => {
    const aws = s.forwarded.aws();
    for (const [route, path] of [
      ['shadow-openai', 'v1/chat/completions'],
      ['shadow-anthropic', 'v1/messages'],
    ] as const) {
      const body = JSON.stringify({ model: 'echo', max_tokens: 8, messages: [{ role: 'user', content: `key ${aws}` }] });
      const res = await s.fetch(`${s.gw.url}/${route}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, route).toBe(200);
      expect(res.headers.get('x-leakgate-action'), route).toBe('block');
      expect(s.fake.requests[s.fake.requests.length - 1]?.raw.toString('utf8')).toBe(body);
      await res.text();
      await expectAuditRow(requestIdOf(res.headers), 'request', 'block', (row) => {
        expect(row.body.shadow).toBe(true);
        expect(row.body.findings[0]?.signals).toContain('policy:shadow');
      });
    }
  });

  it('Gemini: request and response with secrets pass unchanged, streamed and whole', async () => {
    const gh = s.forwarded.github();
    s.fake.replyText = `here ${gh}`;
    const whole = await chat(s, 'gemini', `mine ${gh}`, { route: 'shadow-gemini' });
    expect(whole.text).toBe(`here ${gh}`);
    expect(whole.action).toBe('block');
    const streamed = await chat(s, 'gemini', 'q', { route: 'shadow-gemini', stream: true });
    expect(streamed.text).toBe(`here ${gh}`);
    expect(streamed.raw).not.toContain('PERMISSION_DENIED');
    // (Its audit row is not checked here: with the secret's tail in Gemini's finish event, bug A in
    // chunking.test.ts means the stream scanner never sees the whole value; see the OpenAI case below.)
  });

  it('OpenAI and Anthropic streams with a secret complete unchanged', async () => {
    const slack = s.forwarded.slack();
    s.fake.replyText = `bot ${slack} ok`;
    s.fake.chunkChars = 3;
    const o = await chat(s, 'openai', 'q', { route: 'shadow-openai', stream: true });
    expect(o.text).toBe(`bot ${slack} ok`);
    await expectAuditRow(o.id, 'response', 'block', (row) => {
      expect(row.body.shadow).toBe(true);
      expect(row.body.findings.map((f) => f.type)).toContain('slack-bot-token');
    });
    expect((await chat(s, 'anthropic', 'q', { route: 'shadow-anthropic', stream: true })).text).toBe(`bot ${slack} ok`);
  });
});

describe('headers, audit and leaks', () => {
  it('x-leakgate-action was on every response this file received', () => {
    expect(s.seen.filter((r) => !/^(allow|warn|redact|block)$/.test(r.action ?? ''))).toEqual([]);
  });

  it('no planted secret reached the provider; no planted or shadow-forwarded secret in the audit db/WAL or logs', () => {
    expect(leakReport(s)).toEqual({ provider: [], audit: [], logs: [] });
  });
});
