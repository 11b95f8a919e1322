// CPU profile of leakgate on one case: starts the bench upstream and leakgate (node --cpu-prof) and
// drives sequential requests, then prints the top self-time functions of the profile.
//   node --import tsx bench/proxy/profile.ts [--case long|sse|chat|secrets] [--n 40] [--guard real|allow|pass]
// --guard pass profiles the plain pass-through baseline (passthrough.ts), for a side-by-side reading.
// The .cpuprofile is written under bench/proxy/out/ (open it in Chrome DevTools for the full tree).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { benchProse, benchSecrets } from './secrets.js';

const { values } = parseArgs({
  options: { case: { type: 'string', default: 'long' }, n: { type: 'string', default: '40' }, guard: { type: 'string', default: 'real' } },
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
const lg = await start(values.guard === 'pass' ? 'passthrough.ts' : 'leakgate.ts', values.guard === 'pass' ? [up.url] : [up.url, values.guard === 'allow' ? 'allow' : 'real'], ['--cpu-prof', `--cpu-prof-dir=${outDir}`]);
const agent = new Agent({ connections: 1 });
const t0 = process.hrtime.bigint();
for (let i = 0; i < Number(values.n); i++) {
  const res = await request(`${lg.url}/openai/v1/chat/completions`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: body(i) });
  await res.body.arrayBuffer();
}
const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
await agent.close();
// SIGINT: leakgate.ts exits cleanly on it, so the profile is written.
await new Promise<void>((r) => {
  lg.child.once('exit', () => r());
  lg.child.kill('SIGINT');
});
up.child.kill();

const file = readdirSync(outDir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
if (!file) throw new Error('no profile written');
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
const prof = JSON.parse(readFileSync(`${outDir}/${file}`, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
  total += n.hitCount;
}
console.log(`case ${values.case}, ${values.n} requests, wall ${wallMs.toFixed(0)} ms (${(wallMs / Number(values.n)).toFixed(2)} ms/request); profile ${file}`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
