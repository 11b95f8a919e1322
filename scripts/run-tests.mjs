#!/usr/bin/env node
// Runs vitest with its usual output plus a JSON report, then prints one plain summary line
// ("N passed, N failed") that CI recognises. Exit code is vitest's.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

// vitest's "exports" map hides its bin file, so resolve the package root through its
// package.json (exported) and take the bin path it declares.
const require = createRequire(import.meta.url);
const pkgJson = require.resolve('vitest/package.json');
const pkg = JSON.parse(readFileSync(pkgJson, 'utf8'));
const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.vitest;
const vitest = join(dirname(pkgJson), bin);
const out = '.vitest-results.json';
rmSync(out, { force: true });
const args = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = r.numFailedTests ?? 0;
  // A file that fails to load has no failed tests of its own; count it so it is never silent.
  for (const f of r.testResults ?? []) if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) failed++;
} catch {
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status ?? 1);
