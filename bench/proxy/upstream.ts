// Benchmark upstream: answers any path. A body containing "stream":true gets a clean OpenAI-style SSE
// stream (20 small deltas + [DONE], written without delays); anything else a small chat completion.
// Runs as its own process so it never shares an event loop with the proxy being measured.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The quick brown fox jumps over the lazy dog.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 2000, completion_tokens: 10, total_tokens: 2010 },
});

const chunk = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;

const WORDS = 'The quick brown fox jumps over the lazy dog and keeps on running far away'.split(' ');
const FIRST = chunk({ role: 'assistant', content: '' });
const REST = [...WORDS.slice(0, 19).map((w) => chunk({ content: `${w} ` })), chunk({}, 'stop'), 'data: [DONE]\n\n'].join('');

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = Buffer.concat(parts).toString();
    if (body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(FIRST);
      // The rest in the next tick: a separate chunk, like a real token stream.
      setImmediate(() => res.end(REST));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) });
    res.end(COMPLETION);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));

// The runner asks for CPU time around each load phase: CPU per request is robust to a busy machine.
process.on('message', (m) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ cpuUs: u.user + u.system });
  }
});
