// Load test: leakgate (built CLI from dist/, its own process) between 500 concurrent clients and a fake
// provider (another process), loopback only, bounded in time. Traffic mixes clean and secret-bearing
// requests, streamed and not, some with a secret in the provider's answer. Reports errors, leaks
// (provider side, client side, leakgate's log output), p50/p99 latency, leakgate's RSS over time
// (first vs last 10 s), and after a graceful stop: audit verify + every request's two rows present.
//   node --import tsx bench/load/run.ts [--duration 60] [--warmup 15] [--connections 500] [--build] [--no-model] [--no-audit]
// --warmup: seconds of the same load before the measured window (JIT, pools, bounded caches filling);
// every request of the warm-up still counts for errors, leaks and audit rows, only latency and RSS
// are taken from the measured window.
// --build runs `npm run build` first; without it a stale dist/ is only reported.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { stringify } from 'yaml';
import { committedPacksDir } from '../../test/hostile/helpers/packs.js';
import { plant } from '../../test/hostile/helpers/secrets.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    // Diagnosis: run the gateway without the classifier stage (rules only) to split memory or CPU by stage.
    'no-model': { type: 'boolean', default: false },
    // Diagnosis: the audit log off (the audit checks then fail by design).
    'no-audit': { type: 'boolean', default: false },
    connections: { type: 'string', default: '500' },
    build: { type: 'boolean', default: false },
    // Node/V8 flags for the gateway process (e.g. '--max-semi-space-size=64'), space-separated.
    'node-flags': { type: 'string', default: '' },
  },
});
const DURATION_S = Number(values.duration);
const WARMUP_S = Number(values.warmup);
const CLIENTS = Number(values.connections);
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'leakgate.js');

// Any of the planted formats, anywhere: a hit in what the provider, the client or the log saw is a leak.
const LEAK = /AKIA[A-Z2-7]{16}|ghp_[A-Za-z0-9]{36}|sk_live_[A-Za-z0-9]{24}|xoxb-\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}/;

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}
if (values.build) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('npm run build failed');
}
const distStale = newestMtime(join(ROOT, 'src')) > statSync(join(ROOT, 'dist', 'main.js')).mtimeMs;
if (distStale) {
  process.stderr.write('bench/load: warning: dist/ is older than src/ (run with --build to rebuild)\n');
}

// Planted secrets (synthetic, real formats). PEM keys are blocked by policy, so the load uses the redacted kinds.
const KINDS = ['aws', 'github', 'stripe', 'slack'] as const;
const secrets = Array.from({ length: 400 }, (_, i) => plant(KINDS[i % KINDS.length] as (typeof KINDS)[number]).value);

const dir = mkdtempSync(join(tmpdir(), 'lg-load-'));
const dbFile = join(dir, 'audit.db');
const cfgFile = join(dir, 'leakgate.yaml');
const logFile = join(dir, 'leakgate.log');

const upstream: ChildProcess = fork(fileURLToPath(new URL('upstream.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const upPort = await new Promise<number>((res) => {
  upstream.on('message', (m: { type: string; port?: number }) => {
    if (m.type === 'listening') res(m.port as number);
  });
  upstream.send({ type: 'secrets', secrets });
});
writeFileSync(
  cfgFile,
  stringify({
    server: { host: '127.0.0.1', port: 0 },
    upstreams: { openai: { url: `http://127.0.0.1:${upPort}`, api: 'openai', connections: 256 } },
    detect: { packs: [committedPacksDir()], watch: false },
    ...(values['no-model'] ? { model: { enabled: false } } : {}),
    audit: { db: dbFile, ...(values['no-audit'] ? { enabled: false } : {}) },
    log: { level: 'info' },
  }),
);

// leakgate logs straight into a file, as under a container runtime or journald: the bench process is
// busy driving 500 clients, and a pipe it reads late would make leakgate buffer (and, past
// log.maxBufferBytes, drop) log lines — the bench's slowness, not the gateway's memory.
const logFd = openSync(logFile, 'w');
const nodeFlags = (values['node-flags'] ?? '').split(' ').filter(Boolean);
const lg = spawn(process.execPath, [...nodeFlags, BIN, 'serve', '--config', cfgFile], { stdio: ['ignore', logFd, logFd], env: { ...process.env, LEAKGATE_PORT: '' } });
closeSync(logFd);
const lgExit = new Promise<number | null>((r) => lg.once('exit', (c) => r(c)));
const lgPort = await new Promise<number>((res, rej) => {
  const deadline = Date.now() + 30_000;
  const poll = setInterval(() => {
    const head = readFileSync(logFile, 'utf8').slice(0, 100_000);
    const m = /"port":(\d+)[^\n]*"msg":"leakgate listening"/.exec(head);
    if (m) {
      clearInterval(poll);
      res(Number(m[1]));
    } else if (Date.now() > deadline || lg.exitCode !== null) {
      clearInterval(poll);
      rej(new Error(`leakgate did not start: ${head.slice(-400)}`));
    }
  }, 100);
});

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
const rss: { t: number; mb: number }[] = [];
// RSS split by kind (anonymous = malloc/V8 heaps, file = mapped files and code, shmem = SQLite's
// WAL index): says which allocator a climb belongs to.
function rssKindsMb(pid: number): { anon: number; file: number; shmem: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / 1024;
  const anon = kb('Anonymous');
  const shmem = kb('Pss_Shmem');
  return { anon: Math.round(anon), file: Math.round(kb('Rss') - anon - shmem), shmem: Math.round(shmem) };
}
const rssKinds: { t: number; anon: number; file: number; shmem: number }[] = [];
// The main thread's V8 heap and external memory from leakgate's own /metrics: tells JS-heap growth
// (retained objects) from native growth (SQLite, onnxruntime, the model worker) when RSS moves.
const heap: { t: number; usedMb: number; totalMb: number; externalMb: number }[] = [];
async function sampleHeap(t: number): Promise<void> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${lgPort}/metrics`)).text();
    const num = (name: string): number => Number(new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN) / 1048576;
    heap.push({ t, usedMb: Math.round(num('leakgate_nodejs_heap_size_used_bytes')), totalMb: Math.round(num('leakgate_nodejs_heap_size_total_bytes')), externalMb: Math.round(num('leakgate_nodejs_external_memory_bytes')) });
  } catch {
    // a missed sample is not a result
  }
}
const pool = new Pool(`http://127.0.0.1:${lgPort}`, { connections: CLIENTS, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });

const lat: number[] = [];
const errors: string[] = [];
/** Request ids of failed requests (to find what leakgate logged about them). */
const failedIds: { id: string; err: string; ms: number }[] = [];
let clientLeaks = 0;
let sent = 0;
const done = new Set<string>();
const kinds = { clean: 0, secret: 0, streamed: 0, replySecret: 0 };
const CLEAN = 'Please review this function and explain what the loop does when the input list is empty. '.repeat(6);

/** The text the client would show: for SSE, the concatenated content deltas. */
function clientText(body: string, stream: boolean): string {
  if (!stream) return body;
  let out = '';
  for (const m of body.matchAll(/"content":"((?:[^"\\]|\\.)*)"/g)) out += JSON.parse(`"${m[1]}"`) as string;
  return out;
}

let running = true;
let measuring = WARMUP_S <= 0;
async function client(c: number): Promise<void> {
  for (let i = 0; running; i++) {
    const n = sent++;
    const id = `load-${c}-${i}`;
    const withSecret = n % 2 === 1;
    const stream = n % 4 >= 2;
    const reply = n % 10 === 7;
    const s = secrets[n % secrets.length] as string;
    const content = withSecret ? `${CLEAN}\nconfig: TOKEN=${s}\nthanks` : CLEAN;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': id, authorization: 'Bearer sk-load-not-a-key' };
    if (reply) headers['x-bench-reply-secret'] = String((n * 7) % secrets.length);
    const body = JSON.stringify({ model: 'load', stream, messages: [{ role: 'user', content }] });
    const t0 = performance.now();
    try {
      const r = await pool.request({ path: '/openai/v1/chat/completions', method: 'POST', headers, body });
      const text = await r.body.text();
      if (measuring) lat.push(performance.now() - t0);
      if (r.statusCode !== 200) {
        errors.push(`status ${r.statusCode}`);
        failedIds.push({ id, err: `status ${r.statusCode}`, ms: Math.round(performance.now() - t0) });
      }
      else done.add(id);
      if (LEAK.test(clientText(text, stream))) clientLeaks++;
      if (stream && !text.includes('[DONE]')) errors.push('stream not complete');
    } catch (err) {
      errors.push((err as Error).message);
      failedIds.push({ id, err: (err as Error).message, ms: Math.round(performance.now() - t0) });
    }
    if (withSecret) kinds.secret++;
    else kinds.clean++;
    if (stream) kinds.streamed++;
    if (reply) kinds.replySecret++;
  }
}

const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
const warmupRssMb = WARMUP_S > 0 ? await new Promise<number>((r) => setTimeout(() => r(rssMb(lg.pid as number)), WARMUP_S * 1000)) : 0;
measuring = true;
const started = performance.now();
const sampler = setInterval(() => {
  const t = (performance.now() - started) / 1000;
  rss.push({ t, mb: rssMb(lg.pid as number) });
  if (rss.length % 5 === 0) {
    void sampleHeap(t);
    rssKinds.push({ t: Math.round(t), ...rssKindsMb(lg.pid as number) });
  }
}, 1000);
await new Promise((r) => setTimeout(r, DURATION_S * 1000));
running = false;
await Promise.all(clients);
const elapsed = (performance.now() - started) / 1000;
clearInterval(sampler);
await pool.close();

const upReport = await new Promise<{ requests: number; streamed: number; leaks: number; leakSamples: { id: string; prefix: string }[]; ids: string[] }>((res) => {
  upstream.once('message', (m) => res(m as never));
  upstream.send({ type: 'report' });
});
// The log lines dropped because stdout was slow (leakgate_log_dropped_lines_total; 0 when writing to a file).
const droppedLogLines = await fetch(`http://127.0.0.1:${lgPort}/metrics`)
  .then(async (r) => Number(/^leakgate_log_dropped_lines_total (\d+)/m.exec(await r.text())?.[1] ?? NaN))
  .catch(() => NaN);
lg.kill('SIGTERM');
const exitCode = await lgExit;
upstream.kill();
// Every planted key shape, searched in everything leakgate logged (line by line: a key never spans lines).
const logAll = readFileSync(logFile, 'utf8');
const logBytes = Buffer.byteLength(logAll);
let logLines = 0;
let logLeaks = 0;
for (const line of logAll.split('\n')) {
  if (line) logLines++;
  if (LEAK.test(line)) logLeaks++;
}

// Audit: verify the chain, then count rows per request id against what the clients completed.
const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--db', dbFile], { encoding: 'utf8' });
// With --no-audit there is no log: an empty in-memory one, so the rest of the report still prints.
const db = values['no-audit'] ? new Database(':memory:') : new Database(dbFile, { readonly: true });
if (values['no-audit']) db.exec('CREATE TABLE rows (seq INTEGER, body TEXT)');
const rowsByDir = { request: new Set<string>(), response: new Set<string>() };
let rowCount = 0;
const leakIds = new Set(upReport.leakSamples.map((l) => l.id));
const leakRows: unknown[] = [];
for (const r of db.prepare('SELECT body FROM rows WHERE seq > 0').iterate() as Iterable<{ body: string }>) {
  const b = JSON.parse(r.body) as { request_id: string; direction: 'request' | 'response'; action: string; findings: { type: string; class: string; signals: string[]; action: string }[] };
  rowsByDir[b.direction]?.add(b.request_id);
  rowCount++;
  // For a request whose body reached the provider with a planted key: what the gateway decided, and why.
  if (b.direction === 'request' && leakIds.has(b.request_id) && leakRows.length < 10) {
    leakRows.push({ id: b.request_id, action: b.action, findings: b.findings.map((f) => ({ type: f.type, class: f.class, action: f.action, signals: f.signals })) });
  }
}
db.close();
const missingRequestRows = [...done].filter((id) => !rowsByDir.request.has(id)).length;
const missingResponseRows = [...done].filter((id) => !rowsByDir.response.has(id)).length;
const unrecordedUpstream = upReport.ids.filter((id) => !rowsByDir.request.has(id)).length;

lat.sort((a, b) => a - b);
const pct = (p: number): number => Math.round((lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0) * 10) / 10;
const window = (from: number, to: number): number => {
  const xs = rss.filter((x) => x.t > from && x.t <= to).map((x) => x.mb);
  return Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10;
};
const first10 = window(0, 10);
const last10 = window(elapsed - 10, elapsed);
const steady = window(20, 30);
const errorKinds: Record<string, number> = {};
for (const e of errors) errorKinds[e] = (errorKinds[e] ?? 0) + 1;

const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  settings: { nodeFlags, durationS: DURATION_S, warmupS: WARMUP_S, warmupEndRssMb: warmupRssMb, clients: CLIENTS, distStale, guard: values['no-model'] ? 'real, classifier off (packs + SQLite audit)' : 'real (buildGuard: packs + ONNX model + SQLite audit)', logLevel: 'info' },
  requests: { sent: kinds.clean + kinds.secret, measured: lat.length, completed200: done.size, rps: Math.round(lat.length / elapsed), ...kinds },
  errors: errors.length,
  errorKinds,
  leaks: { provider: upReport.leaks, client: clientLeaks, log: logLeaks, providerSamples: upReport.leakSamples.slice(0, 10), providerLeakRows: leakRows },
  latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100) },
  rssMb: {
    first10s: first10,
    last10s: last10,
    growthPct: Math.round(((last10 - first10) / first10) * 1000) / 10,
    // The first 10 s include warm-up (500 sockets, JIT, heap sizing): also compare a window after it.
    after20to30s: steady,
    steadyGrowthPct: Math.round(((last10 - steady) / steady) * 1000) / 10, peak: Math.max(...rss.map((x) => x.mb)), samples: rss.map((x) => Math.round(x.mb)), kinds: rssKinds, heapUsedMb: heap.map((x) => x.usedMb), heapTotalMb: heap.map((x) => x.totalMb), externalMb: heap.map((x) => x.externalMb) },
  audit: { verifyExit: verify.status, rows: rowCount, requestRows: rowsByDir.request.size, responseRows: rowsByDir.response.size, missingRequestRows, missingResponseRows, upstreamRequestsWithoutRow: unrecordedUpstream },
  provider: { requests: upReport.requests, streamed: upReport.streamed },
  leakgate: { exitCode, logLines, logMb: Math.round(logBytes / 2 ** 20), droppedLogLines },
};
// What leakgate itself logged about the failed requests (status, its own latency), and whether the
// provider and the audit log saw them: tells a client-side queue from a stall inside the gateway.
const logText = logAll;
const upIds = new Set(upReport.ids);
const failureSamples = failedIds.slice(0, 8).map((f) => {
  const line = logText.split('\n').find((l) => l.includes(`"reqId":"${f.id}"`) && l.includes('"msg":"request"'));
  const j = line ? (JSON.parse(line) as { status?: number; ms?: number; aborted?: boolean }) : null;
  return { ...f, gateway: j ? { status: j.status, ms: j.ms, aborted: j.aborted ?? false } : null, provider: upIds.has(f.id), requestRow: rowsByDir.request.has(f.id) };
});
Object.assign(result, { failureSamples });
rmSync(dir, { recursive: true, force: true });

const rows: [string, string | number][] = [
  ['requests (200, incl. warm-up)', result.requests.completed200],
  ['req/s', result.requests.rps],
  ['errors', result.errors],
  ['leaks provider/client/log', `${result.leaks.provider}/${result.leaks.client}/${result.leaks.log}`],
  ['log lines written / dropped', `${logLines} / ${droppedLogLines}`],
  ['p50 / p99 ms', `${result.latencyMs.p50} / ${result.latencyMs.p99}`],
  ['warm-up s / RSS at its end MB', `${WARMUP_S} / ${warmupRssMb}`],
  ['RSS first 10 s / last 10 s MB', `${first10} / ${last10} (${result.rssMb.growthPct}%)`],
  ['RSS 20-30 s / last 10 s MB', `${steady} / ${last10} (${result.rssMb.steadyGrowthPct}%)`],
  ['audit verify exit', String(verify.status)],
  ['rows: missing request/response', `${missingRequestRows}/${missingResponseRows}`],
];
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(34)} ${v}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
const ok =
  result.errors === 0 && upReport.leaks === 0 && clientLeaks === 0 && logLeaks === 0 && verify.status === 0 && missingRequestRows === 0 && missingResponseRows === 0 && unrecordedUpstream === 0;
process.exitCode = ok ? 0 : 1;
