// kill -9 during load: everything a caller was told is committed survives, and the chain verifies.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { auditConfig, decision, tempDir } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/record-forever.ts', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function runAndKill(db: string, minLines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (!killed && out.split('\n').length > minLines) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (errText += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`child exited ${code}: ${errText}`));
      // A partially written last line is not a committed id.
      const lines = out.split('\n');
      lines.pop();
      resolve(lines);
    });
  });
}

describe('crash safety', () => {
  it('kill -9 under load loses no committed row; the chain verifies; restart continues it', async () => {
    const db = join(tmp.dir, 'crash.db');
    const committed = await runAndKill(db, 3000);
    expect(committed.length).toBeGreaterThan(3000);

    const report = await verifyAuditFile(db);
    expect(report.ok).toBe(true);
    expect(report.rows).toBeGreaterThan(committed.length); // genesis + every committed row (+ maybe a few not yet printed)

    const d = new Database(db, { readonly: true });
    const ids = new Set((d.prepare("SELECT json_extract(body, '$.request_id') AS id FROM rows WHERE seq > 0").pluck().all() as string[]));
    d.close();
    const missing = committed.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);

    // Restart: the chain continues from the surviving head and still verifies (final checkpoint at close).
    const log = openAuditLog(auditConfig({ db }));
    await log.record(decision(log, 999_999));
    await log.close();
    const after = await verifyAuditFile(db);
    // Rows the killed run never covered by a checkpoint are named by one 'gateway' row on restart.
    const gap = report.signedThrough < report.rows ? 1 : 0;
    expect(after).toMatchObject({ ok: true, rows: report.rows + 1 + gap, signedThrough: report.rows + 1 + gap });
    const d2 = new Database(db, { readonly: true });
    const restarts = d2.prepare("SELECT body FROM rows WHERE json_extract(body, '$.direction') = 'gateway'").pluck().all() as string[];
    d2.close();
    expect(restarts).toHaveLength(gap);
    if (gap) expect(restarts[0]).toContain(`rows ${report.signedThrough}..${report.rows - 1}`);
  }, 60_000);

  it('a clean shutdown and restart records no gap', async () => {
    const db = join(tmp.dir, 'clean.db');
    for (let run = 0; run < 2; run++) {
      const log = openAuditLog(auditConfig({ db }));
      await log.record(decision(log, run));
      await log.close();
    }
    const d = new Database(db, { readonly: true });
    const restarts = d.prepare("SELECT count(*) FROM rows WHERE json_extract(body, '$.direction') = 'gateway'").pluck().get();
    d.close();
    expect(restarts).toBe(0);
    expect(await verifyAuditFile(db)).toMatchObject({ ok: true, rows: 3, signedThrough: 3 });
  });
});
