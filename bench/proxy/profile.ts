// CPU profile of leakgate on one case: starts the bench upstream and leakgate (node --cpu-prof) and
// drives sequential requests, then prints the top self-time functions of the profile.
//   node --import tsx bench/proxy/profile.ts [--case long|sse|chat|secrets] [--n 40] [--guard real|rules|allow|pass]
//                                            [--concurrency 1] [--no-prof]
// --no-prof runs the same requests without the profiler and prints only the latency (p50/p99), for
// timing one stage at a time (LEAKGATE_BENCH_YAML, see leakgate.ts) without the profiler's overhead.
// Besides the top self-time functions it prints self time by area: each sample goes to the nearest
// frame of ours (src/<folder>/<file>) or of a package (node_modules/<name>) on its stack, so native
// and Node-internal work (hashing, SQLite, writev) is charged to the code that asked for it.
// --guard pass profiles the plain pass-through baseline (passthrough.ts), for a side-by-side reading.
// The .cpuprofile is written under bench/proxy/out/ (open it in Chrome DevTools for the full tree).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { benchProse, benchSecrets } from './secrets.js';

const { values } = parseArgs({
  options: {
    case: { type: 'string', default: 'long' },
    n: { type: 'string', default: '40' },
    guard: { type: 'string', default: 'real' },
    concurrency: { type: 'string', default: '1' },
    'no-prof': { type: 'boolean', default: false },
  },
});
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const outDir = here('out');
mkdirSync(outDir, { recursive: true });

function start(script: string, args: string[], execArgv: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(here(script), args, { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, url: `http://127.0.0.1:${(m as { port: number }).port}` }));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

const secrets = benchSecrets().map((x) => x.value);
const body = (i: number): string => {
  switch (values.case) {
    case 'long':
      return JSON.stringify({ model: 'long', stream: true, messages: [{ role: 'user', content: 'x' }] });
    case 'sse':
      return JSON.stringify({ model: 'gpt-bench', stream: true, messages: [{ role: 'user', content: 'x' }] });
    case 'secrets':
      return JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'user', content: benchProse(i, secrets) }] });
    default:
      return JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'user', content: benchProse(i, []) }] });
  }
};

const up = await start('upstream.ts', []);
const before = new Set(readdirSync(outDir));
const lg = await start(values.guard === 'pass' ? 'passthrough.ts' : 'leakgate.ts', values.guard === 'pass' ? [up.url] : [up.url, values.guard === 'allow' || values.guard === 'rules' ? values.guard : 'real'], values['no-prof'] ? [] : ['--cpu-prof', `--cpu-prof-dir=${outDir}`]);
const C = Number(values.concurrency);
const lat: number[] = [];
const agent = new Agent({ connections: C });
const t0 = process.hrtime.bigint();
let next = 0;
await Promise.all(Array.from({ length: C }, async () => {
  for (let i = next++; i < Number(values.n); i = next++) {
    const b = body(i);
    const t = process.hrtime.bigint();
    const res = await request(`${lg.url}/openai/v1/chat/completions`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: b });
    await res.body.arrayBuffer();
    if (i >= 50) lat.push(Number(process.hrtime.bigint() - t) / 1e6); // the first 50: warm-up
  }
}));
const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
await agent.close();
// SIGINT: leakgate.ts exits cleanly on it, so the profile is written.
await new Promise<void>((r) => {
  lg.child.once('exit', () => r());
  lg.child.kill('SIGINT');
});
up.child.kill();
lat.sort((a, b) => a - b);
const pct = (p: number): string => (lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0).toFixed(2);
console.log(`case ${values.case}, guard ${values.guard}, ${values.n} requests, ${C} at a time: latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, wall ${wallMs.toFixed(0)} ms`);
if (values['no-prof']) process.exit(0);

const file = readdirSync(outDir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
if (!file) throw new Error('no profile written');
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}
const prof = JSON.parse(readFileSync(`${outDir}/${file}`, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
  total += n.hitCount;
}
// Self time by area: the nearest frame of ours or of a package, walking up from each node.
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const areaOf = (url: string): string | null => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  // Ours, from src/ (tsx) or the compiled dist/: both named src/<folder>/<file>.
  const ours = /\/(?:src|dist)\/([^/]+(?:\/[^/]+)?)\.[jt]s$/.exec(url);
  return ours ? `src/${ours[1]}` : null;
};
const area = new Map<string, number>();
for (const n of prof.nodes) {
  if (n.hitCount === 0) continue;
  let name = n.callFrame.functionName;
  let a: string | null = null;
  for (let cur: Node | undefined = n; cur && !a; cur = byId.get(parent.get(cur.id) ?? -1)) a = areaOf(cur.callFrame.url);
  if (!a) a = name === '(idle)' || name === '(program)' || name === '(garbage collector)' ? name : `node:${name || '(anon)'}`;
  area.set(a, (area.get(a) ?? 0) + n.hitCount);
}
const busy = total - (area.get('(idle)') ?? 0);
console.log(`self time by area, % of busy samples (${busy} of ${total}):`);
for (const [k, v] of [...area].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
console.log(`case ${values.case}, ${values.n} requests, wall ${wallMs.toFixed(0)} ms (${(wallMs / Number(values.n)).toFixed(2)} ms/request); profile ${file}`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
