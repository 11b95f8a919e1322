// Proxy overhead benchmark: direct upstream vs a plain undici pass-through proxy vs leakgate
// (allow-all guard), same load, one run, loopback only, bounded time.
//   node --import tsx bench/proxy/run.ts [--duration 4] [--rounds 3] [--connections 10] [--ttfb 300] [--guard allow|real]
// Cases: an 8 KB chat request (autocannon: req/s, p50, p99) and a clean SSE stream (autocannon for
// req/s and whole-stream latency; a sequential loop for time to first body byte). Prints a table and
// a JSON result with leakgate/pass-through ratios. The machine is shared, so pass-through and leakgate
// are measured in alternating rounds and each figure is the median over rounds (direct: one round).
import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    ttfb: { type: 'string', default: '300' },
    guard: { type: 'string', default: 'allow' },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const TTFB_N = Number(values.ttfb);
const ROUNDS = Number(values.rounds);

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

function start(script: string, args: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(here(script), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, url: `http://127.0.0.1:${(m as { port: number }).port}` }));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

const words = 'please review this function and explain what the loop does when the input list is empty '.split(' ');
let content = '';
for (let i = 0; content.length < 8000; i++) content += `${words[i % words.length]} `;
const CHAT = JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content }] });
const STREAM = JSON.stringify({ model: 'gpt-bench', stream: true, messages: [{ role: 'user', content: 'Say something short.' }] });

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time (user+system) the proxy process spent per completed request, µs; null for direct. */
  cpuUsPerReq: number | null;
}

function cpuOf(child: ChildProcess | null): Promise<number> {
  if (!child) return Promise.resolve(0);
  return new Promise((resolve) => {
    const on = (m: unknown): void => {
      if (m && typeof m === 'object' && 'cpuUs' in m) {
        child.off('message', on);
        resolve((m as { cpuUs: number }).cpuUs);
      }
    };
    child.on('message', on);
    child.send('cpu');
  });
}

async function load(url: string, body: string, proc: ChildProcess | null = null): Promise<LoadResult> {
  const cpu0 = await cpuOf(proc);
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-not-a-key' },
    body,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  const cpu1 = await cpuOf(proc);
  const done = r.requests.total;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
    cpuUsPerReq: proc && done > 0 ? Math.round(((cpu1 - cpu0) / done) * 10) / 10 : null,
  };
}

/** Time to the first body byte of an SSE response, sequential requests on a keep-alive connection. */
async function ttfb(url: string): Promise<{ p50: number; p99: number }> {
  const agent = new Agent({ connections: 1 });
  const times: number[] = [];
  for (let i = 0; i < TTFB_N + 20; i++) {
    const t0 = process.hrtime.bigint();
    const res = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: STREAM });
    let first = 0n;
    for await (const _ of res.body) {
      if (first === 0n) first = process.hrtime.bigint();
    }
    if (i >= 20) times.push(Number(first - t0) / 1e6); // first 20: warm-up
  }
  await agent.close();
  times.sort((a, b) => a - b);
  const pct = (p: number): number => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] as number;
  return { p50: pct(50), p99: pct(99) };
}

const up = await start('upstream.ts');
const pass = await start('passthrough.ts', [up.url]);
const GUARD = values.guard === 'real' ? 'real' : 'allow';
const lg = await start('leakgate.ts', [up.url, GUARD]);
const targets = { direct: `${up.url}/v1/chat/completions`, passthrough: `${pass.url}/openai/v1/chat/completions`, leakgate: `${lg.url}/openai/v1/chat/completions` };

type Name = keyof typeof targets;
interface Round {
  chat: LoadResult;
  sse: LoadResult;
  ttfb: { p50: number; p99: number };
}
const rounds: Record<Name, Round[]> = { direct: [], passthrough: [], leakgate: [] };
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const medianLoad = (xs: LoadResult[]): LoadResult => ({
  rps: median(xs.map((x) => x.rps)),
  p50: median(xs.map((x) => x.p50)),
  p99: median(xs.map((x) => x.p99)),
  errors: xs.reduce((a, x) => a + x.errors, 0),
  cpuUsPerReq: xs[0]?.cpuUsPerReq === null ? null : median(xs.map((x) => x.cpuUsPerReq ?? 0)),
});
async function measure(name: Name): Promise<void> {
  const url = targets[name];
  const proc = name === 'direct' ? null : name === 'passthrough' ? pass.child : lg.child;
  const chat = await load(url, CHAT, proc);
  const sse = await load(url, STREAM, proc);
  const t = await ttfb(url);
  rounds[name].push({ chat, sse, ttfb: t });
}
try {
  for (const name of Object.keys(targets) as Name[]) await load(targets[name], CHAT).catch(() => undefined); // warm-up (JIT, pools)
  await measure('direct');
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so neither proxy always runs first in a round.
    const order: Name[] = r % 2 === 0 ? ['passthrough', 'leakgate'] : ['leakgate', 'passthrough'];
    for (const name of order) await measure(name);
  }
} finally {
  for (const c of [up, pass, lg]) c.child.kill();
}
const results = {} as Record<Name, Round>;
for (const name of Object.keys(targets) as Name[]) {
  const rs = rounds[name];
  results[name] = {
    chat: medianLoad(rs.map((r) => r.chat)),
    sse: medianLoad(rs.map((r) => r.sse)),
    ttfb: { p50: median(rs.map((r) => r.ttfb.p50)), p99: median(rs.map((r) => r.ttfb.p99)) },
  };
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;
const L = results.leakgate;
const P = results.passthrough;
const summary = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  settings: { durationS: DURATION, rounds: ROUNDS, connections: CONNECTIONS, ttfbRequests: TTFB_N, guard: GUARD === 'real' ? 'production guard (packs + model + SQLite audit)' : 'allow-all (no detection)' },
  results,
  perRoundRps: Object.fromEntries((Object.keys(targets) as Name[]).map((n) => [n, rounds[n].map((r) => ({ chat: Math.round(r.chat.rps), sse: Math.round(r.sse.rps) }))])),
  leakgateVsPassthrough: {
    chatRps: ratio(L.chat.rps, P.chat.rps),
    chatP50: ratio(L.chat.p50, P.chat.p50),
    chatP99: ratio(L.chat.p99, P.chat.p99),
    sseRps: ratio(L.sse.rps, P.sse.rps),
    sseP50: ratio(L.sse.p50, P.sse.p50),
    sseTtfbP50: ratio(L.ttfb.p50, P.ttfb.p50),
    sseTtfbP99: ratio(L.ttfb.p99, P.ttfb.p99),
    addedTtfbP50Ms: Math.round((L.ttfb.p50 - P.ttfb.p50) * 1000) / 1000,
    // CPU per request is the load-independent figure on a shared machine: pass-through/leakgate,
    // i.e. the throughput ratio leakgate would reach when both are CPU-bound on the same core.
    chatCpuRatio: ratio(P.chat.cpuUsPerReq ?? 0, L.chat.cpuUsPerReq ?? 1),
    sseCpuRatio: ratio(P.sse.cpuUsPerReq ?? 0, L.sse.cpuUsPerReq ?? 1),
  },
};

const row = (cells: (string | number)[]): string => cells.map((c, i) => String(c).padEnd(i === 0 ? 13 : 11)).join(' ');
const f = (n: number, d = 2): string => n.toFixed(d);
console.log(row(['target', 'chat rps', 'chat p50', 'chat p99', 'chat cpu/req', 'sse rps', 'sse p50', 'sse cpu/req', 'ttfb p50', 'ttfb p99', 'errors']));
for (const name of Object.keys(targets) as Name[]) {
  const r = results[name];
  const cpu = (v: number | null): string => (v === null ? '-' : `${f(v, 0)}µs`);
  console.log(
    row([name, f(r.chat.rps, 0), `${r.chat.p50}ms`, `${r.chat.p99}ms`, cpu(r.chat.cpuUsPerReq), f(r.sse.rps, 0), `${r.sse.p50}ms`, cpu(r.sse.cpuUsPerReq), `${f(r.ttfb.p50, 3)}ms`, `${f(r.ttfb.p99, 3)}ms`, r.chat.errors + r.sse.errors]),
  );
}
console.log(JSON.stringify(summary, null, 2));
