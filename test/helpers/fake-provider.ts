// An in-test LLM provider on a real socket (port 0) that speaks the OpenAI chat/embeddings/models,
// Anthropic messages and Gemini generateContent wire formats, streaming and not. It records every
// request it receives (headers, raw body, whether the client went away) so tests can assert exactly
// what the provider saw. Behaviour is chosen by the model name:
//   'echo' (default)      reply "echo: <last user text>"
//   'tools'               a tool/function call (arguments streamed in pieces)
//   'rate-limit'          429 with Retry-After: 7 and rate-limit headers, provider error body
//   'server-error'        500, provider error body
//   'reset'               stream: a few events then the socket is destroyed (non-stream: destroyed at once)
//   'stall'               stream: headers and one event, then nothing; non-stream: no answer at all
//   'gzip'                JSON or SSE compressed with gzip although the client asked for identity
//   'slow'                stream: one event every 50 ms (for drain / abort tests)
// `provider.replyText` overrides the echoed text for the next responses (tests of the response path).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createGzip, gzipSync } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw body bytes as received. */
  raw: Buffer;
  /** Body parsed as JSON, when it is. */
  json: unknown;
  /** The connection closed before the response finished (client or proxy aborted). */
  aborted: boolean;
  /** The response finished. */
  finished: boolean;
}

export interface FakeProvider {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Text to answer with instead of the echo (null: echo). */
  replyText: string | null;
  /** Characters per streamed text delta (default 4). */
  chunkChars: number;
  /** Resolves when `n` requests were recorded and (if `settled`) each finished or aborted. */
  waitFor(n: number, settled?: boolean): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** Text of the last user message (string content or text parts), per wire format. */
function lastUserText(body: Obj): string {
  const fromParts = (parts: Json | undefined, key: string): string =>
    typeof parts === 'string'
      ? parts
      : Array.isArray(parts)
        ? parts.map((p) => (typeof obj(p)[key] === 'string' ? (obj(p)[key] as string) : '')).join('')
        : '';
  if (Array.isArray(body.messages)) {
    const users = body.messages.map(obj).filter((m) => m.role === 'user');
    const last = users[users.length - 1];
    return last ? fromParts(last.content, 'text') : '';
  }
  if (Array.isArray(body.contents)) {
    const last = obj(body.contents[body.contents.length - 1]);
    return fromParts(last.parts, 'text');
  }
  return '';
}

function pieces(text: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
  return out.length ? out : [''];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Plan {
  api: 'openai' | 'anthropic' | 'gemini';
  kind: 'chat' | 'models' | 'embeddings';
  model: string;
  stream: boolean;
  text: string;
}

function planFor(req: IncomingMessage, body: Obj, replyText: string | null): Plan | null {
  const url = new URL(req.url ?? '/', 'http://x');
  const p = url.pathname;
  if (p.endsWith('/chat/completions')) {
    return { api: 'openai', kind: 'chat', model: String(body.model ?? 'echo'), stream: body.stream === true, text: replyText ?? `echo: ${lastUserText(body)}` };
  }
  if (p.endsWith('/embeddings')) return { api: 'openai', kind: 'embeddings', model: String(body.model ?? 'echo'), stream: false, text: '' };
  if (p.endsWith('/models') && req.method === 'GET') return { api: 'openai', kind: 'models', model: 'echo', stream: false, text: '' };
  if (p.endsWith('/messages')) {
    return { api: 'anthropic', kind: 'chat', model: String(body.model ?? 'echo'), stream: body.stream === true, text: replyText ?? `echo: ${lastUserText(body)}` };
  }
  const g = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(p);
  if (g) {
    return { api: 'gemini', kind: 'chat', model: g[1] as string, stream: g[2] === 'streamGenerateContent', text: replyText ?? `echo: ${lastUserText(body)}` };
  }
  return null;
}

function errorBody(api: Plan['api'], status: number, message: string): Obj {
  if (api === 'anthropic') return { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } };
  if (api === 'gemini') return { error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } };
  return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}, gzip = false): void {
  let data = Buffer.from(JSON.stringify(body));
  const h: Record<string, string | number> = { 'content-type': 'application/json', ...headers };
  if (gzip) {
    data = gzipSync(data);
    h['content-encoding'] = 'gzip';
  }
  h['content-length'] = data.length;
  res.writeHead(status, h);
  res.end(data);
}

/* ---- whole responses ---- */

function wholeResponse(plan: Plan): Json {
  const tools = plan.model === 'tools';
  const args = JSON.stringify({ city: 'Paris', note: plan.text });
  if (plan.api === 'openai') {
    const message: Obj = tools
      ? { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: args } }] }
      : { role: 'assistant', content: plan.text, refusal: null };
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: plan.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: tools ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
    };
  }
  if (plan.api === 'anthropic') {
    const content: Json[] = tools
      ? [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', note: plan.text } }]
      : [{ type: 'text', text: plan.text }];
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content,
      stop_reason: tools ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 5 },
    };
  }
  const part: Obj = tools ? { functionCall: { name: 'get_weather', args: { city: 'Paris', note: plan.text } } } : { text: plan.text };
  return {
    candidates: [{ content: { parts: [part], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 5, totalTokenCount: 8 },
    modelVersion: plan.model,
  };
}

/* ---- streams: a list of SSE wire strings ---- */

const sse = (data: Json, event?: string): string => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

function streamEvents(plan: Plan, chunk: number): string[] {
  const tools = plan.model === 'tools';
  const args = JSON.stringify({ city: 'Paris', note: plan.text });
  const out: string[] = [];
  if (plan.api === 'openai') {
    const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model: plan.model };
    const choice = (delta: Obj, finish: string | null = null): Obj => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    if (tools) {
      out.push(sse(choice({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] })));
      for (const p of pieces(args, chunk)) out.push(sse(choice({ tool_calls: [{ index: 0, function: { arguments: p } }] })));
      out.push(sse(choice({}, 'tool_calls')));
    } else {
      out.push(sse(choice({ role: 'assistant', content: '', refusal: null })));
      for (const p of pieces(plan.text, chunk)) out.push(sse(choice({ content: p })));
      out.push(sse(choice({}, 'stop')));
    }
    out.push('data: [DONE]\n\n');
    return out;
  }
  if (plan.api === 'anthropic') {
    out.push(
      sse(
        { type: 'message_start', message: { id: 'msg_fake', type: 'message', role: 'assistant', model: plan.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } },
        'message_start',
      ),
    );
    if (tools) {
      out.push(sse({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } }, 'content_block_start'));
      for (const p of pieces(args, chunk)) out.push(sse({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: p } }, 'content_block_delta'));
    } else {
      out.push(sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'));
      out.push(sse({ type: 'ping' }, 'ping'));
      for (const p of pieces(plan.text, chunk)) out.push(sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } }, 'content_block_delta'));
    }
    out.push(sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
    out.push(sse({ type: 'message_delta', delta: { stop_reason: tools ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }, 'message_delta'));
    out.push(sse({ type: 'message_stop' }, 'message_stop'));
    return out;
  }
  if (tools) {
    out.push(sse({ candidates: [{ content: { parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris', note: plan.text } } }], role: 'model' }, finishReason: 'STOP', index: 0 }] }));
    return out;
  }
  const parts = pieces(plan.text, chunk);
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    out.push(
      sse({
        candidates: [{ content: { parts: [{ text: p }], role: 'model' }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
        ...(last ? { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 5, totalTokenCount: 8 } } : {}),
        modelVersion: plan.model,
      }),
    );
  });
  return out;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: (() => void)[] = [];
  const notify = (): void => {
    for (const w of waiters.splice(0)) w();
  };

  const state: { replyText: string | null; chunkChars: number } = { replyText: null, chunkChars: 4 };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    let json: unknown;
    try {
      json = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, json, aborted: false, finished: false };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
      else rec.finished = true;
      notify();
    });
    notify();

    const plan = planFor(req, obj(json), state.replyText);
    if (!plan) {
      sendJson(res, 404, { error: { message: `fake provider: no such path ${req.url}`, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    if (plan.kind === 'models') {
      sendJson(res, 200, { object: 'list', data: [{ id: 'echo', object: 'model', created: 1, owned_by: 'fake' }] });
      return;
    }
    if (plan.kind === 'embeddings') {
      sendJson(res, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model: plan.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
      return;
    }
    switch (plan.model) {
      case 'rate-limit':
        sendJson(res, 429, errorBody(plan.api, 429, 'Rate limit reached (fake)'), {
          'retry-after': '7',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-limit-requests': '60',
          'anthropic-ratelimit-requests-remaining': '0',
        });
        return;
      case 'server-error':
        sendJson(res, 500, errorBody(plan.api, 500, 'The server had an error (fake)'));
        return;
      case 'stall':
        if (plan.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write((streamEvents(plan, state.chunkChars)[0] as string));
        }
        return; // never ends
      case 'reset':
        if (!plan.stream) {
          req.socket.destroy();
          return;
        }
        break;
      default:
        break;
    }
    if (!plan.stream) {
      sendJson(res, 200, wholeResponse(plan), { 'x-request-id-seen': String(req.headers['x-request-id'] ?? '') }, plan.model === 'gzip');
      return;
    }
    const events = streamEvents(plan, state.chunkChars);
    if (plan.model === 'gzip') {
      // A compressed stream the client did not ask for, flushed per event.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      const gz = createGzip();
      gz.pipe(res);
      for (const e of events) {
        gz.write(e);
        await new Promise<void>((r) => gz.flush(() => r()));
      }
      gz.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (plan.model === 'reset' && i === 3) {
        req.socket.destroy();
        return;
      }
      res.write(events[i] as string);
      // Let each event leave as its own chunk so the proxy sees real incremental input.
      await sleep(plan.model === 'slow' ? 50 : 1);
    }
    res.end();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const provider: FakeProvider = {
    url: `http://127.0.0.1:${port}`,
    requests,
    get replyText() {
      return state.replyText;
    },
    set replyText(v: string | null) {
      state.replyText = v;
    },
    get chunkChars() {
      return state.chunkChars;
    },
    set chunkChars(v: number) {
      state.chunkChars = v;
    },
    waitFor(n: number, settled = false): Promise<RecordedRequest[]> {
      const ok = (): boolean => requests.length >= n && (!settled || requests.slice(0, n).every((r) => r.aborted || r.finished));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake provider: waited for ${n} requests, saw ${requests.length}`)), 10_000);
        const check = (): void => {
          if (ok()) {
            clearTimeout(timer);
            resolve(requests.slice(0, n));
          } else waiters.push(check);
        };
        check();
      });
    },
    close(): Promise<void> {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
  return provider;
}
