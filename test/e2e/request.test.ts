// Issue 4, request path, end to end: official SDK → leakgate (real guard: packs + classifier +
// policy + SQLite audit) → fake provider. Every adapter redacts what it carries (text, tool
// arguments, tool results, function-call args); placeholders pass untouched; unparsable bodies
// fail closed; each decision has its audit row; no planted secret ever reaches the provider.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditFile } from '../../src/audit/index.js';
import { exportAuditLog } from '../../src/audit/export.js';
import { leakReport, requestIdOf, startStack, type Stack } from './helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

const R = (type: string): string => `[REDACTED:${type}]`;
const AWS = 'aws-access-key-id';
const GH = 'github-personal-access-token';
const STRIPE = 'stripe-secret-key';
const SLACK = 'slack-bot-token';

type Obj = Record<string, unknown>;
const lastJson = (reqs: { json: unknown }[]): Obj => (reqs[reqs.length - 1]?.json ?? {}) as Obj;

function expectRow(id: string, direction: string, action: string, types: string[]): void {
  const rows = s.rowsFor(id).filter((r) => r.body.direction === direction);
  expect(rows, `audit row for ${direction} ${id}`).toHaveLength(1);
  const row = rows[0]!;
  expect(row.body.action).toBe(action);
  expect(row.body.route).toBeTruthy();
  for (const t of types) expect(row.body.findings.map((f) => f.type)).toContain(t);
  for (const f of row.body.findings) expect(f.fingerprint).toMatch(/^[0-9a-f]{16,}$|^[A-Za-z0-9+/=_-]{16,}$/);
}

describe('request redaction, every adapter', () => {
  it('OpenAI chat: user text, content parts, assistant tool_calls arguments and tool results', async () => {
    const aws = s.planted.aws();
    const gh = s.planted.github();
    const stripe = s.planted.stripe();
    const slack = s.planted.slack();
    const { data, response } = await s
      .openai()
      .chat.completions.create({
        model: 'echo',
        messages: [
          { role: 'system', content: `Deploy with AWS_ACCESS_KEY_ID=${aws}` },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'login', arguments: JSON.stringify({ token: gh }) } }] },
          { role: 'tool', tool_call_id: 'call_1', content: `stripe says: key ${stripe} rotated` },
          { role: 'user', content: [{ type: 'text', text: `Why does ${slack} fail?` }] },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-leakgate-action')).toBe('redact');
    const seen = lastJson(s.fake.requests) as { messages: Obj[] };
    expect(seen.messages[0]?.content).toBe(`Deploy with AWS_ACCESS_KEY_ID=${R(AWS)}`);
    const args = ((seen.messages[1]?.tool_calls as Obj[])[0]?.function as Obj).arguments as string;
    expect(JSON.parse(args)).toEqual({ token: R(GH) });
    expect(seen.messages[2]?.content).toBe(`stripe says: key ${R(STRIPE)} rotated`);
    expect((seen.messages[3]?.content as Obj[])[0]?.text).toBe(`Why does ${R(SLACK)} fail?`);
    expect(data.choices[0]?.message.content).toBe(`echo: Why does ${R(SLACK)} fail?`);
    expectRow(requestIdOf(response.headers), 'request', 'redact', [AWS, GH, STRIPE, SLACK]);
  });

  it('OpenAI Responses: string input, instructions and function_call / function_call_output items', async () => {
    const aws = s.planted.aws();
    const gh = s.planted.github();
    const client = s.openai('s-openai');
    const { data, response } = await client.responses
      .create({ model: 'echo', instructions: `Use ${gh} for git`, input: `my key is ${aws}` })
      .withResponse();
    expect(response.headers.get('x-leakgate-action')).toBe('redact');
    const seen = lastJson(s.script.requests);
    expect(seen.instructions).toBe(`Use ${R(GH)} for git`);
    expect(seen.input).toBe(`my key is ${R(AWS)}`);
    expect(data.output_text).toBe(`echo: my key is ${R(AWS)}`);

    const stripe = s.planted.stripe();
    await client.responses.create({
      model: 'echo',
      input: [
        { type: 'function_call', call_id: 'c1', name: 'pay', arguments: JSON.stringify({ key: stripe }) },
        { type: 'function_call_output', call_id: 'c1', output: `charged with ${stripe}` },
        { role: 'user', content: [{ type: 'input_text', text: 'and now?' }] },
      ],
    });
    const items = lastJson(s.script.requests).input as Obj[];
    expect(JSON.parse(items[0]?.arguments as string)).toEqual({ key: R(STRIPE) });
    expect(items[1]?.output).toBe(`charged with ${R(STRIPE)}`);
    expectRow(requestIdOf(response.headers), 'request', 'redact', [AWS, GH]);
  });

  it('OpenAI embeddings: string and array input', async () => {
    const slack = s.planted.slack();
    const aws = s.planted.aws();
    const { response } = await s.openai().embeddings.create({ model: 'echo', input: [`bot token ${slack}`, `id ${aws}`, 'clean text'] }).withResponse();
    expect(response.headers.get('x-leakgate-action')).toBe('redact');
    expect(lastJson(s.fake.requests).input).toEqual([`bot token ${R(SLACK)}`, `id ${R(AWS)}`, 'clean text']);
    await s.openai().embeddings.create({ model: 'echo', input: `single ${slack}` });
    expect(lastJson(s.fake.requests).input).toBe(`single ${R(SLACK)}`);
  });

  it('OpenAI legacy completions: prompt string', async () => {
    const gh = s.planted.github();
    const { data, response } = await s.openai('s-openai').completions.create({ model: 'echo', prompt: `export GH_TOKEN=${gh}\ngit push` }).withResponse();
    expect(response.headers.get('x-leakgate-action')).toBe('redact');
    expect(lastJson(s.script.requests).prompt).toBe(`export GH_TOKEN=${R(GH)}\ngit push`);
    expect(data.choices[0]?.text).not.toContain(gh.slice(4));
  });

  it('Anthropic messages: system, text, tool_use input and tool_result content', async () => {
    const aws = s.planted.aws();
    const gh = s.planted.github();
    const stripe = s.planted.stripe();
    const { data, response } = await s
      .anthropic()
      .messages.create({
        model: 'echo',
        max_tokens: 64,
        system: `Ops key ${aws}`,
        messages: [
          { role: 'user', content: 'log me in' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'login', input: { token: gh, nested: { list: [`x ${stripe}`] } } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: `logged in as ${gh}` }] }, { type: 'text', text: `now charge ${stripe}` }] },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-leakgate-action')).toBe('redact');
    const seen = lastJson(s.fake.requests) as { system: string; messages: { content: Obj[] }[] };
    expect(seen.system).toBe(`Ops key ${R(AWS)}`);
    expect(seen.messages[1]?.content[0]?.input).toEqual({ token: R(GH), nested: { list: [`x ${R(STRIPE)}`] } });
    const result = seen.messages[2]?.content[0] as { content: Obj[] };
    expect(result.content[0]?.text).toBe(`logged in as ${R(GH)}`);
    expect(seen.messages[2]?.content[1]?.text).toBe(`now charge ${R(STRIPE)}`);
    expect(data.content[0]?.type === 'text' ? data.content[0].text : '').toContain(R(STRIPE));
    expectRow(requestIdOf(response.headers), 'request', 'redact', [AWS, GH, STRIPE]);
  });

  it('Anthropic tool_result with string content', async () => {
    const slack = s.planted.slack();
    await s.anthropic().messages.create({
      model: 'echo',
      max_tokens: 16,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_2', name: 'env', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: `SLACK_BOT_TOKEN=${slack}` }] },
      ],
    });
    const seen = lastJson(s.fake.requests) as { messages: { content: Obj[] }[] };
    expect(seen.messages[1]?.content[0]?.content).toBe(`SLACK_BOT_TOKEN=${R(SLACK)}`);
  });

  it('Gemini generateContent: text parts, systemInstruction, functionCall args and functionResponse', async () => {
    const aws = s.planted.aws();
    const stripe = s.planted.stripe();
    const slack = s.planted.slack();
    const res = await s.gemini('echo', 'generateContent', {
      systemInstruction: { parts: [{ text: `slack ${slack}` }] },
      contents: [
        { role: 'model', parts: [{ functionCall: { name: 'pay', args: { key: stripe, n: 1 } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'pay', response: { echoed: stripe } } }] },
        { role: 'user', parts: [{ text: `my key ${aws}` }] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-leakgate-action')).toBe('redact');
    const seen = lastJson(s.fake.requests) as { systemInstruction: { parts: Obj[] }; contents: { parts: Obj[] }[] };
    expect(seen.systemInstruction.parts[0]?.text).toBe(`slack ${R(SLACK)}`);
    expect((seen.contents[0]?.parts[0]?.functionCall as Obj).args).toEqual({ key: R(STRIPE), n: 1 });
    expect(((seen.contents[1]?.parts[0]?.functionResponse as Obj).response as Obj).echoed).toBe(R(STRIPE));
    expect(seen.contents[2]?.parts[0]?.text).toBe(`my key ${R(AWS)}`);
    const body = (await res.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    expect(body.candidates[0]?.content.parts[0]?.text).toBe(`echo: my key ${R(AWS)}`);
    expectRow(requestIdOf(res.headers), 'request', 'redact', [AWS, STRIPE, SLACK]);
  });

  it('a private key in a prompt is blocked by the private-keys pack default, never forwarded', async () => {
    const pem = s.planted.pem();
    const before = s.fake.requests.length;
    const err = await s
      .openai()
      .chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `Here is my key:\n${pem}\nwhat is it?` }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e = err as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(e.message).toContain('private-key');
    expect(e.headers?.get('x-leakgate-action')).toBe('block');
    expect(s.fake.requests.length).toBe(before);
    expectRow(requestIdOf(e.headers), 'request', 'block', []);
  });
});

describe('multi-turn conversations', () => {
  it('a secret in an earlier turn is still redacted, on the first send and on the resend (verdict cache)', async () => {
    const gh = s.planted.github();
    const history = [
      { role: 'user' as const, content: `my token is ${gh}, keep it safe` },
      { role: 'assistant' as const, content: 'Noted.' },
      { role: 'user' as const, content: 'what was the weather?' },
    ];
    for (let turn = 0; turn < 3; turn++) {
      const msgs = [...history, ...Array.from({ length: turn }, (_, i) => ({ role: 'user' as const, content: `follow-up ${i}` }))];
      const { response } = await s.openai().chat.completions.create({ model: 'echo', messages: msgs }).withResponse();
      expect(response.headers.get('x-leakgate-action')).toBe('redact');
      const seen = lastJson(s.fake.requests) as { messages: { content: string }[] };
      expect(seen.messages[0]?.content).toBe(`my token is ${R(GH)}, keep it safe`);
      expect(seen.messages[2]?.content).toBe('what was the weather?');
      expectRow(requestIdOf(response.headers), 'request', 'redact', [GH]);
    }
  });

  it('Anthropic: secret in the first user turn of a long conversation', async () => {
    const aws = s.planted.aws();
    const messages = [{ role: 'user' as const, content: `key ${aws}` }];
    for (let i = 0; i < 6; i++) messages.push({ role: (i % 2 === 0 ? 'assistant' : 'user') as 'user', content: `turn ${i}` });
    messages.push({ role: 'user', content: 'summarise' });
    await s.anthropic().messages.create({ model: 'echo', max_tokens: 8, messages });
    const seen = lastJson(s.fake.requests) as { messages: { content: string }[] };
    expect(seen.messages[0]?.content).toBe(`key ${R(AWS)}`);
  });
});

describe('placeholders pass untouched', () => {
  const cases: [string, string, string[]][] = [
    ['the AWS docs example key', 'Use AKIAIOSFODNN7EXAMPLE as in the AWS docs', ['warn']],
    ['a Stripe test key', 'stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"', ['allow', 'warn']],
    ['a YOUR_API_KEY template', 'export OPENAI_API_KEY=YOUR_API_KEY\napi_key = "YOUR_API_KEY"', ['allow', 'warn']],
    ['a template variable', 'token: ${GITHUB_TOKEN}', ['allow', 'warn']],
  ];
  for (const [name, text, actions] of cases) {
    it(`${name}: forwarded byte for byte, x-leakgate-action ${actions.join('|')}`, async () => {
      const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: text }] });
      const res = await s.fetch(`${s.gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(200);
      expect(actions).toContain(res.headers.get('x-leakgate-action'));
      expect(s.fake.requests[s.fake.requests.length - 1]?.raw.toString('utf8')).toBe(body);
      const out = (await res.json()) as { choices: { message: { content: string } }[] };
      expect(out.choices[0]?.message.content).toBe(`echo: ${text}`);
    });
  }
});

describe('fail closed on what cannot be scanned', () => {
  it('an unparsable JSON body carrying a secret is refused and never forwarded', async () => {
    const aws = s.planted.aws();
    const before = s.upstreamRequests().length;
    for (const route of ['openai/v1/chat/completions', 'anthropic/v1/messages', 'gemini/v1beta/models/echo:generateContent']) {
      const res = await s.fetch(`${s.gw.url}/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"messages":[{"role":"user","content":"${aws}"` });
      expect(res.status, route).toBeGreaterThanOrEqual(400);
      expect(res.status, route).toBeLessThan(500);
      expect(res.headers.get('x-leakgate-action'), route).toMatch(/^(allow|warn|redact|block)$/);
      const text = await res.text();
      expect(text).not.toContain(aws);
    }
    expect(s.upstreamRequests().length).toBe(before);
  });

  it('a body in a content type that cannot be scanned is blocked (fail: closed) and audited as a failure', async () => {
    const slack = s.planted.slack();
    const before = s.upstreamRequests().length;
    const res = await s.fetch(`${s.gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `token ${slack}` });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-leakgate-action')).toBe('block');
    expect(await res.text()).not.toContain(slack);
    expect(s.upstreamRequests().length).toBe(before);
    const rows = s.rowsFor(requestIdOf(res.headers));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body.action).toBe('block');
    expect(rows[0]?.body.failure?.code).toBe('LG_ERR_SCAN_FAILED');
  });

  it('an unparsable JSON response body is not passed through (fail: closed)', async () => {
    const aws = s.planted.aws();
    s.script.respond = () => ({ raw: `{"choices":[{"message":{"content":"key ${aws}"`, contentType: 'application/json' });
    try {
      const err = await s.openai('s-openai').chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      const e = err as InstanceType<typeof OpenAI.APIError>;
      expect(e.status).toBe(403);
      expect(e.headers?.get('x-leakgate-action')).toBe('block');
      expect(String(e.message)).not.toContain(aws);
      const rows = s.rowsFor(requestIdOf(e.headers)).filter((r) => r.body.direction === 'response');
      expect(rows[0]?.body.failure).not.toBeNull();
    } finally {
      s.script.respond = (await import('./helpers/script-provider.js')).defaultReply;
    }
  });
});

describe('headers, audit and leaks', () => {
  it('x-leakgate-action was on every response this file received', () => {
    expect(s.seen.length).toBeGreaterThan(20);
    const bad = s.seen.filter((r) => !/^(allow|warn|redact|block)$/.test(r.action ?? ''));
    expect(bad).toEqual([]);
  });

  it('every audit row has a request id, a direction and an action; the chain holds no raw secret', () => {
    const rows = s.rows();
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      expect(r.body.request_id).toBeTruthy();
      expect(['request', 'response']).toContain(r.body.direction);
      expect(['allow', 'warn', 'redact', 'block']).toContain(r.body.action);
    }
    const report = leakReport(s);
    expect(report).toEqual({ provider: [], audit: [], logs: [] });
  });

  it('`leakgate audit export` lines carry request_id/direction/action/findings and no secret; `audit verify` passes', async () => {
    const out = join(tmpdir(), `lg-e2e-export-${process.pid}-${Date.now()}.jsonl`);
    try {
      const { rows } = await exportAuditLog(s.dbFile, out);
      expect(rows).toBe(s.rows().length);
      const text = readFileSync(out, 'utf8');
      for (const line of text.trim().split('\n')) {
        const row = JSON.parse(line) as { seq: number; time: string; request_id: string; route: string; direction: string; action: string; findings: { type: string; class: string; fingerprint: string }[] };
        expect(row.request_id).toBeTruthy();
        expect(['request', 'response']).toContain(row.direction);
        for (const f of row.findings) expect(f.fingerprint).toBeTruthy();
      }
      expect(s.planted.leaksIn(text)).toEqual([]);
      const report = await verifyAuditFile(s.dbFile);
      expect(report.ok).toBe(true);
    } finally {
      rmSync(out, { force: true });
    }
  });
});
