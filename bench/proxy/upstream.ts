// Benchmark upstream: answers any path. A body containing "stream":true gets a clean OpenAI-style SSE
// stream: with "model":"long" 4,000 one-token deltas (written as fast as the socket takes them, 50
// events a tick), otherwise 20 small deltas + [DONE]; anything else a small chat completion. Every
// answer says in `x-bench-redactions` how many '[REDACTED:' markers the request body held, so the
// runner can check that the proxy under test really redacted the planted secrets.
// Runs as its own process so it never shares an event loop with the proxy being measured.
import { createServer, type ServerResponse } from 'node:http';
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

// The long stream: ordinary prose, one word (≈ one token) per event, with punctuation and numbers.
export const LONG_TOKENS = 4000;
const PROSE = (
  'When the input list is empty the loop body never runs, so the function returns the initial value ' +
  'unchanged. In version 2 of the API, 3 retries are attempted before the call fails; see section 4.1 ' +
  'for the timeout rules, and note that each retry doubles the wait.'
).split(' ');
const LONG: string[] = [];
for (let i = 0; i < LONG_TOKENS; i++) LONG.push(chunk({ content: `${PROSE[i % PROSE.length]} ` }));
LONG.push(chunk({}, 'stop'), 'data: [DONE]\n\n');

function writeLong(res: ServerResponse): void {
  res.write(FIRST);
  let i = 0;
  const step = (): void => {
    const stop = Math.min(LONG.length, i + 50);
    for (; i < stop; i++) res.write(LONG[i] as string);
    if (i < LONG.length) setImmediate(step);
    else res.end();
  };
  setImmediate(step);
}

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = Buffer.concat(parts).toString();
    res.setHeader('x-bench-redactions', String(body.split('[REDACTED:').length - 1));
    if (body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (body.includes('"model":"long"')) {
        writeLong(res);
        return;
      }
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
