// Audit log benchmark: (1) group-commit throughput and cost per decision, in process, against a
// no-op baseline; (2) a minimal HTTP "gateway" that commits the decision row before answering,
// under autocannon load, against the same server without audit; (3) verification speed.
// Run: node --import tsx bench/audit/run.ts [--quick]
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { ConfigSchema } from '../../src/config/schema.js';
import { openAuditLog, type AuditConfig, type OpenedAuditLog } from '../../src/audit/index.js';
import type { AuditDecision } from '../../src/audit/types.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { exportAuditLog } from '../../src/audit/export.js';

const quick = process.argv.includes('--quick');
const PHASE_MS = quick ? 1500 : 4000;
const VERIFY_ROWS = quick ? 50_000 : 200_000;
const CONCURRENCY = 64;
const dir = mkdtempSync(join(tmpdir(), 'lg-audit-bench-'));
const config = (over: Partial<AuditConfig>): AuditConfig => ({ ...ConfigSchema.parse({ upstreams: {} }).audit, ...over });

/** A decision shaped like real traffic: most allow with no finding, some redact with one or two. */
function makeDecision(log: OpenedAuditLog | null, i: number): AuditDecision {
  const n = i % 10 === 0 ? 2 : i % 5 === 0 ? 1 : 0;
  const findings = Array.from({ length: n }, (_, j) => ({
    type: 'github-pat', class: 'genuine' as const, confidence: 0.9731, entropy: 5.12, detectors: ['github-pat'],
    signals: ['keyword:token', 'model:genuine'], path: `messages[${j}].content`, start: 10, end: 50, action: 'redact' as const,
    fingerprint: log ? log.fingerprint(`ghp_${i}_${j}_synthetic`) : '0'.repeat(64),
  }));
  return {
    requestId: `bench-${i}-${randomBytes(4).toString('hex')}`, route: 'openai', upstream: 'https://api.openai.com',
    tenant: `tenant-${i % 8}`, direction: i % 2 ? 'response' : 'request', action: n ? 'redact' : 'allow', shadow: false,
    rulesetHash: 'sha256:' + 'ab'.repeat(32), modelVersion: 'leakgate-cnn-1', findings,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** CONCURRENCY loops, each recording and awaiting its decision, for PHASE_MS. */
async function closedLoop(record: (i: number) => Promise<void>): Promise<{ n: number; ms: number; cpuUs: number }> {
  let i = 0;
  let stop = false;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const loops = Array.from({ length: CONCURRENCY }, async () => {
    while (!stop) await record(i++);
  });
  setTimeout(() => (stop = true), PHASE_MS);
  await Promise.all(loops);
  const c = process.cpuUsage(c0);
  return { n: i, ms: performance.now() - t0, cpuUs: c.user + c.system };
}

async function inProcess(sync: 'NORMAL' | 'FULL'): Promise<Record<string, number>> {
  const log = openAuditLog(config({ db: join(dir, `inproc-${sync}.db`), synchronous: sync }));
  // Baseline: the same loop, decision building and one setImmediate hop per decision (as group
  // commit has), without canonical form, hashing or SQLite.
  const base = await closedLoop(async (i) => {
    makeDecision(log, i);
    await new Promise<void>((r) => setImmediate(r));
  });
  const run = await closedLoop((i) => log.record(makeDecision(log, i)));
  const batches = log.stats.batches;
  await log.close();
  const perBase = base.cpuUs / base.n;
  const perRun = run.cpuUs / run.n;
  return {
    decisions_per_s: Math.round((run.n / run.ms) * 1000),
    rows_per_batch: Math.round(run.n / batches),
    cpu_us_per_decision: +(perRun - perBase).toFixed(2),
    wall_us_per_decision: +((run.ms * 1000) / run.n).toFixed(2),
  };
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return { server, url: `http://127.0.0.1:${addr.port}/v1/chat/completions` };
}

async function load(url: string): Promise<{ rps: number; p50: number; p99: number }> {
  const r = await autocannon({ url, connections: CONCURRENCY, duration: PHASE_MS / 1000, method: 'POST', body: '{"messages":[]}' });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

async function gateway(): Promise<Record<string, number>> {
  const body = JSON.stringify({ id: 'x', choices: [{ message: { content: 'ok' } }] });
  const reply = (res: import('node:http').ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-leakgate-action': 'allow' });
    res.end(body);
  };
  let i = 0;
  const plain = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      makeDecision(null, i++);
      reply(res);
    });
  });
  const base = await load(plain.url);
  plain.server.close();
  const log = openAuditLog(config({ db: join(dir, 'gateway.db') }));
  const audited = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      // The decision row is committed before the request would be forwarded.
      log.record(makeDecision(log, i++)).then(() => reply(res), () => {
        res.writeHead(503);
        res.end();
      });
    });
  });
  const run = await load(audited.url);
  audited.server.close();
  const rows = log.stats.rows;
  const batches = log.stats.batches;
  await log.close();
  return {
    baseline_rps: Math.round(base.rps), audited_rps: Math.round(run.rps), ratio: +(run.rps / base.rps).toFixed(3),
    baseline_p50_ms: base.p50, audited_p50_ms: run.p50, baseline_p99_ms: base.p99, audited_p99_ms: run.p99,
    rows_per_batch: Math.round(rows / Math.max(1, batches)),
  };
}

async function verifySpeed(): Promise<Record<string, number>> {
  const db = join(dir, 'verify.db');
  const log = openAuditLog(config({ db }));
  let pending: Promise<void>[] = [];
  for (let i = 0; i < VERIFY_ROWS; i++) {
    pending.push(log.record(makeDecision(log, i)));
    if (pending.length === 1024) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await log.close();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    const r = await verifyAuditFile(db);
    const c = process.cpuUsage(c0);
    if (!r.ok) throw new Error('bench log does not verify');
    wall.push(r.rowsPerSecond);
    cpu.push(Math.round(r.rows / ((c.user + c.system) / 1e6)));
  }
  const out = join(dir, 'verify.jsonl');
  await exportAuditLog(db, out);
  const ex: number[] = [];
  for (let k = 0; k < 2; k++) ex.push((await verifyAuditFile(out)).rowsPerSecond);
  return { rows: VERIFY_ROWS + 1, sqlite_rows_per_s: median(wall), sqlite_rows_per_cpu_s: median(cpu), export_rows_per_s: median(ex) };
}

try {
  const normal = await inProcess('NORMAL');
  const full = await inProcess('FULL');
  const gw = await gateway();
  const ver = await verifySpeed();
  const result = { machine: { cpus: cpus().length, node: process.version }, phase_ms: PHASE_MS, concurrency: CONCURRENCY, in_process_normal: normal, in_process_full: full, gateway: gw, verify: ver };
  console.log('\nAudit log benchmark');
  console.table({ 'record, synchronous=NORMAL': normal, 'record, synchronous=FULL': full });
  console.table({ 'HTTP (commit before reply)': gw });
  console.table({ verify: ver });
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
