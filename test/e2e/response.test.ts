// Issue 4, response path, end to end: the fake provider answers with a secret; what the official
// SDK accumulates (streamed and whole; text and tool-call arguments) carries `[REDACTED:<type>]`
// and no fragment of the value. Reversible redaction round-trips on a route that enables it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chat, PROVIDERS } from './helpers/collect.js';
import { defaultReply } from './helpers/script-provider.js';
import { noFragment } from './helpers/secrets.js';
import { leakReport, startStack, type Stack } from './helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({
    routes: {
      'rev-openai': { api: 'openai', policy: { reversibleRedaction: true } },
      'rev-anthropic': { api: 'anthropic', policy: { reversibleRedaction: true } },
      'rev-gemini': { api: 'gemini', policy: { reversibleRedaction: true } },
    },
  });
});
afterAll(async () => {
  await s?.close();
});
afterEach(() => {
  s.fake.replyText = null;
  s.fake.chunkChars = 4;
  s.script.respond = defaultReply;
});

const KINDS = [
  ['aws', 'aws-access-key-id'],
  ['github', 'github-personal-access-token'],
  ['stripe', 'stripe-secret-key'],
  ['slack', 'slack-bot-token'],
] as const;

function make(kind: (typeof KINDS)[number][0]): string {
  return s.planted[kind]();
}

describe('response redaction: the SDK never sees the value', () => {
  for (const provider of PROVIDERS) {
    for (const stream of [false, true]) {
      it(`${provider} ${stream ? 'streamed' : 'whole'}: every secret kind`, async () => {
        for (const [kind, type] of KINDS) {
          const secret = make(kind);
          s.fake.replyText = `Sure, the credential is ${secret} and nothing else.`;
          const got = await chat(s, provider, 'what is the key?', { stream });
          expect(got.text, `${kind}`).toBe(`Sure, the credential is [REDACTED:${type}] and nothing else.`);
          expect(noFragment(got.text, secret)).toBe(true);
          expect(got.action).toBe(stream ? 'allow' : 'redact'); // stream headers leave before the stream's action is known
          // A stream's row is written when it ends (after the client has the last byte): poll.
          await expect.poll(() => s.rowsFor(got.id).filter((r) => r.body.direction === 'response').length).toBe(1);
          const row = s.rowsFor(got.id).find((r) => r.body.direction === 'response');
          expect(row?.body.action).toBe('redact');
          expect(row?.body.findings.map((f) => f.type)).toContain(type);
        }
      });
    }
  }
});

describe('tool-call arguments carrying a secret', () => {
  for (const provider of PROVIDERS) {
    for (const stream of [false, true]) {
      const sizes = stream ? [1, 3, 7, 16] : [4];
      it(`${provider} ${stream ? 'streamed (OpenAI tool_calls deltas / Anthropic input_json_delta / Gemini functionCall)' : 'whole'}, chunk sizes ${sizes.join(',')}`, async () => {
        for (const n of sizes) {
          const secret = s.planted.github();
          s.fake.replyText = `token ${secret}`;
          s.fake.chunkChars = n;
          const got = await chat(s, provider, 'call the tool', { model: 'tools', stream });
          expect(noFragment(got.args, secret), `chunk ${n}: ${got.args}`).toBe(true);
          const args = JSON.parse(got.args) as { city: string; note: string };
          expect(args).toEqual({ city: 'Paris', note: 'token [REDACTED:github-personal-access-token]' });
        }
      });
    }
  }
});

describe('reversible redaction round trip (policy.reversibleRedaction on the route)', () => {
  for (const provider of PROVIDERS) {
    for (const stream of [false, true]) {
      it(`${provider} ${stream ? 'streamed' : 'whole'}: the provider sees tokens, the client gets the original back`, async () => {
        for (const n of stream ? [1, 2, 5, 11] : [4]) {
          s.fake.chunkChars = n;
          const aws = s.planted.aws();
          const stripe = s.planted.stripe();
          const before = s.fake.requests.length;
          const prompt = `keys: ${aws} and ${stripe}; again ${aws}`;
          const got = await chat(s, provider, prompt, { stream, route: `rev-${provider}` });
          const seen = s.fake.requests[before]?.raw.toString('utf8') ?? '';
          expect(seen).toContain('[REDACTED:aws-access-key-id#1]');
          expect(seen).toContain('[REDACTED:stripe-secret-key#2]');
          expect(seen).not.toContain(aws);
          expect(seen).not.toContain(stripe);
          // The echo carries the tokens back; the client reads its own values again.
          expect(got.text, `chunk ${n}`).toBe(`echo: ${prompt}`);
        }
      });
    }
  }

  it('a token the provider invents (not from this request) stays a token', async () => {
    s.fake.replyText = 'look: [REDACTED:aws-access-key-id#7] and [REDACTED:aws-access-key-id#1]';
    const aws = s.planted.aws();
    const got = await chat(s, 'openai', `mine ${aws}`, { route: 'rev-openai' });
    expect(got.text).toBe(`look: [REDACTED:aws-access-key-id#7] and ${aws}`);
  });

  it('without the route flag the echo stays redacted', async () => {
    const aws = s.planted.aws();
    const got = await chat(s, 'openai', `mine ${aws}`);
    expect(got.text).toBe('echo: mine [REDACTED:aws-access-key-id]');
  });
});

describe('streams leakgate cannot parse', () => {
  // An SSE event whose data is not JSON (a truncated or corrupted chunk) carries text leakgate cannot
  // map to a channel. Today src/proxy/sse-response.ts (SseRewriter.event: JSON.parse failure → data = null
  // → `out.push(serializeSse(ev))`) forwards it unscanned, secret included. Fail closed would end the
  // stream with the provider's error event instead (or at least scan the raw data as one whole text).
  it('an SSE event with non-JSON data carrying a secret does not reach the client', async () => {
    const aws = s.planted.aws();
    const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'echo' };
    s.script.respond = () => ({
      sse: [
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'hi ' }, finish_reason: null }] })}\n\n`,
        `data: {"choices":[{"index":0,"delta":{"content":"key ${aws}\n\n`,
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
        'data: [DONE]\n\n',
      ],
    });
    try {
      const res = await s.fetch(`${s.gw.url}/s-openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'q' }] }),
      });
      expect(noFragment(await res.text(), aws)).toBe(true);
    } finally {
      s.script.respond = defaultReply;
    }
  });
});

describe('x-leakgate-action on every kind of response', () => {
  it('allow, redact, upstream errors (404, 429, 500), GET /models, streams', async () => {
    const get = async (url: string, init?: RequestInit): Promise<[number, string | null]> => {
      const r = await s.fetch(url, init);
      await r.arrayBuffer();
      return [r.status, r.headers.get('x-leakgate-action')];
    };
    const post = (path: string, body: unknown): Promise<[number, string | null]> =>
      get(`${s.gw.url}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const msg = (model: string, stream = false) => ({ model, stream, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const results = [
      await get(`${s.gw.url}/openai/v1/models`),
      await post('openai/v1/chat/completions', msg('echo')),
      await post('openai/v1/chat/completions', msg('echo', true)),
      await post('openai/v1/chat/completions', msg('rate-limit')),
      await post('anthropic/v1/messages', msg('server-error')),
      await post('openai/v1/no-such-endpoint', msg('echo')),
      await post('gemini/v1beta/models/rate-limit:generateContent', { contents: [{ parts: [{ text: 'x' }] }] }),
    ];
    expect(results.map((r) => r[0])).toEqual([200, 200, 200, 429, 500, 404, 429]);
    for (const [, action] of results) expect(action).toBe('allow');
  });
});

describe('headers, audit and leaks', () => {
  it('x-leakgate-action was on every response this file received', () => {
    expect(s.seen.length).toBeGreaterThan(30);
    expect(s.seen.filter((r) => !/^(allow|warn|redact|block)$/.test(r.action ?? ''))).toEqual([]);
  });

  it('no planted secret reached the provider, the audit db/WAL or the logs', () => {
    expect(leakReport(s)).toEqual({ provider: [], audit: [], logs: [] });
  });
});
