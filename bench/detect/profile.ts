// Throughput of the rule stages alone on real code, for profiling:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/detect/profile.ts [--corpus DIR] [--mb N] [--reps N]
// Prints MB/s (wall and CPU) per pass; no scoring, no secretlint.
import { createEngine } from '../../src/detect/engine.js';
import { collectCorpus } from './corpus.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i !== -1 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const corpora = args.flatMap((a, i) => (a === '--corpus' && args[i + 1] ? [args[i + 1] as string] : []));
if (corpora.length === 0) corpora.push('/usr/lib/python3.11', 'node_modules');
const mb = Number(opt('--mb', '10'));
const reps = Number(opt('--reps', '2'));

const engine = createEngine({ maxDecodeDepth: 2 });
for (const dir of corpora) {
  const { files, bytes } = collectCorpus(dir, mb * 1024 * 1024);
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    for (const f of files) n += engine.scanRules([{ path: f.path, text: f.text }], { filePath: f.path }).length;
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    const m = bytes / 1024 / 1024;
    console.log(`${dir} pass ${rep + 1}: ${m.toFixed(1)} MB, ${(m / wall).toFixed(1)} MB/s wall, ${(m / cpu).toFixed(1)} MB/s CPU, ${n} findings`);
  }
}
