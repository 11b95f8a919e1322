import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditCommand } from '../../src/cli/audit.js';
import { openAuditLog } from '../../src/audit/index.js';
import { PUBLIC_KEY_FILE } from '../../src/audit/keys.js';
import { auditConfig, decision, fakeSecret, tempDir } from './helpers.js';

const tmp = tempDir();
let db: string;
let sink: string;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  db = join(tmp.dir, 'a.db');
  sink = join(tmp.dir, 'sink.txt');
  const log = openAuditLog(auditConfig({ db, checkpointEveryRows: 10, checkpointSink: sink }));
  for (let i = 1; i <= 30; i++) await log.record(decision(log, i, i % 3 === 0 ? [fakeSecret(i)] : []));
  await log.close();
});
afterAll(() => tmp.cleanup());
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
});
afterEach(() => vi.restoreAllMocks());

const pub = (): string => join(`${db}.keys`, PUBLIC_KEY_FILE);

describe('leakgate audit verify', () => {
  it('exit 0 when intact, with --pubkey and --checkpoint', async () => {
    expect(await auditCommand(['verify', '--db', db, '--pubkey', pub(), '--checkpoint', sink])).toBe(0);
    expect(stdout).toMatch(/^intact: 31 rows/);
  });

  it('exit 1 naming the first bad row and why', async () => {
    const bad = join(tmp.dir, 'bad.db');
    const src = new Database(db, { readonly: true });
    src.exec(`VACUUM INTO '${bad}'`);
    src.close();
    const d = new Database(bad);
    d.prepare("UPDATE rows SET body = replace(body, '\"tenant\":\"team-a\"', '\"tenant\":\"team-z\"') WHERE seq = 4").run();
    d.close();
    expect(await auditCommand(['verify', '--db', bad, '--pubkey', pub()])).toBe(1);
    expect(stdout).toMatch(/TAMPERED: first bad row 4: edited/);
    expect(await auditCommand(['verify', '--db', bad, '--json'])).toBe(1);
    expect(JSON.parse(stdout.split('\n').filter(Boolean).at(-1)!)).toMatchObject({ ok: false, firstBad: { row: 4, kind: 'edited' } });
  });

  it('exit 2 on usage and I/O errors', async () => {
    expect(await auditCommand(['verify', '--db', join(tmp.dir, 'missing.db')])).toBe(2);
    expect(await auditCommand(['verify', '--db', db, '--bogus'])).toBe(2);
    expect(await auditCommand(['verify', '--db', db, '--checkpoint', join(tmp.dir, 'none.txt')])).toBe(2);
    const notKey = join(tmp.dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello');
    expect(await auditCommand(['verify', '--db', db, '--pubkey', notKey])).toBe(2);
    expect(await auditCommand(['frobnicate'])).toBe(2);
    expect(stderr).toMatch(/LG_ERR_USAGE/);
  });
});

describe('leakgate audit export', () => {
  it('writes JSONL rows with the stable fields; verify accepts the export', async () => {
    const out = join(tmp.dir, 'out.jsonl');
    expect(await auditCommand(['export', '--db', db, '--out', out])).toBe(0);
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(30);
    rows.forEach((r, i) => {
      expect(r.seq).toBe(i + 1);
      expect(typeof r.time).toBe('string');
      expect(r.request_id).toBe(`req-${i + 1}`);
      expect(['openai', 'anthropic']).toContain(r.route);
      expect(['request', 'response']).toContain(r.direction);
      expect(['allow', 'redact']).toContain(r.action);
      expect(Array.isArray(r.findings)).toBe(true);
    });
    const withFinding = rows[2]!.findings as Record<string, unknown>[];
    expect(withFinding[0]).toMatchObject({ type: expect.any(String), class: 'genuine', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await auditCommand(['verify', '--db', out, '--pubkey', pub(), '--checkpoint', sink])).toBe(0);
  });

  it('writes to stdout without --out', async () => {
    expect(await auditCommand(['export', '--db', db])).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(30);
  });
});

describe('leakgate audit query / tail / keys', () => {
  const jsonRows = (): Record<string, unknown>[] => stdout.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('filters by action, type, tenant, direction and time', async () => {
    expect(await auditCommand(['query', '--db', db, '--action', 'redact', '--json'])).toBe(0);
    expect(jsonRows().map((r) => r.seq)).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--type', 'github-pat', '--tenant', 'team-a', '--json']);
    expect(jsonRows().map((r) => r.seq)).toEqual([6, 12, 18, 24, 30]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--direction', 'response', '--limit', '2', '--json']);
    expect(jsonRows().map((r) => r.seq)).toEqual([1, 3]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--since', '1h', '--json']);
    expect(jsonRows()).toHaveLength(30);
    stdout = '';
    await auditCommand(['query', '--db', db, '--until', '2000-01-01T00:00:00Z', '--json']);
    expect(stdout).toBe('');
    expect(await auditCommand(['query', '--db', db, '--action', 'explode'])).toBe(2);
  });

  it('tail prints the last N decisions, human or JSON', async () => {
    expect(await auditCommand(['tail', '--db', db, '-n', '3'])).toBe(0);
    expect(stdout.match(/^#\d+ /gm)).toEqual(['#28 ', '#29 ', '#30 ']);
    expect(stdout).toMatch(/#30 \S+ request +redact +route=anthropic tenant=team-a id=req-30\n +github-pat\(genuine,redact\) fp=[0-9a-f]{12} at messages\[0\]\.content\[10:50\]/);
  });

  it('keys prints the public key that verifies the checkpoints', async () => {
    expect(await auditCommand(['keys', '--db', db])).toBe(0);
    expect(stdout).toBe(readFileSync(pub(), 'utf8'));
    stdout = '';
    expect(await auditCommand(['keys', '--key-dir', `${db}.keys`, '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ algorithm: 'ed25519', vkey: expect.stringMatching(/^leakgate-audit\+[0-9a-f]{8}\+/) });
    expect(await auditCommand(['keys', '--key-dir', join(tmp.dir, 'nope')])).toBe(2);
  });
});
