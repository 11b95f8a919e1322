// One test per attack on the log. The attacker has write access to the SQLite file (and the export),
// never to the signing key.
import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, type CanonicalValue } from '../../src/audit/canonical.js';
import { signCheckpoint } from '../../src/audit/checkpoint.js';
import { exportAuditLog } from '../../src/audit/export.js';
import { rowHash } from '../../src/audit/hash-chain.js';
import { openAuditLog } from '../../src/audit/index.js';
import { PUBLIC_KEY_FILE, rawPublicKey } from '../../src/audit/keys.js';
import { verifyAuditFile, type VerifyOptions, type VerifyReport } from '../../src/audit/verify.js';
import { auditConfig, decision, fakeSecret, tempDir } from './helpers.js';

const ROWS = 60; // decisions; with genesis the log has 61 rows
let root: { dir: string; cleanup: () => void };
let pristine: string; // a clean log, copied for each attack
let pristineSink: string;
let pubPem: string;
let n = 0;

beforeAll(async () => {
  root = tempDir();
  pristine = join(root.dir, 'pristine.db');
  pristineSink = join(root.dir, 'sink.txt');
  const log = openAuditLog(auditConfig({ db: pristine, checkpointEveryRows: 20, checkpointSink: pristineSink }));
  for (let i = 1; i <= ROWS; i++) await log.record(decision(log, i, i % 4 === 0 ? [fakeSecret(i)] : []));
  await log.close();
  pubPem = readFileSync(join(`${pristine}.keys`, PUBLIC_KEY_FILE), 'utf8');
});
afterAll(() => root.cleanup());

/** A fresh copy of the pristine log, altered by `attack` through a direct SQLite connection. */
function attacked(attack: (db: Database.Database) => void): string {
  const file = join(root.dir, `attacked-${++n}.db`);
  const src = new Database(pristine, { readonly: true });
  src.exec(`VACUUM INTO '${file}'`);
  src.close();
  const db = new Database(file);
  attack(db);
  db.close();
  return file;
}

function body(db: Database.Database, seq: number): Record<string, CanonicalValue> {
  return JSON.parse((db.prepare('SELECT body FROM rows WHERE seq = ?').get(seq) as { body: string }).body) as Record<string, CanonicalValue>;
}

function put(db: Database.Database, seq: number, obj: Record<string, CanonicalValue>, rehash: boolean): void {
  const text = canonicalJson(obj);
  if (rehash) db.prepare('UPDATE rows SET body = ?, hash = ? WHERE seq = ?').run(text, rowHash(text), seq);
  else db.prepare('UPDATE rows SET body = ? WHERE seq = ?').run(text, seq);
}

/** Recomputes every hash and link from `from` on, as an attacker without the signing key can. */
function rechain(db: Database.Database, from: number): void {
  let prev = (db.prepare('SELECT hash FROM rows WHERE seq = ?').get(from - 1) as { hash: Buffer }).hash.toString('hex');
  for (const r of db.prepare('SELECT seq, body FROM rows WHERE seq >= ? ORDER BY seq').all(from) as { seq: number; body: string }[]) {
    const o = JSON.parse(r.body) as Record<string, CanonicalValue>;
    o.prev = prev;
    o.seq = r.seq;
    const text = canonicalJson(o);
    const h = rowHash(text);
    db.prepare('UPDATE rows SET body = ?, hash = ? WHERE seq = ?').run(text, h, r.seq);
    prev = h.toString('hex');
  }
}

const trusted = (): VerifyOptions => ({ publicKey: pubPem });

async function expectBad(file: string, row: number, kind: string, opts: VerifyOptions = trusted()): Promise<VerifyReport> {
  const r = await verifyAuditFile(file, opts);
  expect(r.ok).toBe(false);
  expect(r.firstBad).toMatchObject({ row, kind });
  return r;
}

describe('tamper detection (SQLite file)', () => {
  it('the untouched log verifies, with the trusted key and the external checkpoints', async () => {
    const r = await verifyAuditFile(pristine, { ...trusted(), checkpointText: readFileSync(pristineSink, 'utf8') });
    expect(r).toMatchObject({ ok: true, rows: ROWS + 1, signedThrough: ROWS + 1, keySource: 'pubkey', warnings: [] });
  });

  it('edited row (hash left alone)', async () => {
    const f = attacked((db) => put(db, 10, { ...body(db, 10), action: 'allow', tenant: 'nobody' }, false));
    await expectBad(f, 10, 'edited');
  });

  it('edited row with its own hash recomputed', async () => {
    const f = attacked((db) => put(db, 10, { ...body(db, 10), tenant: 'mallory' }, true));
    const r = await expectBad(f, 10, 'edited');
    expect(r.firstBad?.reason).toMatch(/row 11 links to a different hash/);
  });

  it('deleted row', async () => {
    const f = attacked((db) => db.prepare('DELETE FROM rows WHERE seq = 10').run());
    await expectBad(f, 10, 'deleted');
  });

  it('deleted row with later rows renumbered', async () => {
    const f = attacked((db) => {
      db.prepare('DELETE FROM rows WHERE seq = 10').run();
      db.prepare('UPDATE rows SET seq = -(seq - 1) WHERE seq > 10').run();
      db.prepare('UPDATE rows SET seq = -seq WHERE seq < 0').run();
    });
    await expectBad(f, 10, 'deleted');
  });

  it('inserted row (well-formed, correctly linked, later rows renumbered)', async () => {
    const f = attacked((db) => {
      db.prepare('UPDATE rows SET seq = -(seq + 1) WHERE seq >= 10').run();
      db.prepare('UPDATE rows SET seq = -seq WHERE seq < 0').run();
      const forged: Record<string, CanonicalValue> = { ...body(db, 9), seq: 10, request_id: 'forged', prev: (db.prepare('SELECT hash FROM rows WHERE seq = 9').get() as { hash: Buffer }).hash.toString('hex') };
      const text = canonicalJson(forged);
      db.prepare('INSERT INTO rows (seq, time_ms, body, hash) VALUES (?, ?, ?, ?)').run(10, Date.parse(String(forged.time)), text, rowHash(text));
    });
    await expectBad(f, 10, 'inserted');
  });

  it('inserted row that does not link (intruder)', async () => {
    const f = attacked((db) => {
      db.prepare('UPDATE rows SET seq = -(seq + 1) WHERE seq >= 10').run();
      db.prepare('UPDATE rows SET seq = -seq WHERE seq < 0').run();
      const forged: Record<string, CanonicalValue> = { ...body(db, 11), seq: 10, request_id: 'forged', prev: 'f'.repeat(64) };
      const text = canonicalJson(forged);
      db.prepare('INSERT INTO rows (seq, time_ms, body, hash) VALUES (?, ?, ?, ?)').run(10, Date.parse(String(forged.time)), text, rowHash(text));
      // and the renumbered original rows claim their new places only in the seq column
    });
    const r = await verifyAuditFile(f, trusted());
    expect(r.ok).toBe(false);
    expect(r.firstBad?.row).toBe(10);
    expect(['inserted', 'edited']).toContain(r.firstBad?.kind);
  });

  it('reordered rows', async () => {
    const f = attacked((db) => {
      const a = db.prepare('SELECT body, hash, time_ms FROM rows WHERE seq = 10').get() as { body: string; hash: Buffer; time_ms: number };
      const b = db.prepare('SELECT body, hash, time_ms FROM rows WHERE seq = 12').get() as { body: string; hash: Buffer; time_ms: number };
      db.prepare('UPDATE rows SET body = ?, hash = ?, time_ms = ? WHERE seq = 10').run(b.body, b.hash, b.time_ms);
      db.prepare('UPDATE rows SET body = ?, hash = ?, time_ms = ? WHERE seq = 12').run(a.body, a.hash, a.time_ms);
    });
    await expectBad(f, 10, 'reordered');
  });

  it('truncated tail, stored checkpoints left: caught by the log\'s own signed checkpoint', async () => {
    const f = attacked((db) => db.prepare('DELETE FROM rows WHERE seq >= 45').run());
    await expectBad(f, 45, 'truncated');
  });

  it('truncated tail with the covering checkpoints removed: caught only by an external checkpoint', async () => {
    const f = attacked((db) => {
      db.prepare('DELETE FROM rows WHERE seq >= 45').run();
      db.prepare('DELETE FROM checkpoints WHERE size > 45').run();
    });
    const alone = await verifyAuditFile(f, trusted());
    expect(alone.ok).toBe(true); // undetectable from the log alone: that is what the external note is for
    const r = await expectBad(f, 45, 'truncated', { ...trusted(), checkpointText: readFileSync(pristineSink, 'utf8') });
    expect(r.firstBad?.reason).toMatch(/rows 45\.\.\d+ were removed/);
  });

  it('every hash recomputed after an edit: caught by the signed checkpoints', async () => {
    const f = attacked((db) => {
      put(db, 10, { ...body(db, 10), tenant: 'mallory', findings: [] }, true);
      rechain(db, 11);
    });
    const r = await expectBad(f, 0, 'edited');
    expect(r.firstBad?.reason).toMatch(/rewritten/);
  });

  it('every hash recomputed and every checkpoint deleted: caught by an external checkpoint', async () => {
    const f = attacked((db) => {
      put(db, 10, { ...body(db, 10), tenant: 'mallory', findings: [] }, true);
      rechain(db, 11);
      db.prepare('DELETE FROM checkpoints').run();
    });
    await expectBad(f, 0, 'edited', { ...trusted(), checkpointText: readFileSync(pristineSink, 'utf8') });
    // --strict also refuses a log with no signature coverage at all.
    await expectBad(f, 0, 'bad-signature', { ...trusted(), strict: true });
  });

  it('whole log rewritten and re-signed with the attacker\'s own key: caught by the trusted key', async () => {
    const evil = generateKeyPairSync('ed25519');
    const evilRaw = rawPublicKey(evil.publicKey);
    const f = attacked((db) => {
      put(db, 0, { ...body(db, 0), public_key: evilRaw.toString('base64') }, true);
      put(db, 10, { ...body(db, 10), tenant: 'mallory', findings: [] }, true);
      rechain(db, 1);
      const logId = String(body(db, 0).log_id);
      db.prepare('DELETE FROM checkpoints').run();
      const head = db.prepare('SELECT seq, hash FROM rows ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: Buffer };
      const cp = signCheckpoint({ logId, size: head.seq + 1, head: head.hash, time: new Date().toISOString() }, evil.privateKey, evilRaw);
      db.prepare('INSERT INTO checkpoints (size, head, time_ms, note) VALUES (?, ?, ?, ?)').run(cp.size, cp.head, Date.now(), cp.note);
    });
    await expectBad(f, 0, 'bad-signature'); // --pubkey
    // Trusting only what the log says about itself, it looks intact; the external note still catches it.
    const selfTrust = await verifyAuditFile(f, { keyDir: join(root.dir, 'no-such-dir') });
    expect(selfTrust.ok).toBe(true);
    expect(selfTrust.keySource).toBe('genesis');
    expect(selfTrust.warnings.join(' ')).toMatch(/--pubkey/);
    await expectBad(f, 19, 'bad-signature', { keyDir: join(root.dir, 'no-such-dir'), checkpointText: readFileSync(pristineSink, 'utf8') });
  });

  it('a checkpoint note altered in the log: bad signature', async () => {
    const f = attacked((db) => {
      const cp = db.prepare('SELECT size, note FROM checkpoints ORDER BY size LIMIT 1').get() as { size: number; note: string };
      db.prepare('UPDATE checkpoints SET note = ? WHERE size = ?').run(cp.note.replace(`\n${cp.size}\n`, `\n${cp.size - 5}\n`), cp.size);
    });
    await expectBad(f, 14, 'bad-signature');
  });

  it('an index column edited (time_ms no longer matches the signed time)', async () => {
    const f = attacked((db) => db.prepare('UPDATE rows SET time_ms = time_ms + 3600000 WHERE seq = 7').run());
    await expectBad(f, 7, 'edited');
  });

  it('the genesis row edited', async () => {
    const f = attacked((db) => put(db, 0, { ...body(db, 0), format: 'leakgate-audit/0' }, true));
    await expectBad(f, 0, 'edited');
  });
});

describe('tamper detection (JSONL export)', () => {
  let exported: string;
  beforeAll(async () => {
    exported = join(root.dir, 'export.jsonl');
    await exportAuditLog(pristine, exported);
  });
  const lines = (): string[] => readFileSync(exported, 'utf8').trimEnd().split('\n');
  const write = (ls: string[]): string => {
    const f = join(root.dir, `export-${++n}.jsonl`);
    writeFileSync(f, ls.join('\n') + '\n');
    return f;
  };

  it('the export verifies like the database', async () => {
    const r = await verifyAuditFile(exported, { ...trusted(), checkpointText: readFileSync(pristineSink, 'utf8') });
    expect(r).toMatchObject({ ok: true, source: 'export', rows: ROWS + 1, signedThrough: ROWS + 1 });
  });

  it('edited line', async () => {
    const ls = lines();
    const o = JSON.parse(ls[9]!) as Record<string, unknown>;
    o.tenant = 'mallory';
    ls[9] = JSON.stringify(o);
    await expectBad(write(ls), 10, 'edited');
  });

  it('deleted line', async () => {
    const ls = lines();
    ls.splice(9, 1);
    await expectBad(write(ls), 10, 'deleted');
  });

  it('reordered lines', async () => {
    const ls = lines();
    [ls[9], ls[11]] = [ls[11]!, ls[9]!];
    await expectBad(write(ls), 10, 'reordered');
  });

  it('truncated export: caught by an external checkpoint', async () => {
    const ls = lines().slice(0, 30);
    for (let i = 0; i < ls.length; i++) {
      const o = JSON.parse(ls[i]!) as Record<string, unknown>;
      delete o.checkpoints; // the attacker drops the notes that give the truncation away
      ls[i] = JSON.stringify(o);
    }
    await expectBad(write(ls), 31, 'truncated', { ...trusted(), checkpointText: readFileSync(pristineSink, 'utf8') });
  });
});
