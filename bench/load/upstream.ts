// Load-test provider (its own process): OpenAI chat completions, streamed or not. It echoes the last
// user message, and when the request carries x-bench-reply-secret: <i> it also puts planted secret i
// into its answer (so the response path is exercised). It checks every request body it receives for
// any planted format and reports counts over IPC ('report').
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// Any planted format (see run.ts), anywhere in a request body, is a leak.
const LEAK = /AKIA[A-Z2-7]{16}|ghp_[A-Za-z0-9]{36}|sk_live_[A-Za-z0-9]{24}|xoxb-\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}/;
let secrets: string[] = [];
const stats = { requests: 0, streamed: 0, leaks: 0, leakSamples: [] as { id: string; prefix: string }[], ids: new Set<string>() };

const chunk = (content: string | null, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-load', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'load', choices: [{ index: 0, delta: content === null ? {} : { content }, logprobs: null, finish_reason: finish }] })}\n\n`;

function lastUser(body: string): string {
  try {
    const j = JSON.parse(body) as { messages?: { role: string; content: unknown }[] };
    const m = (j.messages ?? []).filter((x) => x.role === 'user').at(-1);
    return typeof m?.content === 'string' ? m.content : '';
  } catch {
    return '';
  }
}

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = Buffer.concat(parts).toString('utf8');
    stats.requests++;
    stats.ids.add(String(req.headers['x-request-id']));
    const leak = LEAK.exec(body);
    if (leak) {
      stats.leaks++;
      if (stats.leakSamples.length < 20) stats.leakSamples.push({ id: String(req.headers['x-request-id']), prefix: leak[0].slice(0, 5) });
    }
    const ri = req.headers['x-bench-reply-secret'];
    const extra = typeof ri === 'string' ? ` and here is ${secrets[Number(ri) % secrets.length]} for you` : '';
    const text = `echo: ${lastUser(body).slice(0, 200)}${extra}`;
    if (body.includes('"stream":true')) {
      stats.streamed++;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(chunk(''));
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += 6) pieces.push(text.slice(i, i + 6));
      let i = 0;
      const next = (): void => {
        if (res.destroyed) return;
        if (i < pieces.length) {
          // A few pieces per tick: several SSE chunks per response, split secrets included.
          res.write(pieces.slice(i, i + 4).map((p) => chunk(p)).join(''));
          i += 4;
          setImmediate(next);
          return;
        }
        res.end(chunk(null, 'stop') + 'data: [DONE]\n\n');
      };
      setImmediate(next);
      return;
    }
    const out = JSON.stringify({
      id: 'chatcmpl-load',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'load',
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.keepAliveTimeout = 60_000;
server.maxRequestsPerSocket = 0;

process.on('message', (m: { type: string; secrets?: string[] }) => {
  if (m.type === 'secrets') {
    secrets = m.secrets ?? [];
    server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port }));
  } else if (m.type === 'report') {
    process.send?.({ type: 'report', requests: stats.requests, streamed: stats.streamed, leaks: stats.leaks, leakSamples: stats.leakSamples, ids: [...stats.ids] });
  }
});
