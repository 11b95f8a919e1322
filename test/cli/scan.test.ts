// `leakgate scan` as a process: jsonl shape, exit codes, --redact, .gitignore, sarif, stdin.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function run(args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('./src/cli/scan.ts').then(m=>m.scanCommand(${JSON.stringify(args)})).then(c=>process.exit(c))`], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const pw = 'Vq7' + 'zR2kLx9Wm4Tp';

describe('leakgate scan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lg-scan-'));
  writeFileSync(join(dir, 'app.env'), `# config\nDB_PASSWORD="${pw}"\n`);
  writeFileSync(join(dir, '.gitignore'), 'ignored/\n');
  mkdirSync(join(dir, 'ignored'));
  writeFileSync(join(dir, 'ignored', 'x.env'), `DB_PASSWORD="${pw}"\n`);
  writeFileSync(join(dir, 'clean.txt'), 'nothing to see here\n');
  writeFileSync(join(dir, 'bin.dat'), Buffer.from([0, 1, 2, 0x70, 0x61, 0x73, 0x73, 0]));

  it('prints one jsonl finding per line with the exact value and exits 1', () => {
    const r = run(['--format', 'jsonl', dir]);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1); // ignored/ is skipped
    expect(lines[0]).toEqual({
      path: join(dir, 'app.env'),
      line: 2,
      column: 14,
      value: pw,
      type: 'generic-password',
      class: 'genuine',
      confidence: expect.any(Number),
      severity: 'high',
      detector: 'generic-password',
    });
  });

  it('masks values with --redact', () => {
    const r = run(['--format', 'jsonl', '--redact', dir]);
    expect(r.out).not.toContain(pw);
    expect(r.out).toContain('[REDACTED:generic-password]');
  });

  it('exits 0 on clean input from stdin and 2 on a missing path', () => {
    expect(run(['--format', 'jsonl', '-'], 'hello world\n').code).toBe(0);
    expect(run(['/definitely/not/here']).code).toBe(2);
    expect(run(['--format', 'nope', dir]).code).toBe(2);
  });

  it('writes SARIF 2.1.0', () => {
    const r = run(['--format', 'sarif', dir]);
    const s = JSON.parse(r.out) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(s.version).toBe('2.1.0');
    expect(s.runs[0]?.results[0]?.ruleId).toBe('generic-password');
    expect(s.runs[0]?.results[0]?.locations[0]?.physicalLocation.region.startLine).toBe(2);
    expect(r.out).not.toContain(pw);
  });
});
