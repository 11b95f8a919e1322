// Audit log benchmark.
//  1. The real gateway (`leakgate serve` as a child process: packs, classifier, policy, SQLite audit)
//     in front of a fake OpenAI upstream, driven by autocannon on loopback for a bounded time:
//     audit off (baseline) vs audit on (synchronous NORMAL, FULL). Sustained requests/s, decisions
//     (audit rows)/s, latency, and audit rows counted against requests answered; the log is verified.
//  2. record() in process (group commit), against a loop without the audit write.
//  3. Verify speed on a generated log of ≥ 1M rows (SQLite and its JSONL export), against a baseline
//     of reading the same bytes and hashing them with plain SHA-256 (the floor for any verifier).
// Run: node --import tsx bench/audit/run.ts [--quick] [--duration S] [--rows N]
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { hash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { openAuditLog, type AuditConfig } from '../../src/audit/index.js';
import { exportAuditLog } from '../../src/audit/export.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { benchDecision, generateLog } from './gen-log.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const quick = argv.includes('--quick');
const DURATION_S = opt('--duration', quick ? 4 : 10);
const VERIFY_ROWS = opt('--rows', quick ? 200_000 : 1_000_000);
const CONNECTIONS = 32;
const strOpt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
/** Which gateway runs (default all three); --cpu-prof DIR profiles the gateway children; --skip-verify / --skip-record. */
const MODES = (strOpt('--modes') ?? 'off,NORMAL,FULL').split(',') as ('off' | 'NORMAL' | 'FULL')[];
const CPU_PROF = strOpt('--cpu-prof');
const RECORD_MS = quick ? 1500 : 3000;
const dir = mkdtempSync(join(tmpdir(), 'lg-audit-bench-'));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

// ---------------------------------------------------------------- fake upstream (in this process)
interface Upstream {
  url: string;
  received: () => number;
  close: () => void;
}

async function fakeOpenAI(): Promise<Upstream> {
  let received = 0;
  const reply = JSON.stringify({
    id: 'chatcmpl-bench', object: 'chat.completion', created: 1_700_000_000, model: 'bench',
    choices: [{ index: 0, message: { role: 'assistant', content: 'The loop body never runs for an empty list, so the function returns the initial value.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 500, completion_tokens: 20, total_tokens: 520 },
  });
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.end(reply);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => received, close: () => server.close() };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

// ---------------------------------------------------------------- the real gateway
type AuditMode = 'off' | 'NORMAL' | 'FULL';

interface GatewayRun {
  mode: AuditMode;
  requests_per_s: number;
  decisions_per_s: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  upstream_received: number;
  audit_rows: number;
  rows_minus_2x_requests: number;
  verified: string;
}

/** Client traffic: ~2 KB chat requests, one in ten carrying a synthetic secret (a redact decision). */
function bodies(): string[] {
  const text = 'Please review this function and explain what the loop does when the input list is empty. '.repeat(20);
  const out: string[] = [];
  for (let i = 0; i < 10; i++) {
    const secret = i === 0 ? `\nconfig: GITHUB_TOKEN=ghp_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}\n` : '';
    out.push(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a careful reviewer.' }, { role: 'user', content: `${text}${secret}` }] }));
  }
  return out;
}

function countRows(db: string): { total: number; request: number; response: number } {
  const d = new Database(db, { readonly: true });
  try {
    const rows = d.prepare("SELECT json_extract(body, '$.direction') AS dir, count(*) AS n FROM rows WHERE seq > 0 GROUP BY dir").all() as { dir: string; n: number }[];
    const by = Object.fromEntries(rows.map((r) => [r.dir, r.n]));
    return { total: rows.reduce((a, r) => a + r.n, 0), request: by.request ?? 0, response: by.response ?? 0 };
  } finally {
    d.close();
  }
}

async function gatewayRun(mode: AuditMode, up: Upstream): Promise<GatewayRun> {
  const port = await freePort();
  const db = join(dir, `gw-${mode}.db`);
  const cfg = join(dir, `gw-${mode}.yaml`);
  writeFileSync(
    cfg,
    JSON.stringify({
      server: { host: '127.0.0.1', port },
      upstreams: { openai: { url: up.url, api: 'openai', connections: 64 } },
      detect: { packs: [join(ROOT, 'filter-packs')], watch: false },
      audit: { enabled: mode !== 'off', db, synchronous: mode === 'off' ? 'NORMAL' : mode },
      log: { level: 'warn' },
    }),
  );
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('LEAKGATE_')) delete env[k];
  const entry = `import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/cli/main.ts')).href)}).then((m) => m.main(['serve', '--config', ${JSON.stringify(cfg)}]))`;
  const prof = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...prof, '--import', 'tsx', '-e', entry], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + String(c)).slice(-2000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  while ((await get(`${base}/readyz`)) !== 200) {
    if (Date.now() - t0 > 60_000 || child.exitCode !== null) throw new Error(`gateway (${mode}) did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const list = bodies();
  let n = 0;
  const load = (seconds: number) =>
    autocannon({
      url: `${base}/openai/v1/chat/completions`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-client-key' },
      connections: CONNECTIONS,
      duration: seconds,
      requests: [{ setupRequest: (req) => ({ ...req, body: list[n++ % list.length] }) }],
    });
  const warm = await load(1);
  const rowsBefore = mode === 'off' ? 0 : countRows(db).total;
  const run = await load(DURATION_S);
  const rowsAfter = mode === 'off' ? 0 : countRows(db).total;
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`gateway (${mode}) exited ${code}: ${stderr}`);
  const requests = warm.requests.total + run.requests.total;
  let auditRows = 0;
  let verified = 'n/a';
  if (mode !== 'off') {
    auditRows = countRows(db).total;
    const v = await verifyAuditFile(db);
    verified = v.ok ? `intact (${v.rows} rows, signed through ${v.signedThrough})` : `TAMPERED: ${JSON.stringify(v.firstBad)}`;
  }
  return {
    mode,
    requests_per_s: Math.round(run.requests.average),
    decisions_per_s: mode === 'off' ? 0 : Math.round((rowsAfter - rowsBefore) / DURATION_S),
    p50_ms: run.latency.p50,
    p99_ms: run.latency.p99,
    requests,
    non2xx: warm.non2xx + run.non2xx,
    errors: warm.errors + run.errors,
    upstream_received: up.received(),
    audit_rows: auditRows,
    // One request row and one response row per answered request; requests cut off when autocannon stops may leave one of the pair.
    rows_minus_2x_requests: mode === 'off' ? 0 : auditRows - 2 * requests,
    verified,
  };
}

// ---------------------------------------------------------------- record() in process
const auditConfig = (over: Partial<AuditConfig>): AuditConfig => ({ ...ConfigSchema.parse({ upstreams: {} }).audit, ...over });

async function closedLoop(record: (i: number) => Promise<void>): Promise<{ n: number; ms: number; cpuUs: number }> {
  let i = 0;
  let stop = false;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const loops = Array.from({ length: 64 }, async () => {
    while (!stop) await record(i++);
  });
  setTimeout(() => (stop = true), RECORD_MS);
  await Promise.all(loops);
  const c = process.cpuUsage(c0);
  return { n: i, ms: performance.now() - t0, cpuUs: c.user + c.system };
}

async function inProcess(sync: 'NORMAL' | 'FULL'): Promise<Record<string, number>> {
  const log = openAuditLog(auditConfig({ db: join(dir, `inproc-${sync}.db`), synchronous: sync }));
  const fp = (v: string): string => log.fingerprint(v);
  // Baseline: the same loop, decision building and one setImmediate hop per decision (as group commit has).
  const base = await closedLoop(async (i) => {
    benchDecision(i, fp);
    await new Promise<void>((r) => setImmediate(r));
  });
  const run = await closedLoop((i) => log.record(benchDecision(i, fp)));
  const batches = log.stats.batches;
  await log.close();
  return {
    decisions_per_s: Math.round((run.n / run.ms) * 1000),
    baseline_loops_per_s: Math.round((base.n / base.ms) * 1000),
    rows_per_batch: Math.round(run.n / batches),
    cpu_us_per_decision: +((run.cpuUs / run.n) - (base.cpuUs / base.n)).toFixed(2),
  };
}

// ---------------------------------------------------------------- verify speed
/** Baseline: read every stored body and SHA-256 it (what any verifier must at least do). */
function sqliteHashBaseline(db: string): number {
  const d = new Database(db, { readonly: true });
  d.pragma('mmap_size = 1073741824');
  const st = d.prepare('SELECT seq, body FROM rows WHERE seq >= ? ORDER BY seq LIMIT 1024').raw(true);
  const t0 = performance.now();
  let n = 0;
  for (let from = 0; ; ) {
    const rows = st.all(from) as [number, string][];
    if (rows.length === 0) break;
    for (const r of rows) hash('sha256', r[1], 'hex');
    n += rows.length;
    from = (rows[rows.length - 1] as [number, string])[0] + 1;
  }
  d.close();
  return Math.round((n / (performance.now() - t0)) * 1000);
}

/** Baseline: read the export and SHA-256 each line as it is. */
async function exportHashBaseline(file: string): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  let rest: Buffer | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let at = 0;
    for (let nl = buf.indexOf(10, at); nl !== -1; nl = buf.indexOf(10, at)) {
      hash('sha256', buf.subarray(at, nl), 'hex');
      n++;
      at = nl + 1;
    }
    rest = at < buf.length ? buf.subarray(at) : null;
  }
  return Math.round((n / (performance.now() - t0)) * 1000);
}

async function verifySpeed(): Promise<Record<string, number | string>> {
  const db = join(dir, 'verify.db');
  const g0 = performance.now();
  generateLog(db, VERIFY_ROWS);
  const genS = (performance.now() - g0) / 1000;
  const sqlite: number[] = [];
  const cpu: number[] = [];
  const base: number[] = [];
  for (let k = 0; k < 3; k++) {
    base.push(sqliteHashBaseline(db));
    const c0 = process.cpuUsage();
    const r = await verifyAuditFile(db);
    const c = process.cpuUsage(c0);
    if (!r.ok || r.rows !== VERIFY_ROWS || r.signedThrough !== VERIFY_ROWS) throw new Error(`bench log does not verify: ${JSON.stringify(r.firstBad)}`);
    sqlite.push(r.rowsPerSecond);
    cpu.push(Math.round(r.rows / ((c.user + c.system) / 1e6)));
  }
  const out = join(dir, 'verify.jsonl');
  await exportAuditLog(db, out);
  const ex: number[] = [];
  const exBase: number[] = [];
  for (let k = 0; k < 3; k++) {
    exBase.push(await exportHashBaseline(out));
    const r = await verifyAuditFile(out);
    if (!r.ok) throw new Error('bench export does not verify');
    ex.push(r.rowsPerSecond);
  }
  return {
    rows: VERIFY_ROWS,
    db_mb: Math.round(statSync(db).size / 1e6),
    generate_s: +genS.toFixed(1),
    sqlite_rows_per_s: median(sqlite),
    sqlite_rows_per_cpu_s: median(cpu),
    sqlite_baseline_read_sha256_rows_per_s: median(base),
    sqlite_ratio_to_baseline: +(median(sqlite) / median(base)).toFixed(2),
    export_rows_per_s: median(ex),
    export_baseline_read_sha256_rows_per_s: median(exBase),
    export_ratio_to_baseline: +(median(ex) / median(exBase)).toFixed(2),
    sqlite_runs: sqlite.join(' '),
    export_runs: ex.join(' '),
  };
}

// ---------------------------------------------------------------- main
try {
  const machine = { nproc: availableParallelism(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', loadavg_start: loadavg().map((x) => +x.toFixed(2)) };
  const up = await fakeOpenAI();
  const gw: GatewayRun[] = [];
  for (const mode of MODES) gw.push(await gatewayRun(mode, up));
  up.close();
  const off = gw.find((g) => g.mode === 'off');
  const ratios = off ? Object.fromEntries(gw.filter((g) => g !== off).map((g) => [`${g.mode}_vs_off_requests`, +(g.requests_per_s / off.requests_per_s).toFixed(3)])) : {};
  const skipRecord = argv.includes('--skip-record');
  const normal = skipRecord ? {} : await inProcess('NORMAL');
  const full = skipRecord ? {} : await inProcess('FULL');
  const ver = argv.includes('--skip-verify') ? {} : await verifySpeed();
  const result = {
    date: new Date().toISOString(), machine: { ...machine, loadavg_end: loadavg().map((x) => +x.toFixed(2)) },
    duration_s: DURATION_S, connections: CONNECTIONS, gateway: gw, gateway_ratios: ratios,
    record_in_process: { NORMAL: normal, FULL: full }, verify: ver,
  };
  console.log('\nAudit benchmark: real gateway (leakgate serve, packs + model + policy) behind autocannon, fake OpenAI upstream');
  console.table(Object.fromEntries(gw.map((g) => [`audit ${g.mode}`, g])));
  console.table(ratios);
  console.log('record() in process (64 concurrent callers)');
  console.table({ NORMAL: normal, FULL: full });
  console.log('verify');
  console.table(ver);
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
