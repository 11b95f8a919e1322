// Proxy overhead benchmark: direct upstream vs a plain undici pass-through proxy vs leakgate, same
// load, one run, loopback only, bounded time.
//   node --import tsx bench/proxy/run.ts [--duration 3] [--rounds 3] [--connections 10] [--seq 200]
//                                        [--long 8] [--guard real,rules,allow|all] [--no-direct]
// leakgate runs with the production guard (`real`: committed packs, every rule stage, the ONNX
// classifier on, SQLite audit in a temp dir), the same rule stages with the classifier and audit off
// (`rules`: issue 4's "all rule stages on") and/or an allow-all guard (`allow`: the proxy's own cost).
// --guard takes a comma-separated list; `all` (the default) runs the three. leakgate runs from the
// compiled dist/ (what `npm start` runs; refused when stale) unless LEAKGATE_BENCH_BUILD=src.
// Cases, each against every target in the same run:
//   chat      an 8 KB clean chat request (a unique id per request, so the verdict cache never answers
//             the new text: the system prompt repeats, the user message is new, as in real traffic)
//   secrets   the same 8 KB request carrying 5 synthetic secrets in real formats, generated at run time
//             (leakgate redacts them; the upstream reports how many markers it received: checked)
//   sse       a short clean stream (21 events)
//   long      a 4,000-token clean stream (one token per event): time to first byte and total time
// Throughput (autocannon, N connections) and CPU time per request of the proxy process, which is the
// load-independent figure on a shared machine; latency from sequential requests on one keep-alive
// connection (no queueing), so leakgate − pass-through is the time leakgate adds. Pass-through and
// leakgate run in alternating order each round; each figure is the median over rounds.
import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { benchProse, benchSecrets } from './secrets.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    seq: { type: 'string', default: '200' },
    long: { type: 'string', default: '8' },
    guard: { type: 'string', default: 'all' },
    'no-direct': { type: 'boolean', default: false },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const SEQ_N = Number(values.seq);
const LONG_N = Number(values.long);
const ROUNDS = Number(values.rounds);
type GuardName = 'real' | 'rules' | 'allow';
const GUARD_NAMES: readonly GuardName[] = ['real', 'rules', 'allow'];
const GUARDS: GuardName[] = values.guard === 'all' || values.guard === 'both' ? [...GUARD_NAMES] : (values.guard ?? '').split(',').map((g) => g.trim() as GuardName);
for (const g of GUARDS) if (!GUARD_NAMES.includes(g)) throw new Error(`--guard: unknown guard '${g}' (real, rules, allow or all)`);
const GUARD_LABEL: Record<GuardName, string> = {
  real: 'leakgate-real: production guard (committed packs, all rule stages, ONNX classifier on, SQLite audit)',
  rules: 'leakgate-rules: all rule stages on (committed packs), classifier and audit off',
  allow: 'leakgate-allow: allow-all guard (no detection)',
};

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

function start(script: string, args: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(here(script), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, url: `http://127.0.0.1:${(m as { port: number }).port}` }));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

// ---- request bodies (8 KB) ----
const SECRETS = benchSecrets();
const chatBody = (id: string, secrets: readonly string[] = []): string =>
  JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: benchProse(id, secrets) }] });
/** A body factory: the 8 KB text is built once; each request only gets a fresh id spliced in. */
function bodies(secrets: readonly string[]): () => string {
  const [pre, post] = chatBody('@ID@', secrets).split('@ID@') as [string, string];
  let n = 0;
  return () => `${pre}${process.pid}-${n++}${post}`;
}
const CHAT_AC = bodies([]);
const SECRETS_AC = bodies(SECRETS.map((x) => x.value));
const STREAM = JSON.stringify({ model: 'gpt-bench', stream: true, messages: [{ role: 'user', content: 'Say something short.' }] });
const LONG_STREAM = JSON.stringify({ model: 'long', stream: true, messages: [{ role: 'user', content: 'Write a long answer.' }] });
const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-not-a-key' };

// ---- measurements ----
interface LoadResult {
  rps: number;
  errors: number;
  /** CPU time (user+system) the proxy process spent per completed request, µs; null for direct. */
  cpuUsPerReq: number | null;
}
interface Pcts {
  p50: number;
  p99: number;
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

async function load(url: string, body: string | (() => string), proc: ChildProcess | null = null): Promise<LoadResult> {
  const cpu0 = await cpuOf(proc);
  const r = await autocannon({
    url,
    method: 'POST',
    headers: HEADERS,
    ...(typeof body === 'string' ? { body } : { requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] }),
    connections: CONNECTIONS,
    duration: DURATION,
  });
  const cpu1 = await cpuOf(proc);
  const done = r.requests.total;
  return {
    rps: r.requests.average,
    errors: r.errors + r.non2xx + r.timeouts,
    cpuUsPerReq: proc && done > 0 ? Math.round(((cpu1 - cpu0) / done) * 10) / 10 : null,
  };
}

function pcts(times: number[]): Pcts {
  const s = [...times].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
  return { p50: at(50), p99: at(99) };
}

/** Whole-request latency (ms), sequential on one keep-alive connection; a fresh id per request. */
async function seqLatency(url: string, secrets: readonly string[]): Promise<Pcts> {
  const agent = new Agent({ connections: 1 });
  const times: number[] = [];
  for (let i = 0; i < SEQ_N + 20; i++) {
    const body = chatBody(`seq-${process.hrtime.bigint()}`, secrets);
    const t0 = process.hrtime.bigint();
    const res = await request(url, { method: 'POST', dispatcher: agent, headers: HEADERS, body });
    await res.body.arrayBuffer();
    if (i >= 20) times.push(Number(process.hrtime.bigint() - t0) / 1e6); // first 20: warm-up
  }
  await agent.close();
  return pcts(times);
}

/** Time to the first body byte and to the end of a stream (ms), sequential requests. */
async function streamTimes(url: string, body: string, n: number, warm: number): Promise<{ ttfb: Pcts; total: Pcts; bytes: number }> {
  const agent = new Agent({ connections: 1 });
  const first: number[] = [];
  const total: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n + warm; i++) {
    const t0 = process.hrtime.bigint();
    const res = await request(url, { method: 'POST', dispatcher: agent, headers: HEADERS, body });
    let t1 = 0n;
    bytes = 0;
    for await (const c of res.body) {
      if (t1 === 0n) t1 = process.hrtime.bigint();
      bytes += (c as Buffer).length;
    }
    const t2 = process.hrtime.bigint();
    if (i >= warm) {
      first.push(Number(t1 - t0) / 1e6);
      total.push(Number(t2 - t0) / 1e6);
    }
  }
  await agent.close();
  return { ttfb: pcts(first), total: pcts(total), bytes };
}

/** The text a client would assemble from an OpenAI chat stream (to check the streams match). */
async function streamText(url: string, body: string): Promise<string> {
  const res = await request(url, { method: 'POST', headers: HEADERS, body });
  const raw = await res.body.text();
  let out = '';
  for (const line of raw.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const ev = JSON.parse(line.slice(6)) as { choices?: { delta?: { content?: string } }[] };
    out += ev.choices?.[0]?.delta?.content ?? '';
  }
  return out;
}

// ---- the run ----
const up = await start('upstream.ts');
const pass = await start('passthrough.ts', [up.url]);
const lgs = new Map<string, { child: ChildProcess; url: string }>();
for (const g of GUARDS) lgs.set(g, await start('leakgate.ts', [up.url, g]));

type Name = string;
const targets = new Map<Name, { url: string; proc: ChildProcess | null }>();
if (!values['no-direct']) targets.set('direct', { url: `${up.url}/v1/chat/completions`, proc: null });
targets.set('passthrough', { url: `${pass.url}/openai/v1/chat/completions`, proc: pass.child });
for (const [g, p] of lgs) targets.set(`leakgate-${g}`, { url: `${p.url}/openai/v1/chat/completions`, proc: p.child });
const names = [...targets.keys()];
const proxies = names.filter((n) => n !== 'direct');

interface Round {
  chat: LoadResult;
  secrets: LoadResult;
  sse: LoadResult;
  chatSeq: Pcts;
  secretsSeq: Pcts;
  sseTtfb: Pcts;
  longTtfb: Pcts;
  longTotal: Pcts;
}
const rounds = new Map<Name, Round[]>(names.map((n) => [n, []]));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const medLoad = (xs: LoadResult[]): LoadResult => ({
  rps: median(xs.map((x) => x.rps)),
  errors: xs.reduce((a, x) => a + x.errors, 0),
  cpuUsPerReq: xs[0]?.cpuUsPerReq === null ? null : median(xs.map((x) => x.cpuUsPerReq ?? 0)),
});
const medPcts = (xs: Pcts[]): Pcts => ({ p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)) });

const secretValues = SECRETS.map((x) => x.value);
async function measure(name: Name): Promise<void> {
  const { url, proc } = targets.get(name) as { url: string; proc: ChildProcess | null };
  const chat = await load(url, CHAT_AC, proc);
  const secrets = await load(url, SECRETS_AC, proc);
  const sse = await load(url, STREAM, proc);
  const chatSeq = await seqLatency(url, []);
  const secretsSeq = await seqLatency(url, secretValues);
  const sseTtfb = (await streamTimes(url, STREAM, SEQ_N, 20)).ttfb;
  const long = await streamTimes(url, LONG_STREAM, LONG_N, 2);
  rounds.get(name)?.push({ chat, secrets, sse, chatSeq, secretsSeq, sseTtfb, longTtfb: long.ttfb, longTotal: long.total });
}

const checks: Record<string, unknown> = {};
const t0 = Date.now();
try {
  // Correctness first: what the upstream received, and that the long stream arrives whole.
  const passLong = await streamText(targets.get('passthrough')?.url as string, LONG_STREAM);
  for (const n of proxies) {
    const r = await request(targets.get(n)?.url as string, { method: 'POST', headers: HEADERS, body: chatBody('check', secretValues) });
    await r.body.arrayBuffer();
    const long = await streamText(targets.get(n)?.url as string, LONG_STREAM);
    checks[n] = { status: r.statusCode, action: r.headers['x-leakgate-action'] ?? null, secretsRedactedUpstream: Number(r.headers['x-bench-redactions']), longStreamIdentical: long === passLong, longStreamChars: long.length };
  }
  for (const n of names) await load(targets.get(n)?.url as string, CHAT_AC).catch(() => undefined); // warm-up (JIT, pools)
  if (targets.has('direct')) await measure('direct');
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order so no proxy always runs first in a round.
    const order = proxies.map((_, i) => proxies[(i + r) % proxies.length] as Name);
    for (const name of order) await measure(name);
  }
} finally {
  up.child.kill();
  pass.child.kill();
  for (const p of lgs.values()) p.child.kill();
}
const elapsedS = Math.round((Date.now() - t0) / 1000);

const results: Record<Name, Round> = {};
for (const n of names) {
  const rs = rounds.get(n) as Round[];
  results[n] = {
    chat: medLoad(rs.map((r) => r.chat)),
    secrets: medLoad(rs.map((r) => r.secrets)),
    sse: medLoad(rs.map((r) => r.sse)),
    chatSeq: medPcts(rs.map((r) => r.chatSeq)),
    secretsSeq: medPcts(rs.map((r) => r.secretsSeq)),
    sseTtfb: medPcts(rs.map((r) => r.sseTtfb)),
    longTtfb: medPcts(rs.map((r) => r.longTtfb)),
    longTotal: medPcts(rs.map((r) => r.longTotal)),
  };
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;
const ms = (n: number): number => Math.round(n * 1000) / 1000;
const P = results.passthrough as Round;
const vsPassthrough: Record<string, Record<string, number>> = {};
for (const n of proxies.filter((x) => x !== 'passthrough')) {
  const L = results[n] as Round;
  vsPassthrough[n] = {
    // Throughput: median req/s ratio (noisy on a shared machine) and CPU per request, pass-through /
    // leakgate: the throughput ratio leakgate reaches when both are CPU-bound on the same core.
    chatRps: ratio(L.chat.rps, P.chat.rps),
    chatCpu: ratio(P.chat.cpuUsPerReq ?? 0, L.chat.cpuUsPerReq ?? 1),
    secretsRps: ratio(L.secrets.rps, P.secrets.rps),
    secretsCpu: ratio(P.secrets.cpuUsPerReq ?? 0, L.secrets.cpuUsPerReq ?? 1),
    sseRps: ratio(L.sse.rps, P.sse.rps),
    sseCpu: ratio(P.sse.cpuUsPerReq ?? 0, L.sse.cpuUsPerReq ?? 1),
    // Added latency (ms), sequential requests.
    chatAddedP50: ms(L.chatSeq.p50 - P.chatSeq.p50),
    chatAddedP99: ms(L.chatSeq.p99 - P.chatSeq.p99),
    secretsAddedP50: ms(L.secretsSeq.p50 - P.secretsSeq.p50),
    secretsAddedP99: ms(L.secretsSeq.p99 - P.secretsSeq.p99),
    sseTtfbAddedP50: ms(L.sseTtfb.p50 - P.sseTtfb.p50),
    longTtfbAddedP50: ms(L.longTtfb.p50 - P.longTtfb.p50),
    longTotalAddedP50: ms(L.longTotal.p50 - P.longTotal.p50),
    longTotalRatio: ratio(L.longTotal.p50, P.longTotal.p50),
  };
}

const summary = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  settings: {
    durationS: DURATION,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    sequentialRequests: SEQ_N,
    longStreams: LONG_N,
    elapsedS,
    guards: GUARDS.map((g) => GUARD_LABEL[g]),
    secretKinds: SECRETS.map((x) => x.kind),
    build: process.env.LEAKGATE_BENCH_BUILD ?? 'dist',
  },
  checks,
  results,
  vsPassthrough,
};

const row = (cells: (string | number)[]): string => cells.map((c, i) => String(c).padEnd(i === 0 ? 15 : 10)).join(' ');
const f = (n: number, d = 2): string => n.toFixed(d);
const cpu = (v: number | null): string => (v === null ? '-' : `${f(v, 0)}µs`);
const pp = (p: Pcts): string => `${f(p.p50)}/${f(p.p99)}`;
console.log(row(['target', 'chat rps', 'chat cpu', 'chat ms', 'sec rps', 'sec cpu', 'sec ms', 'sse rps', 'sse cpu', 'sse ttfb', 'long ttfb', 'long total', 'errors']));
console.log(row(['', '', '/req', 'p50/p99', '', '/req', 'p50/p99', '', '/req', 'p50/p99', 'p50/p99', 'p50/p99', '']));
for (const n of names) {
  const r = results[n] as Round;
  console.log(
    row([n, f(r.chat.rps, 0), cpu(r.chat.cpuUsPerReq), pp(r.chatSeq), f(r.secrets.rps, 0), cpu(r.secrets.cpuUsPerReq), pp(r.secretsSeq), f(r.sse.rps, 0), cpu(r.sse.cpuUsPerReq), pp(r.sseTtfb), pp(r.longTtfb), pp(r.longTotal), r.chat.errors + r.secrets.errors + r.sse.errors]),
  );
}
console.log(JSON.stringify(summary, null, 2));
