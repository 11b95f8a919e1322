// `leakgate scan`: output shapes, what fails the scan (default and --config policy), the classifier
// stage (model signals, fallback, disagreements), walking (.gitignore up to the repository root,
// binaries, symlink loops), stdin and exit codes. In process through scanCommand with captured
// output; the real bin as a child process is covered in bin.test.ts.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { scanCommand, type ScanDeps } from '../../src/cli/scan.js';
import type { ClassifierOptions, LeakgateClassifier, ModelConfig } from '../../src/detect/model/index.js';
import type { Finding } from '../../src/detect/types.js';

const ROOT = join(import.meta.dirname, '..', '..');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += String(chunk);
    cb();
  }
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function scan(args: string[], deps: Omit<ScanDeps, 'stdout' | 'stderr'> = {}): Promise<Run> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await scanCommand(args, { env: { ...process.env, LEAKGATE_ACTION: '' }, ...deps, stdout, stderr });
  return { code, out: stdout.text, err: stderr.text };
}

/** Synthetic secrets generated per run (never real credentials). */
const alnum = (n: number): string => {
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => a[b % a.length]).join('');
};
const pw = 'Vq7' + alnum(6) + 'zR2kLx9W';
const acme = `acme_${alnum(32)}`;

const top = mkdtempSync(join(tmpdir(), 'lg-scan-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));
// The walked tree; other fixtures (configs, packs, a repository) live beside it in `top`.
const dir = join(top, 'tree');
mkdirSync(dir);
writeFileSync(join(dir, 'app.env'), `# config\nDB_PASSWORD="${pw}"\nAPI_KEY="YOUR_API_KEY_HERE"\n`);
writeFileSync(join(dir, '.gitignore'), 'ignored/\n*.bak\n!keep.bak\n');
mkdirSync(join(dir, 'ignored'));
writeFileSync(join(dir, 'ignored', 'x.env'), `DB_PASSWORD="${pw}"\n`);
writeFileSync(join(dir, 'old.bak'), `DB_PASSWORD="${pw}"\n`);
writeFileSync(join(dir, 'keep.bak'), `DB_PASSWORD="${pw}"\n`);
writeFileSync(join(dir, 'clean.txt'), 'nothing to see here\n');
writeFileSync(join(dir, 'bin.dat'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`DB_PASSWORD="${pw}"`)]));
mkdirSync(join(dir, 'loop'));
symlinkSync(dir, join(dir, 'loop', 'up')); // a link back up: never followed

const jsonl = (out: string): Record<string, unknown>[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('leakgate scan: output and exit codes', () => {
  it('jsonl: one finding a line with the exact value; .gitignore (with negation), binaries and symlinks honoured; exit 1', async () => {
    const r = await scan(['--format', 'jsonl', '--no-model', dir]);
    expect(r.code).toBe(1);
    const lines = jsonl(r.out);
    expect(lines.map((l) => l.path)).toEqual([join(dir, 'app.env'), join(dir, 'keep.bak')]);
    expect(lines[0]).toEqual({
      path: join(dir, 'app.env'), line: 2, column: 14, value: pw, type: 'generic-password', class: 'genuine',
      confidence: expect.any(Number), severity: 'high', detector: 'generic-password',
    });
  });

  it('--redact replaces the value', async () => {
    const r = await scan(['--format', 'jsonl', '--redact', '--no-model', dir]);
    expect(r.out).not.toContain(pw);
    expect(jsonl(r.out)[0]?.value).toBe('[REDACTED:generic-password]');
  });

  it('text: file:line:col, verdict, type, class, confidence and a short fingerprint, never the value or a piece of it', async () => {
    const r = await scan(['--no-model', '--min-class', 'placeholder', join(dir, 'app.env')]);
    expect(r.code).toBe(1);
    const [first, second, summary] = r.out.trimEnd().split('\n');
    expect(first).toMatch(new RegExp(`^${join(dir, 'app.env')}:2:14  FAIL  generic-password  genuine  confidence 0\\.\\d\\d  fp:[0-9a-f]{12}  \\(high, generic-password\\)$`));
    expect(second).toMatch(/:3:\d+  info  \S+  placeholder  /);
    expect(summary).toBe('2 finding(s), 1 failing the scan');
    for (let i = 0; i + 4 <= pw.length; i++) expect(r.out).not.toContain(pw.slice(i, i + 4));
  });

  it('fingerprints follow LEAKGATE_AUDIT_FINGERPRINT_KEY (correlate with the audit log), else differ per run', async () => {
    const key = randomBytes(32).toString('hex');
    const env = { ...process.env, LEAKGATE_AUDIT_FINGERPRINT_KEY: key };
    const a = await scan(['--format', 'json', '--no-model', join(dir, 'app.env')], { env });
    const b = await scan(['--format', 'json', '--no-model', join(dir, 'app.env')], { env });
    const fp = (r: Run): string => (JSON.parse(r.out) as { findings: { fingerprint: string }[] }).findings[0]!.fingerprint;
    const { createHmac } = await import('node:crypto');
    expect(fp(a)).toBe(createHmac('sha256', Buffer.from(key, 'hex')).update(pw).digest('hex'));
    expect(fp(b)).toBe(fp(a));
    const c = await scan(['--format', 'json', '--no-model', join(dir, 'app.env')]);
    expect(fp(c)).not.toBe(fp(a));
  });

  it('SARIF 2.1.0 with region, partial fingerprint and no value', async () => {
    const r = await scan(['--format', 'sarif', '--no-model', dir]);
    const s = JSON.parse(r.out) as { version: string; runs: { results: { ruleId: string; level: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { region: { startLine: number; startColumn: number; endColumn: number } } }[] }[] }[] };
    expect(s.version).toBe('2.1.0');
    const res = s.runs[0]!.results[0]!;
    expect(res).toMatchObject({ ruleId: 'generic-password', level: 'error' });
    expect(res.locations[0]!.physicalLocation.region).toMatchObject({ startLine: 2, startColumn: 14, endColumn: 14 + pw.length });
    expect(Object.values(res.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(r.out).not.toContain(pw);
  });

  it('stdin: clean exits 0, a secret exits 1 with path "-"', async () => {
    expect((await scan(['--format', 'jsonl', '--no-model', '-'], { readStdin: () => 'hello world\n' })).code).toBe(0);
    const r = await scan(['--format', 'jsonl', '--no-model', '-'], { readStdin: () => `x\npassword = "${pw}"\n` });
    expect(r.code).toBe(1);
    expect(jsonl(r.out)[0]).toMatchObject({ path: '-', line: 2, value: pw });
  });

  it('usage and I/O errors exit 2, also when findings were printed', async () => {
    expect((await scan(['/definitely/not/here'])).code).toBe(2);
    expect((await scan(['--format', 'nope', dir])).code).toBe(2);
    expect((await scan(['--no-model'])).code).toBe(2);
    expect((await scan(['--bogus', dir])).code).toBe(2);
    expect((await scan(['--packs', 'nope', '--no-model', dir])).code).toBe(2);
    expect((await scan(['--config', join(top, 'missing.yaml'), dir])).code).toBe(2);
    expect((await scan(['--disagreements', join(top, 'd.jsonl'), '--no-model', dir])).code).toBe(2);
    const both = await scan(['--format', 'jsonl', '--no-model', join(dir, 'app.env'), join(dir, 'nope.env')]);
    expect(both.code).toBe(2);
    expect(jsonl(both.out)).toHaveLength(1);
    expect(both.err).toMatch(/nope\.env: ENOENT/);
    const help = await scan(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: leakgate scan/);
  });
});

describe('leakgate scan: .gitignore from the repository root', () => {
  it('a scan of a subfolder honours the .gitignore files above it, up to the repository root', async () => {
    const repo = join(top, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'sub', 'deep'), { recursive: true });
    writeFileSync(join(repo, '.gitignore'), '*.secret\nsub/deep/\n');
    writeFileSync(join(repo, 'sub', 'a.secret'), `DB_PASSWORD="${pw}"\n`);
    writeFileSync(join(repo, 'sub', 'deep', 'b.env'), `DB_PASSWORD="${pw}"\n`);
    writeFileSync(join(repo, 'sub', 'c.env'), `DB_PASSWORD="${pw}"\n`);
    const r = await scan(['--format', 'jsonl', '--no-model', join(repo, 'sub')]);
    expect(jsonl(r.out).map((l) => l.path)).toEqual([join(repo, 'sub', 'c.env')]);
    // A file named explicitly is scanned even when ignored.
    expect(jsonl((await scan(['--format', 'jsonl', '--no-model', join(repo, 'sub', 'a.secret')])).out)).toHaveLength(1);
  });
});

describe('leakgate scan: classifier stage', () => {
  it('with the model, weak candidates carry the model verdict; --no-model leaves only rule signals', async () => {
    const withModel = await scan(['--format', 'json', '--min-class', 'placeholder', join(dir, 'app.env')]);
    const rulesOnly = await scan(['--format', 'json', '--min-class', 'placeholder', '--no-model', join(dir, 'app.env')]);
    const sig = (r: Run): string[][] => (JSON.parse(r.out) as { findings: { signals: string[] }[] }).findings.map((f) => f.signals);
    expect(sig(withModel).length).toBeGreaterThan(0);
    // generic-password is a weak detector: the gateway's engine asks the model about it.
    expect(sig(withModel)[0]!.some((s) => /^model:(genuine|placeholder|benign)$/.test(s))).toBe(true);
    expect(sig(rulesOnly).flat().some((s) => s.startsWith('model:'))).toBe(false);
  });

  it('model unavailable: the rules decide and the signals say so; exit codes unchanged', async () => {
    const cfg = join(top, 'nomodel.yaml');
    writeFileSync(cfg, `upstreams: {}\ndetect:\n  packs: [${join(ROOT, 'filter-packs')}]\nmodel:\n  path: ${join(dir, 'no-such-model.onnx')}\n`);
    const r = await scan(['--format', 'json', '--config', cfg, join(dir, 'app.env')]);
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.out) as { findings: { type: string; class: string; signals: string[] }[] }).findings[0]!;
    expect(f).toMatchObject({ type: 'generic-password', class: 'genuine' });
    expect(f.signals).toContain('model:unavailable');
    expect(r.err).toMatch(/classifier degraded/);
  });

  it('--disagreements writes where rules and model disagree (no values), and the fused class decides the exit', async () => {
    // A deterministic classifier: calls every generic-password a placeholder, the way fusion marks it.
    const fake = async (_c: ModelConfig, opts: ClassifierOptions): Promise<LeakgateClassifier> => {
      expect(opts.scoreAll).toBe(true);
      return {
        version: 'fake-1',
        status: () => ({ state: 'ready' }),
        stats: () => ({ calls: 0, findings: 0, scored: 0, skipped: 0, batches: 0, batchedItems: 0, timeouts: 0, errors: 0, unavailable: 0, fallbackFindings: 0 }),
        close: async () => {},
        refine: async (fs: Finding[]) =>
          fs.map((f) => (f.type === 'generic-password' && f.class === 'genuine' ? { ...f, class: 'placeholder' as const, signals: [...f.signals, 'model:placeholder', 'rules:genuine'] } : { ...f, signals: [...f.signals, `model:${f.class}`] })),
      };
    };
    const file = join(top, 'disagree.jsonl');
    writeFileSync(file, 'stale line from an earlier run\n');
    const r = await scan(['--format', 'jsonl', '--disagreements', file, join(dir, 'app.env')], { createClassifier: fake });
    expect(r.code).toBe(0); // the only genuine candidate was demoted by the model
    expect(r.out).toBe('');
    const ds = jsonl(readFileSync(file, 'utf8'));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ path: join(dir, 'app.env'), line: 2, type: 'generic-password', rulesClass: 'genuine', modelClass: 'placeholder', finalClass: 'placeholder', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readFileSync(file, 'utf8')).not.toContain(pw);
    expect(r.err).toMatch(/1 disagreement/);
  });
});

describe('leakgate scan --config', () => {
  const packDir = join(top, 'packs');
  mkdirSync(packDir);
  writeFileSync(
    join(packDir, 'acme.yaml'),
    [
      'pack: acme',
      'description: Acme test tokens (synthetic, for the scan tests).',
      'detectors:',
      '  - id: acme-token',
      '    provider: acme',
      '    description: Acme token (acme_ + 32 lowercase alnum).',
      "    pattern: '\\b(?<secret>acme_[a-z0-9]{32})\\b'",
      '    keywords: [acme_]',
      '    entropy: 3.0',
      '    severity: critical',
      '    examples:',
      `      genuine: [acme_${'q8w7e6r5t4y3u2i1o9p8a7s6d5f4g3h2'}]`,
      '',
    ].join('\n'),
  );
  const src = join(top, 'cfg-src');
  mkdirSync(src);
  writeFileSync(join(src, 'a.txt'), `token: ${acme}\n`);
  writeFileSync(join(src, 'b.env'), `DB_PASSWORD="${pw}"\n`);
  const cfg = (name: string, body: string): string => {
    const f = join(top, name);
    writeFileSync(f, `upstreams: {}\n${body}`);
    return f;
  };

  it('packs: only the configured pack directory is loaded', async () => {
    const c = cfg('acme-only.yaml', 'detect:\n  packs: [packs]\n');
    const r = await scan(['--format', 'jsonl', '--no-model', '--config', c, src]);
    expect(jsonl(r.out).map((l) => [l.type, l.value])).toEqual([['acme-token', acme]]);
    expect(r.code).toBe(1);
    // Without the config the bundled packs know nothing of acme tokens.
    expect(jsonl((await scan(['--format', 'jsonl', '--no-model', join(src, 'a.txt')])).out).filter((l) => l.type === 'acme-token')).toEqual([]);
  });

  it('policy: redact/block fail the scan, warn/allow only report; per-type overrides and shadow apply', async () => {
    const packs = `detect:\n  packs: [packs, ${join(ROOT, 'filter-packs')}]\n`;
    const warnAll = cfg('warn.yaml', `${packs}policy:\n  genuine: warn\n`);
    const r1 = await scan(['--format', 'json', '--no-model', '--config', warnAll, src]);
    expect(r1.code).toBe(0);
    const f1 = (JSON.parse(r1.out) as { findings: { type: string; fails: boolean; action: string }[] }).findings;
    expect(f1.map((f) => [f.type, f.action, f.fails])).toEqual([['acme-token', 'warn', false], ['generic-password', 'warn', false]]);

    const typeBlock = cfg('type.yaml', `${packs}policy:\n  genuine: warn\n  types:\n    generic-password: block\n`);
    const r2 = await scan(['--format', 'json', '--no-model', '--config', typeBlock, src]);
    expect(r2.code).toBe(1);
    const f2 = (JSON.parse(r2.out) as { findings: { type: string; fails: boolean }[] }).findings;
    expect(f2.filter((f) => f.fails).map((f) => f.type)).toEqual(['generic-password']);

    const placeholders = cfg('ph.yaml', `${packs}policy:\n  genuine: warn\n  placeholder: block\n`);
    const r3 = await scan(['--no-model', '--config', placeholders, join(dir, 'app.env')]);
    expect(r3.code).toBe(1);
    expect(r3.out).toMatch(/FAIL  \S+  placeholder/);

    const shadow = cfg('shadow.yaml', `${packs}policy:\n  shadow: true\n`);
    expect((await scan(['--no-model', '--config', shadow, src])).code).toBe(0);
  });

  it('an invalid config file exits 2 naming the key', async () => {
    const bad = cfg('bad.yaml', 'policy:\n  genuine: explode\n');
    const r = await scan(['--no-model', '--config', bad, src]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/policy\.genuine/);
  });
});
