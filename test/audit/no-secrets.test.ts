// No raw secret (nor a long piece of one) ever reaches the database, its WAL, the keys, the
// checkpoint sink, an export, the CLI output or an error message.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditCommand } from '../../src/cli/audit.js';
import { exportAuditLog } from '../../src/audit/export.js';
import { openAuditLog } from '../../src/audit/index.js';
import { auditConfig, decision, fakeSecret, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Every 10-character window of each secret's random part (a known prefix like ghp_ says nothing). */
function needles(secrets: string[]): string[] {
  const out: string[] = [];
  for (const s of secrets) {
    const body = s.replace(/^(ghp_|sk-proj-)/, '');
    for (let i = 0; i + 10 <= body.length; i++) out.push(body.slice(i, i + 10));
  }
  return out;
}

function leaks(bytes: Buffer, secrets: string[]): string[] {
  const text = bytes.toString('latin1');
  return needles(secrets).filter((n) => text.includes(n));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

let captured = '';
beforeEach(() => {
  captured = '';
  const grab = (chunk: string | Uint8Array): boolean => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(grab);
  vi.spyOn(process.stderr, 'write').mockImplementation(grab);
});
afterEach(() => vi.restoreAllMocks());

describe('no raw secret anywhere', () => {
  it('database, WAL (while open and after close), keys, sink, export, CLI output', async () => {
    const dir = join(tmp.dir, 'scan');
    const db = join(dir, 'a.db');
    const sink = join(dir, 'sink.txt');
    const secrets = Array.from({ length: 40 }, (_, i) => fakeSecret(i));
    const errors: string[] = [];
    const log = openAuditLog(auditConfig({ db, checkpointEveryRows: 16, checkpointSink: sink }), { onError: (e) => errors.push(e.message) });
    for (let i = 0; i < secrets.length; i++) await log.record(decision(log, i, [secrets[i]!, secrets[(i + 1) % secrets.length]!]));
    // A caller passing the raw value instead of its fingerprint is refused, and the error does not echo it.
    const bad = decision(log, 1000, [secrets[0]!]);
    bad.findings[0]!.fingerprint = secrets[0]!;
    const err = await log.record(bad).catch((e: Error) => e.message);
    errors.push(String(err));

    expect(existsSync(`${db}-wal`)).toBe(true);
    for (const f of filesUnder(dir)) expect({ f, leaks: leaks(readFileSync(f), secrets) }).toEqual({ f, leaks: [] });
    await log.close();
    for (const f of filesUnder(dir)) expect({ f, leaks: leaks(readFileSync(f), secrets) }).toEqual({ f, leaks: [] });

    const out = join(dir, 'export.jsonl');
    await exportAuditLog(db, out);
    expect(leaks(readFileSync(out), secrets)).toEqual([]);
    for (const args of [['query', '--db', db], ['query', '--db', db, '--json'], ['tail', '--db', db, '-n', '100'], ['export', '--db', db], ['verify', '--db', db]]) {
      await auditCommand(args);
    }
    expect(captured.length).toBeGreaterThan(1000);
    expect(leaks(Buffer.from(captured), secrets)).toEqual([]);
    expect(leaks(Buffer.from(errors.join('\n')), secrets)).toEqual([]);
    // The fingerprints are there: the same secret correlates across events.
    expect(readFileSync(out, 'utf8').split(log.fingerprint(secrets[5]!)).length - 1).toBe(2);
  });
});
