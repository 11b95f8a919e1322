// `leakgate audit query` / `tail` on a log with controlled times: time windows (ISO and "ago"),
// combined filters, human and JSON output (each JSON line carries the row's hash, and the hash
// checks out against the line's signed content), and `tail --follow` picking up rows another
// connection appends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalJson, type CanonicalValue } from '../../src/audit/canonical.js';
import { rowHash } from '../../src/audit/hash-chain.js';
import { openAuditLog } from '../../src/audit/index.js';
import { SqliteStore, type StoredRow } from '../../src/audit/store.js';
import { auditCommand, followRows } from '../../src/cli/audit.js';
import { auditConfig, decision, fakeSecret, tempDir } from './helpers.js';

const tmp = tempDir('lg-audit-query-');
const MIN = 60_000;
let db: string;
let t0: number;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  db = join(tmp.dir, 'q.db');
  // Row i is written i minutes after t0, and the last one 1 minute ago: rows 1..20.
  t0 = Date.now() - 21 * MIN;
  let clock = t0;
  const log = openAuditLog(auditConfig({ db }), { now: () => clock });
  for (let i = 1; i <= 20; i++) {
    clock = t0 + i * MIN;
    const d = decision(log, i, i % 5 === 0 ? [fakeSecret(i)] : []);
    await log.record(i === 7 ? { ...d, action: 'block', failure: { code: 'LG_ERR_AUDIT_TEST', reason: 'synthetic' } } : d);
  }
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

const rows = (): Record<string, unknown>[] => stdout.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const seqs = (): unknown[] => rows().map((r) => r.seq);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('audit query', () => {
  it('time windows: ISO bounds are inclusive; durations count back from now', async () => {
    expect(await auditCommand(['query', '--db', db, '--since', iso(t0 + 5 * MIN), '--until', iso(t0 + 8 * MIN), '--json'])).toBe(0);
    expect(seqs()).toEqual([5, 6, 7, 8]);
    stdout = '';
    expect(await auditCommand(['query', '--db', db, '--since', '4m', '--json'])).toBe(0);
    expect(seqs()).toEqual([18, 19, 20]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--until', '19m', '--json']);
    expect(seqs()).toEqual([1, 2]);
    expect(await auditCommand(['query', '--db', db, '--since', 'yesterday-ish'])).toBe(2);
  });

  it('filters combine: action, type, tenant, direction, request id, limit', async () => {
    await auditCommand(['query', '--db', db, '--action', 'redact', '--json']);
    expect(seqs()).toEqual([5, 10, 15, 20]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--action', 'block', '--json']);
    expect(rows()).toEqual([expect.objectContaining({ seq: 7, action: 'block', failure: { code: 'LG_ERR_AUDIT_TEST', reason: 'synthetic' } })]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--type', 'github-pat', '--json']);
    expect(seqs()).toEqual([10, 20]); // even i: ghp_ secrets
    stdout = '';
    await auditCommand(['query', '--db', db, '--type', 'openai-api-key', '--tenant', 'team-b', '--json']);
    expect(seqs()).toEqual([5, 15]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--direction', 'request', '--since', iso(t0 + 10 * MIN), '--limit', '3', '--json']);
    expect(seqs()).toEqual([10, 12, 14]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--request-id', 'req-13', '--json']);
    expect(seqs()).toEqual([13]);
    stdout = '';
    await auditCommand(['query', '--db', db, '--tenant', 'nobody', '--json']);
    expect(stdout).toBe('');
  });

  it('JSON lines carry the hash of exactly the signed row they show', async () => {
    await auditCommand(['query', '--db', db, '--json']);
    const all = rows();
    expect(all).toHaveLength(20);
    for (const r of all) {
      const { hash, ...row } = r;
      expect(rowHash(canonicalJson(row as Record<string, CanonicalValue>)).toString('hex')).toBe(hash);
    }
  });

  it('human output: one line per decision with its findings (fingerprint prefix, never a value), count on stderr', async () => {
    expect(await auditCommand(['query', '--db', db, '--action', 'redact'])).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^#5 ${iso(t0 + 5 * MIN)} response redact +route=openai tenant=team-b id=req-5$`));
    expect(lines[1]).toMatch(/^ {4}openai-api-key\(genuine,redact\) fp=[0-9a-f]{12} at messages\[0\]\.content\[10:\d+\]$/);
    expect(lines.filter((l) => l.startsWith('#'))).toHaveLength(4);
    expect(stderr).toBe('4 row(s)\n');
    stdout = '';
    await auditCommand(['query', '--db', db, '--action', 'block']);
    expect(stdout).toMatch(/^#7 \S+ response block +route=openai tenant=team-b id=req-7 failure=LG_ERR_AUDIT_TEST\n$/);
  });

  it('nothing secret in any output: the database holds fingerprints only', async () => {
    await auditCommand(['query', '--db', db, '--json']);
    expect(stdout).not.toMatch(/ghp_[A-Za-z0-9]{36}|sk-proj-[A-Za-z0-9]{36}/);
    expect(readFileSync(db).toString('latin1')).not.toMatch(/ghp_[A-Za-z0-9]{36}|sk-proj-[A-Za-z0-9]{36}/);
  });
});

describe('audit tail', () => {
  it('-n N --json prints the last N decisions oldest first', async () => {
    expect(await auditCommand(['tail', '--db', db, '-n', '2', '--json'])).toBe(0);
    expect(seqs()).toEqual([19, 20]);
    expect(rows()[1]).toMatchObject({ request_id: 'req-20', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await auditCommand(['tail', '--db', db, '-n', 'x'])).toBe(2);
    expect(await auditCommand(['tail', '--db', join(tmp.dir, 'none.db')])).toBe(2);
  });

  it('--follow picks up rows another connection appends, until stopped', async () => {
    const file = join(tmp.dir, 'follow.db');
    const log = openAuditLog(auditConfig({ db: file }));
    await log.record(decision(log, 1));
    const reader = new SqliteStore(file, { readonly: true });
    const seen: StoredRow[] = [];
    const stop = new AbortController();
    const following = followRows(reader, 2, 20, (r) => seen.push(r), stop.signal);
    for (let i = 2; i <= 6; i++) await log.record(decision(log, i));
    const t = Date.now();
    while (seen.length < 5 && Date.now() - t < 5000) await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    expect(await following).toBe(7);
    expect(seen.map((r) => r.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(seen.map((r) => (JSON.parse(r.body) as { request_id: string }).request_id)).toEqual(['req-2', 'req-3', 'req-4', 'req-5', 'req-6']);
    reader.close();
    await log.close();
  });
});
