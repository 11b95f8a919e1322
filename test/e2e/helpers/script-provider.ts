// A second in-test upstream whose answers the test writes event by event: for stream shapes the
// shared fake provider does not produce (a secret cut at one exact point, the last text and the
// finish marker in one event, non-JSON SSE data, an unparsable JSON body) and for the OpenAI
// Responses and legacy completions routes. Records every request like test/helpers/fake-provider.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RecordedRequest } from '../../helpers/fake-provider.js';

export interface ScriptReply {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body (application/json). */
  json?: unknown;
  /** A raw body with `contentType` (default application/json). */
  raw?: string;
  contentType?: string;
  /** SSE wire strings, each written as its own chunk (1 ms apart). */
  sse?: string[];
}

export type Responder = (req: RecordedRequest) => ScriptReply;

export interface ScriptProvider {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** How the next requests are answered (default: `defaultReply`). */
  respond: Responder;
  close(): Promise<void>;
}

export const sseData = (data: unknown, event?: string): string => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

function lastUserText(body: Record<string, unknown>): string {
  const input = body['input'];
  if (typeof input === 'string') return input;
  const prompt = body['prompt'];
  if (typeof prompt === 'string') return prompt;
  return '';
}

/** Echo answers for the OpenAI Responses and legacy completions routes. */
export function defaultReply(req: RecordedRequest): ScriptReply {
  const body = (req.json ?? {}) as Record<string, unknown>;
  const text = `echo: ${lastUserText(body)}`;
  if (req.url.endsWith('/responses')) {
    return {
      json: {
        id: 'resp_fake',
        object: 'response',
        created_at: 1_700_000_000,
        status: 'completed',
        model: String(body['model'] ?? 'echo'),
        output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
        usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
      },
    };
  }
  if (req.url.endsWith('/completions')) {
    return {
      json: {
        id: 'cmpl-fake',
        object: 'text_completion',
        created: 1_700_000_000,
        model: String(body['model'] ?? 'echo'),
        choices: [{ text, index: 0, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    };
  }
  return { status: 404, json: { error: { message: `script provider: nothing scripted for ${req.url}`, type: 'invalid_request_error', param: null, code: null } } };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startScriptProvider(): Promise<ScriptProvider> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const state: { respond: Responder } = { respond: defaultReply };

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
      if (res.writableFinished) rec.finished = true;
      else rec.aborted = true;
    });
    const reply = state.respond(rec);
    const status = reply.status ?? 200;
    if (reply.sse) {
      res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
      for (const ev of reply.sse) {
        if (res.destroyed) return;
        res.write(ev);
        await sleep(1);
      }
      res.end();
      return;
    }
    const body = Buffer.from(reply.raw ?? JSON.stringify(reply.json ?? {}));
    res.writeHead(status, { 'content-type': reply.contentType ?? 'application/json', 'content-length': body.length, ...reply.headers });
    res.end(body);
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
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get respond() {
      return state.respond;
    },
    set respond(r: Responder) {
      state.respond = r;
    },
    close(): Promise<void> {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
