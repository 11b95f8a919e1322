// Exit codes as a shell sees them: bin/leakgate.js run as a child process. The launcher is the real
// file, copied beside a dist/cli/main.js that re-exports src/cli/main.ts (so the test needs no build
// and checks the current sources); when a built dist/ exists, the real bin is run on it as well.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { main } from '../../src/cli/main.js';
import { auditConfig, decision, fakeSecret } from '../audit/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const top = mkdtempSync(join(tmpdir(), 'lg-bin-'));
const shimBin = join(top, 'pkg', 'bin', 'leakgate.js');
let db: string;
let tampered: string;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function run(bin: string, args: string[], opts: { tsx?: boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.tsx === false ? [] : ['--import', 'tsx']), bin, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += String(c)));
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

beforeAll(async () => {
  mkdirSync(join(top, 'pkg', 'bin'), { recursive: true });
  mkdirSync(join(top, 'pkg', 'dist', 'cli'), { recursive: true });
  copyFileSync(join(ROOT, 'bin', 'leakgate.js'), shimBin);
  writeFileSync(join(top, 'pkg', 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(top, 'pkg', 'dist', 'cli', 'main.js'), `export * from ${JSON.stringify(pathToFileURL(join(ROOT, 'src', 'cli', 'main.ts')).href)};\n`);
  db = join(top, 'audit.db');
  const log = openAuditLog(auditConfig({ db, checkpointEveryRows: 5 }));
  for (let i = 1; i <= 12; i++) await log.record(decision(log, i, i % 4 === 0 ? [fakeSecret(i)] : []));
  await log.close();
  tampered = join(top, 'tampered.db');
  const src = new Database(db, { readonly: true });
  src.exec(`VACUUM INTO '${tampered}'`);
  src.close();
  const t = new Database(tampered);
  t.prepare("UPDATE rows SET body = replace(body, '\"action\":\"redact\"', '\"action\":\"allow\"') WHERE seq = 8").run();
  t.close();
  writeFileSync(join(top, 'clean.txt'), 'nothing here\n');
  writeFileSync(join(top, 'leak.env'), `DB_PASSWORD="Vq7${'zR2kLx9Wm4Tp'}"\n`);
}, 30_000);
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('bin/leakgate.js exit codes (child process)', () => {
  it('main() sets the exit code of every subcommand: 0 ok, 1 findings/tampered, 2 usage or I/O error', async () => {
    const cases: [string[], number][] = [
      [[], 2],
      [['help'], 0],
      [['frobnicate'], 2],
      [['serve', '--bogus'], 2],
      [['serve', '--config', join(top, 'missing.yaml')], 2],
      [['scan', '--no-model', join(top, 'clean.txt')], 0],
      [['scan', '--no-model', join(top, 'leak.env')], 1],
      [['scan', '--no-model', join(top, 'missing.txt')], 2],
      [['audit'], 2],
      [['audit', 'verify', '--db', db], 0],
      [['audit', 'verify', '--db', tampered], 1],
      [['audit', 'verify', '--db', join(top, 'missing.db')], 2],
      [['audit', 'verify', '--db', db, '--pubkey', join(top, 'clean.txt')], 2],
      [['audit', 'export', '--db', db, '--out', join(top, 'out.jsonl')], 0],
      [['audit', 'verify', '--db', join(top, 'out.jsonl')], 0],
      [['audit', 'export', '--db', join(top, 'missing.db')], 2],
      [['audit', 'query', '--db', db, '--action', 'explode'], 2],
      [['audit', 'query', '--db', db, '--action', 'redact', '--json'], 0],
      [['audit', 'tail', '--db', db, '-n', '2'], 0],
      [['audit', 'keys', '--db', db], 0],
      [['audit', 'keys', '--key-dir', join(top, 'nope')], 2],
    ];
    const got: [string, number | string | undefined][] = [];
    const write = { out: process.stdout.write, err: process.stderr.write };
    const saved = process.exitCode;
    try {
      process.stdout.write = (() => true) as typeof process.stdout.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      for (const [args] of cases) {
        process.exitCode = undefined;
        await main(args);
        got.push([args.join(' '), process.exitCode]);
      }
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
      process.exitCode = saved;
    }
    expect(got).toEqual(cases.map(([args, code]) => [args.join(' '), code]));
  }, 60_000);

  it('the launcher turns those codes into the process exit status', async () => {
    // One child per distinct path through the launcher (each loads the sources through tsx, so keep it short).
    const cases: [string[], number][] = [
      [['frobnicate'], 2],
      [['scan', '--no-model', join(top, 'leak.env')], 1],
      [['audit', 'verify', '--db', db], 0],
      [['audit', 'verify', '--db', tampered], 1],
      [['audit', 'verify', '--db', join(top, 'missing.db')], 2],
    ];
    const results = await Promise.all(cases.map(([args]) => run(shimBin, args)));
    const got = results.map((r, i) => [cases[i]![0].join(' '), r.code]);
    expect(got).toEqual(cases.map(([args, code]) => [args.join(' '), code]));
    // A verdict is printed, not only a code.
    expect(results[3]!.out).toMatch(/TAMPERED: first bad row 8: edited/);
    expect(results[1]!.out).toMatch(/leak\.env:1:14  FAIL  generic-password/);
    expect(results[4]!.err).toMatch(/LG_ERR_USAGE/);
  }, 120_000);

  it.skipIf(!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))('the built bin (dist/) gives the same audit exit codes', async () => {
    const bin = join(ROOT, 'bin', 'leakgate.js');
    const codes = await Promise.all([
      run(bin, ['audit', 'verify', '--db', db], { tsx: false }),
      run(bin, ['audit', 'verify', '--db', tampered], { tsx: false }),
      run(bin, ['audit', 'verify', '--db', join(top, 'missing.db')], { tsx: false }),
      run(bin, ['frobnicate'], { tsx: false }),
    ]);
    expect(codes.map((r) => r.code)).toEqual([0, 1, 2, 2]);
  }, 60_000);
});
