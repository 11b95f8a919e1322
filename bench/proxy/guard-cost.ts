// Where the real guard's CPU goes, stage by stage, without HTTP: the same 8 KB chat bodies as
// bench/proxy (clean, and with 5 secrets), pushed through the production guard built by buildGuard
// (committed packs: HEAD's filter-packs/, so edits in progress do not change the figures) in three configurations, side by side in one run:
//   rules       Guard.begin → inspect(request) → inspect(response) with the model off and audit off
//   +model      the same with the ONNX classifier on
//   +audit      the same with the classifier on and the SQLite audit log (production)
// CPU per request is the process's CPU time (all threads: the model worker counts) over N requests
// with C in flight at a time; median of --rounds rounds. Prints a table and a JSON line.
// With --concurrency 1 the wall times are the guard's own latency (no queueing behind other requests).
//   node --import tsx bench/proxy/guard-cost.ts [--n 2000] [--concurrency 10] [--rounds 3]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../src/config/load.js';
import { buildGuard } from '../../src/main.js';
import { createLogger } from '../../src/proxy/log.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { Guard } from '../../src/policy/types.js';
import type { Json } from '../../src/providers/types.js';
import { committedPacksDir } from '../../test/hostile/helpers/packs.js';
import { benchProse, benchSecrets } from './secrets.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' } } });
const N = Number(values.n);
const C = Number(values.concurrency);
const ROUNDS = Number(values.rounds);

const adapter = adapterFor('openai');
const secrets = benchSecrets().map((s) => s.value);
const ANSWER: Json = { id: 'chatcmpl-bench', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'The loop does nothing when the list is empty; it returns the initial value.' }, finish_reason: 'stop' }] };

type Variant = 'rules' | '+model' | '+audit';
async function makeGuard(v: Variant): Promise<{ guard: Guard; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lg-guard-cost-'));
  const model = v === 'rules' ? 'model: { enabled: false }\n' : '';
  const audit = v === '+audit' ? `audit: { db: "${join(dir, 'audit.db')}" }\n` : 'audit: { enabled: false }\n';
  const yaml = `server: { host: 127.0.0.1, port: 0 }\nupstreams:\n  openai: { url: "http://127.0.0.1:1", api: openai }\ndetect: { packs: ["${committedPacksDir()}"], watch: false }\n${model}${audit}`;
  const loaded = parseConfig(yaml, join(process.cwd(), 'config', 'bench.yaml'), {});
  // Production logs at info; the guard itself logs only failures, so the level does not change the figures.
  return buildGuard(loaded, createLogger('warn'));
}

let seq = 0;
function body(withSecrets: boolean): Json {
  seq++;
  return { model: 'gpt-bench', messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: benchProse(`${process.pid}-${seq}`, withSecrets ? secrets : []) }] };
}

async function oneRequest(guard: Guard, withSecrets: boolean): Promise<void> {
  const req = guard.begin({ requestId: `bench-${seq}`, route: 'openai', upstream: 'http://127.0.0.1:1', headers: { authorization: 'Bearer bench-client-key' } });
  await req.inspect('request', adapter.requestSegments('/v1/chat/completions', body(withSecrets)));
  await req.inspect('response', adapter.responseSegments('/v1/chat/completions', ANSWER));
}

interface Cost {
  /** CPU µs per request (all threads), median of rounds. */
  cpu: number;
  /** Wall-clock ms per request, p50 and p99 over every request of every round (with C in flight). */
  p50: number;
  p99: number;
}

async function costPerRequest(run: () => Promise<void>): Promise<Cost> {
  const samples: number[] = [];
  const walls: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    let next = 0;
    await Promise.all(Array.from({ length: C }, async () => {
      while (next++ < N) {
        const t0 = performance.now();
        await run();
        walls.push(performance.now() - t0);
      }
    }));
    const d = process.cpuUsage(before);
    samples.push((d.user + d.system) / N);
  }
  samples.sort((a, b) => a - b);
  walls.sort((a, b) => a - b);
  const at = (p: number): number => Math.round((walls[Math.min(walls.length - 1, Math.floor(p * walls.length))] as number) * 1000) / 1000;
  return { cpu: Math.round(samples[Math.floor(samples.length / 2)] as number), p50: at(0.5), p99: at(0.99) };
}

const rows: Record<string, { clean: Cost; secrets: Cost }> = {};
const variants: Variant[] = (process.env.GUARD_COST_VARIANTS?.split(',') as Variant[] | undefined) ?? ['rules', '+model', '+audit'];
for (const v of variants) {
  const g = await makeGuard(v);
  // Warm-up: JIT, the model's first runs, SQLite's first pages.
  for (let i = 0; i < 200; i++) await oneRequest(g.guard, i % 2 === 0);
  rows[v] = { clean: await costPerRequest(() => oneRequest(g.guard, false)), secrets: await costPerRequest(() => oneRequest(g.guard, true)) };
  await g.close();
}

console.log(`guard cost per request: CPU µs (all threads, median of ${ROUNDS} × ${N} requests) and wall ms p50/p99, ${C} in flight`);
console.log('| guard | 8 KB clean: CPU | wall p50/p99 | 8 KB, 5 secrets: CPU | wall p50/p99 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const wall = (c: Cost | undefined): string => (c ? `${c.p50.toFixed(2)} / ${c.p99.toFixed(2)} ms` : '-');
for (const v of variants) console.log(`| ${v} | ${rows[v]?.clean.cpu} | ${wall(rows[v]?.clean)} | ${rows[v]?.secrets.cpu} | ${wall(rows[v]?.secrets)} |`);
console.log(JSON.stringify({ date: new Date().toISOString(), node: process.version, n: N, concurrency: C, rounds: ROUNDS, perRequest: rows }));
