// `leakgate serve` as a process: invalid config exits 2 naming file/key/expectation; the embedded
// default config starts (even without the model/packs wired: degraded /readyz, not a crash) and
// SIGTERM drains and exits 0.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENTRY = "import('./src/cli/main.ts').then((m) => m.main(process.argv.slice(1)))";

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', ENTRY, ...args], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('leakgate serve', () => {
  it('an invalid config file exits 2 with file, key path and expectation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: 99999\nupstreams:\n  openai: { url: "not a url", api: openai }\n');
    const p = run(['serve', '--config', file]);
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain(`${file}: server.port:`);
    expect(p.err()).toContain(`${file}: upstreams.openai.url:`);
    expect(p.err()).toContain('LG_ERR_CONFIG_INVALID');
  });

  it('unknown commands and options are usage errors (exit 2)', async () => {
    expect(await run(['bogus']).exited).toBe(2);
    expect(await run(['serve', '--nope']).exited).toBe(2);
  });

  it('starts with the embedded default config, answers /healthz, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const p = run(['serve'], { LEAKGATE_PORT: String(port), LEAKGATE_AUDIT_DB: join(mkdtempSync(join(tmpdir(), 'lg-')), 'audit.db') });
    let health = 0;
    for (let i = 0; i < 100 && health !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    }
    expect(health).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect([200, 503]).toContain(ready.status);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out()).toContain('leakgate listening');
  }, 30_000);
});
