import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { FINGERPRINT_KEY_FILE, PUBLIC_KEY_FILE, SIGNING_KEY_FILE } from '../../src/audit/keys.js';
import { parseNotes } from '../../src/audit/checkpoint.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { LeakgateError } from '../../src/errors.js';
import { auditConfig, decision, fakeSecret, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

function rowsIn(db: string): { seq: number; body: string }[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT seq, body FROM rows ORDER BY seq').all() as { seq: number; body: string }[];
  } finally {
    d.close();
  }
}

describe('audit log', () => {
  it('commits concurrent decisions in shared transactions (group commit) and resolves after commit', async () => {
    const db = join(dir(), 'a.db');
    const log = openAuditLog(auditConfig({ db }));
    const ps = Array.from({ length: 500 }, (_, i) => log.record(decision(log, i)));
    await Promise.all(ps);
    expect(log.stats.rows).toBe(500);
    expect(log.stats.batches).toBeLessThanOrEqual(2);
    // Committed: another connection sees all rows before close.
    expect(rowsIn(db)).toHaveLength(501);
    await log.close();
    const report = await verifyAuditFile(db);
    expect(report.ok).toBe(true);
    expect(report.rows).toBe(501);
  });

  it('starts with a genesis row naming the log id, the public key and the format', async () => {
    const db = join(dir(), 'a.db');
    const log = openAuditLog(auditConfig({ db }));
    await log.close();
    const g = JSON.parse(rowsIn(db)[0]!.body) as Record<string, unknown>;
    expect(g).toMatchObject({ kind: 'genesis', format: 'leakgate-audit/1', seq: 0, log_id: log.logId, previous: null, prev: '0'.repeat(64) });
    const pub = readFileSync(join(`${db}.keys`, PUBLIC_KEY_FILE), 'utf8');
    expect(pub).toContain('BEGIN PUBLIC KEY');
    expect(typeof g.public_key).toBe('string');
  });

  it('creates key files with 0600 permissions in <db>.keys, or in LEAKGATE_AUDIT_KEY_DIR', async () => {
    const d = dir();
    const db = join(d, 'a.db');
    const log = openAuditLog(auditConfig({ db }));
    await log.close();
    for (const f of [SIGNING_KEY_FILE, FINGERPRINT_KEY_FILE]) {
      expect(statSync(join(`${db}.keys`, f)).mode & 0o777).toBe(0o600);
    }
    const keyDir = join(d, 'elsewhere');
    const log2 = openAuditLog(auditConfig({ db: join(d, 'b.db') }), { env: { LEAKGATE_AUDIT_KEY_DIR: keyDir } });
    await log2.close();
    expect(existsSync(join(keyDir, SIGNING_KEY_FILE))).toBe(true);
    expect(existsSync(join(d, 'b.db.keys'))).toBe(false);
  });

  it('fingerprints are stable per key, differ across keys, and raw values are refused', async () => {
    const d = dir();
    const a = openAuditLog(auditConfig({ db: join(d, 'a.db') }));
    const b = openAuditLog(auditConfig({ db: join(d, 'b.db') }));
    const s = fakeSecret(0);
    expect(a.fingerprint(s)).toBe(a.fingerprint(s));
    expect(a.fingerprint(s)).toMatch(/^[0-9a-f]{64}$/);
    expect(a.fingerprint(s)).not.toBe(b.fingerprint(s));
    const bad = decision(a, 1, [s]);
    bad.findings[0]!.fingerprint = s;
    await expect(a.record(bad)).rejects.toMatchObject({ code: 'LG_ERR_AUDIT_FAILED' });
    await a.close();
    await b.close();
  });

  it('signs a checkpoint every N rows, at shutdown, and appends each to the external sink', async () => {
    const d = dir();
    const db = join(d, 'a.db');
    const sink = join(d, 'sink', 'checkpoints.txt');
    const log = openAuditLog(auditConfig({ db, checkpointEveryRows: 10, checkpointSink: sink }));
    for (let i = 0; i < 35; i++) await log.record(decision(log, i));
    await log.close();
    const notes = parseNotes(readFileSync(sink, 'utf8'));
    // every 10 rows (genesis counts): sizes 10, 20, 30, then 36 at shutdown.
    expect(notes.map((n) => n.checkpoint?.size)).toEqual([10, 20, 30, 36]);
    const report = await verifyAuditFile(db, { checkpointText: readFileSync(sink, 'utf8') });
    expect(report).toMatchObject({ ok: true, checkpoints: 4, externalCheckpoints: 4, signedThrough: 36 });
  });

  it('signs a checkpoint every T seconds while rows arrive', async () => {
    const db = join(dir(), 'a.db');
    const log = openAuditLog(auditConfig({ db, checkpointEverySeconds: 0.05 }));
    await log.record(decision(log, 1));
    await new Promise((r) => setTimeout(r, 150));
    expect(log.stats.checkpoints).toBe(1);
    await log.close();
    expect(log.stats.checkpoints).toBe(1); // nothing new since: no second note
  });

  it('continues the same chain after a restart', async () => {
    const db = join(dir(), 'a.db');
    const log = openAuditLog(auditConfig({ db }));
    await log.record(decision(log, 1));
    await log.close();
    const again = openAuditLog(auditConfig({ db }));
    expect(again.logId).toBe(log.logId);
    await again.record(decision(again, 2));
    await again.close();
    const report = await verifyAuditFile(db);
    expect(report).toMatchObject({ ok: true, rows: 3, signedThrough: 3 });
  });

  it('rotates by size; the new genesis links to the previous file head', async () => {
    const d = dir();
    const db = join(d, 'audit.db');
    const log = openAuditLog(auditConfig({ db, rotateBytes: 64 * 1024 }));
    const firstId = log.logId;
    for (let i = 0; i < 400; i++) await log.record(decision(log, i, [fakeSecret(i)]));
    expect(log.stats.rotations).toBeGreaterThan(0);
    await log.close();
    const rotated = readdirSync(d).filter((f) => /^audit\.\d{8}T\d{9}Z\.[0-9a-f]{8}\.db$/.test(f)).sort();
    expect(rotated.length).toBe(log.stats.rotations);
    const first = join(d, rotated[0]!);
    const r1 = await verifyAuditFile(first, { keyDir: `${db}.keys` });
    expect(r1.ok).toBe(true);
    expect(r1.logId).toBe(firstId);
    const second = rotated[1] ? join(d, rotated[1]) : db;
    const r2 = await verifyAuditFile(second, { keyDir: `${db}.keys` });
    expect(r2.ok).toBe(true);
    expect(r2.previous).toEqual({ log_id: firstId, size: r1.rows, head: rowHeadHex(first) });
  });

  it('retains only the configured number of rotated files', async () => {
    const d = dir();
    const db = join(d, 'audit.db');
    const log = openAuditLog(auditConfig({ db, rotateBytes: 32 * 1024 }), { retainFiles: 1 });
    for (let i = 0; i < 600; i++) await log.record(decision(log, i, [fakeSecret(i)]));
    await log.close();
    expect(log.stats.rotations).toBeGreaterThan(1);
    expect(readdirSync(d).filter((f) => /^audit\..+\.db$/.test(f))).toHaveLength(1);
  });

  it('fail closed (default): a locked database rejects the record with LG_ERR_AUDIT_FAILED; healthy recovers', async () => {
    const db = join(dir(), 'a.db');
    const log = openAuditLog(auditConfig({ db }), { busyTimeoutMs: 50, onError: () => undefined });
    const other = new Database(db);
    other.exec('BEGIN IMMEDIATE');
    const err = await log.record(decision(log, 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeakgateError);
    expect((err as LeakgateError).code).toBe('LG_ERR_AUDIT_FAILED');
    expect(log.healthy()).toBe(false);
    other.exec('ROLLBACK');
    other.close();
    await log.record(decision(log, 2));
    expect(log.healthy()).toBe(true);
    await log.close();
    const report = await verifyAuditFile(db);
    expect(report).toMatchObject({ ok: true, rows: 2 });
  });

  it('fail open: the record resolves, the failure is reported through onError', async () => {
    const db = join(dir(), 'a.db');
    const errors: Error[] = [];
    const log = openAuditLog(auditConfig({ db, fail: 'open' }), { busyTimeoutMs: 50, onError: (e) => errors.push(e) });
    const other = new Database(db);
    other.exec('BEGIN IMMEDIATE');
    await expect(log.record(decision(log, 1))).resolves.toBeUndefined();
    expect(errors[0]?.message).toMatch(/could not be written/);
    expect(log.healthy()).toBe(false);
    other.exec('ROLLBACK');
    other.close();
    await log.close();
  });

  it('a changed signing key starts a new file instead of signing for the old genesis', async () => {
    const d = dir();
    const db = join(d, 'a.db');
    const log = openAuditLog(auditConfig({ db }));
    await log.record(decision(log, 1));
    await log.close();
    const next = openAuditLog(auditConfig({ db }), { keyDir: join(d, 'new-keys') });
    expect(next.logId).not.toBe(log.logId);
    await next.close();
    expect((await verifyAuditFile(db, { keyDir: join(d, 'new-keys') })).ok).toBe(true);
  });

  it('audit.enabled: false records nothing and still fingerprints', async () => {
    const db = join(dir(), 'a.db');
    const log = openAuditLog(auditConfig({ db, enabled: false }));
    await log.record(decision(log, 1));
    expect(log.fingerprint('x')).toMatch(/^[0-9a-f]{64}$/);
    await log.close();
    expect(existsSync(db)).toBe(false);
  });

  it('rejects records after close', async () => {
    const log = openAuditLog(auditConfig({ db: join(dir(), 'a.db') }));
    await log.close();
    await expect(log.record(decision(log, 1))).rejects.toMatchObject({ code: 'LG_ERR_AUDIT_FAILED' });
  });
});

function rowHeadHex(file: string): string {
  const d = new Database(file, { readonly: true });
  try {
    return (d.prepare('SELECT hash FROM rows ORDER BY seq DESC LIMIT 1').get() as { hash: Buffer }).hash.toString('hex');
  } finally {
    d.close();
  }
}
