// The verifier's fast paths (hex hashes, text reads of seq/prev/kind/time, export lines hashed as
// bytes) must reach the same verdicts as the full parse: these attacks target exactly what the fast
// path reads, and the harmless variants (reformatted export, multi-byte text across read chunks)
// must still verify.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, type CanonicalValue } from '../../src/audit/canonical.js';
import { exportAuditLog } from '../../src/audit/export.js';
import { rowHash } from '../../src/audit/hash-chain.js';
import { openAuditLog } from '../../src/audit/index.js';
import { PUBLIC_KEY_FILE } from '../../src/audit/keys.js';
import { verifyAuditFile, type VerifyReport } from '../../src/audit/verify.js';
import type { AuditDecision } from '../../src/audit/types.js';
import { auditConfig, decision, fakeSecret, tempDir } from './helpers.js';

// Enough rows that the export spans several 1 MiB read chunks, with multi-byte UTF-8 in every row
// so that chunk boundaries fall inside characters.
const ROWS = 3000;
let root: { dir: string; cleanup: () => void };
let db: string;
let sink: string;
let pub: string;
let exported: string;
let n = 0;

beforeAll(async () => {
  root = tempDir('lg-verify-fast-');
  db = join(root.dir, 'log.db');
  sink = join(root.dir, 'sink.txt');
  const log = openAuditLog(auditConfig({ db, checkpointEveryRows: 250, checkpointSink: sink }));
  let pending: Promise<void>[] = [];
  for (let i = 1; i <= ROWS; i++) {
    // Batches of 100 (one group commit each), so checkpoints fall every 250-300 rows.
    if (pending.length === 100) {
      await Promise.all(pending);
      pending = [];
    }
    const d: AuditDecision = decision(log, i, i % 7 === 0 ? [fakeSecret(i)] : []);
    // Tenant names with 2-, 3- and 4-byte UTF-8 characters and a padded request id (long lines).
    pending.push(log.record({ ...d, tenant: `équipe-东京-🔑-${i % 5}`, requestId: `req-${i}-${'x'.repeat(300)}` }));
  }
  await Promise.all(pending);
  await log.close();
  pub = readFileSync(join(`${db}.keys`, PUBLIC_KEY_FILE), 'utf8');
  exported = join(root.dir, 'log.jsonl');
  await exportAuditLog(db, exported);
}, 60_000);
afterAll(() => root.cleanup());

const lines = (): string[] => readFileSync(exported, 'utf8').trimEnd().split('\n');
const write = (text: string): string => {
  const f = join(root.dir, `v-${++n}.jsonl`);
  writeFileSync(f, text);
  return f;
};

async function verify(file: string, external = false): Promise<VerifyReport> {
  return verifyAuditFile(file, { publicKey: pub, ...(external ? { checkpointText: readFileSync(sink, 'utf8') } : {}) });
}

/** Re-links every line from `from` on after an edit, as an attacker without the key can. */
function rechainLines(ls: string[], from: number): void {
  let prev = (JSON.parse(ls[from - 1]!) as { hash: string }).hash;
  for (let i = from; i < ls.length; i++) {
    const o = JSON.parse(ls[i]!) as Record<string, CanonicalValue>;
    const cps = o.checkpoints;
    delete o.hash;
    delete o.checkpoints;
    o.prev = prev;
    const h = rowHash(canonicalJson(o)).toString('hex');
    ls[i] = JSON.stringify({ hash: h, ...(cps ? { checkpoints: cps } : {}), ...o });
    prev = h;
  }
}

describe('export verification (fast path)', () => {
  it('a multi-chunk export with multi-byte text verifies, signed through the last row', async () => {
    expect(readFileSync(exported).length).toBeGreaterThan(2 * (1 << 20));
    const r = await verify(exported, true);
    expect(r).toMatchObject({ ok: true, rows: ROWS + 1, signedThrough: ROWS + 1, firstBad: null });
    expect(r.checkpoints).toBeGreaterThanOrEqual(10);
    // The same log verifies from SQLite with the same counts.
    expect(await verifyAuditFile(db, { publicKey: pub })).toMatchObject({ ok: true, rows: ROWS + 1, signedThrough: ROWS + 1 });
  });

  it('a reformatted but equivalent export (CRLF, spaces, uppercase hash) still verifies through the full path', async () => {
    const ls = lines();
    ls[10] = JSON.stringify(JSON.parse(ls[10]!), null, 1).replace(/\n/g, ' ');
    const o = JSON.parse(ls[11]!) as { hash: string };
    ls[11] = ls[11]!.replace(o.hash, o.hash.toUpperCase());
    const r = await verify(write(ls.join('\r\n') + '\r\n'));
    expect(r).toMatchObject({ ok: true, rows: ROWS + 1 });
  });

  it('an edit with every later hash recomputed is caught by the signed checkpoints that ride in the export', async () => {
    const ls = lines();
    const o = JSON.parse(ls[600]!) as Record<string, unknown>; // row 601
    o.tenant = 'mallory';
    ls[600] = JSON.stringify(o);
    rechainLines(ls, 600);
    const r = await verify(write(ls.join('\n') + '\n'));
    expect(r.ok).toBe(false);
    expect(r.firstBad?.kind).toBe('edited');
    expect(r.firstBad?.row).toBeGreaterThanOrEqual(500);
    expect(r.firstBad?.row).toBeLessThanOrEqual(601);
  });

  it('a forged row whose nested text imitates the keys the fast path reads is still caught', async () => {
    const ls = lines();
    // Row 1000 replaced by a row that claims seq/prev only inside a finding, rehashed and re-linked.
    const o = JSON.parse(ls[999]!) as Record<string, CanonicalValue>;
    const real = { seq: o.seq, prev: o.prev };
    o.findings = [{ kind: 'decision', prev: real.prev, seq: real.seq } as CanonicalValue];
    o.kind = 'genesis';
    ls[999] = JSON.stringify(o);
    rechainLines(ls, 999);
    const r = await verify(write(ls.join('\n') + '\n'));
    expect(r.ok).toBe(false);
    expect(r.firstBad?.row).toBeLessThanOrEqual(1000);
  });

  it('a truncated export with the notes removed is caught by the external checkpoint', async () => {
    const ls = lines().slice(0, 1800).map((l) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      delete o.checkpoints;
      return JSON.stringify(o);
    });
    const r = await verify(write(ls.join('\n') + '\n'), true);
    expect(r.firstBad).toMatchObject({ row: 1801, kind: 'truncated' });
  });
});

describe('SQLite verification (fast path)', () => {
  function copy(attack: (d: Database.Database) => void): string {
    const file = join(root.dir, `a-${++n}.db`);
    const src = new Database(db, { readonly: true });
    src.exec(`VACUUM INTO '${file}'`);
    src.close();
    const d = new Database(file);
    attack(d);
    d.close();
    return file;
  }

  it('a stored hash changed to another valid hash (body untouched) is an edit of that row', async () => {
    const f = copy((d) => d.prepare('UPDATE rows SET hash = ? WHERE seq = 1500').run(rowHash('something else')));
    expect((await verifyAuditFile(f, { publicKey: pub })).firstBad).toMatchObject({ row: 1500, kind: 'edited' });
  });

  it('a body stored as a BLOB with the same bytes still verifies; different bytes do not', async () => {
    const same = copy((d) => d.prepare('UPDATE rows SET body = CAST(body AS BLOB) WHERE seq = 700').run());
    expect((await verifyAuditFile(same, { publicKey: pub })).ok).toBe(true);
    const other = copy((d) => d.prepare("UPDATE rows SET body = CAST(replace(body, '\"tenant\"', '\"tenanT\"') AS BLOB) WHERE seq = 700").run());
    expect((await verifyAuditFile(other, { publicKey: pub })).firstBad).toMatchObject({ row: 700, kind: 'edited' });
  });

  it('time_ms off by one millisecond on a signed row is caught (fast time reader)', async () => {
    const f = copy((d) => d.prepare('UPDATE rows SET time_ms = time_ms + 1 WHERE seq = 2222').run());
    expect((await verifyAuditFile(f, { publicKey: pub })).firstBad).toMatchObject({ row: 2222, kind: 'edited' });
  });
});
