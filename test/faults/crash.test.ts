// kill -9 of a `leakgate serve` child process under load: after a restart on the same database,
// `leakgate audit verify` passes and every request the fake provider received has its request row
// (a request is forwarded only after its row is committed). Runs the built CLI (bin/ → dist/).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { committedPacksDir } from '../hostile/helpers/packs.js';
import { chat, readRows, requestIdOf } from '../hostile/helpers/real-gateway.js';
import { leaked, plant, type Planted } from '../hostile/helpers/secrets.js';

const BIN = resolve(PACKAGE_ROOT, 'bin', 'leakgate.js');
let provider: FakeProvider;
let dir = '';
let cfgFile = '';
let dbFile = '';

beforeAll(async () => {
  provider = await startFakeProvider();
  dir = mkdtempSync(join(tmpdir(), 'lg-crash-'));
  dbFile = join(dir, 'audit.db');
  cfgFile = join(dir, 'leakgate.yaml');
  writeFileSync(
    cfgFile,
    stringify({
      server: { host: '127.0.0.1', port: 0 },
      upstreams: { openai: { url: provider.url, api: 'openai' } },
      detect: { packs: [committedPacksDir()], watch: false },
      audit: { db: dbFile },
      log: { level: 'info' },
    }),
  );
});
afterAll(async () => {
  await provider.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Serve {
  child: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<number | null>;
}

function serve(): Promise<Serve> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LEAKGATE_PORT: '' } });
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out.slice(-500)}`)), 20_000);
    const onData = (c: Buffer): void => {
      out += c.toString('utf8');
      const m = /"port":(\d+)[^\n]*"msg":"leakgate listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ child, url: `http://127.0.0.1:${m[1]}`, out: () => out, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${out.slice(-500)}`)));
  });
}

describe('crash under load', () => {
  it('kill -9 mid-load, restart: audit verify passes, every forwarded request has its row', async () => {
    const planted: Planted[] = [];
    const first = await serve();
    let n = 0;
    let stop = false;
    const outcomes = { ok: 0, failed: 0 };
    const worker = async (w: number): Promise<void> => {
      while (!stop) {
        const p = plant(n % 2 ? 'aws' : 'github');
        planted.push(p);
        const id = `crash-${w}-${n++}`;
        const stream = n % 3 === 0;
        try {
          const r = await fetch(`${first.url}/openai/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': id },
            body: chat(`key ${p.value}`, stream ? { stream: true } : {}),
          });
          await r.text();
          outcomes.ok++;
        } catch {
          outcomes.failed++;
          return; // the gateway is gone
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    await expect.poll(() => provider.requests.length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(60);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    stop = true;
    await Promise.all(workers);
    const received = provider.requests.map((r) => String(r.headers['x-request-id']));
    expect(received.length).toBeGreaterThanOrEqual(60);

    // Restart on the same database: the chain continues; then a graceful stop (final checkpoint).
    const second = await serve();
    const after = await fetch(`${second.url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'after-restart' }, body: chat('hello again') });
    expect(after.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--db', dbFile], { encoding: 'utf8' });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    const rows = readRows(dbFile);
    const requestRows = new Set(rows.filter((r) => r.body.direction === 'request').map(requestIdOf));
    const missing = received.filter((id) => !requestRows.has(id));
    expect(missing).toEqual([]);
    expect(requestRows.has('after-restart')).toBe(true);
    // The gap is on record: one row from the restarted gateway naming the rows its predecessor never signed.
    const restarts = rows.filter((r) => r.body.direction === 'gateway');
    expect(restarts).toHaveLength(1);
    expect(JSON.stringify(restarts[0]!.body)).toContain('LG_AUDIT_UNCLEAN_SHUTDOWN');
    // No planted key reached the provider or the process output.
    expect(leaked(Buffer.concat(provider.requests.map((r) => r.raw)), planted)).toEqual([]);
    expect(leaked(first.out() + second.out(), planted)).toEqual([]);
  }, 45_000);
});
