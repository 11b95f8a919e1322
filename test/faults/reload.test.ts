// A pack file broken during hot reload (detect.watch: true, real guard): the error is logged
// ('reload rejected'), the old packs stay in force and keep redacting; a later valid edit is applied.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { committedPacksDir } from '../hostile/helpers/packs.js';
import { chat, post, startRealGateway, type RealGateway } from '../hostile/helpers/real-gateway.js';
import { plant } from '../hostile/helpers/secrets.js';

let provider: FakeProvider;
let gw: RealGateway;
let packDir = '';

beforeAll(async () => {
  provider = await startFakeProvider();
  packDir = join(mkdtempSync(join(tmpdir(), 'lg-reload-')), 'packs');
  cpSync(committedPacksDir(), packDir, { recursive: true });
  gw = await startRealGateway({ upstream: provider.url, packs: [packDir], config: { detect: { watch: true } } });
}, 30_000);
afterAll(async () => {
  await gw.close();
  await provider.close();
  rmSync(join(packDir, '..'), { recursive: true, force: true });
});

describe('hot reload of packs', () => {
  it('a broken YAML is rejected and logged; the old detectors keep redacting', async () => {
    const cloud = join(packDir, 'cloud.yaml');
    const good = readFileSync(cloud, 'utf8');
    writeFileSync(cloud, `${good}\n  - id: [broken\n    pattern: '(unclosed'\n`);
    await expect.poll(() => gw.logText().includes('reload rejected'), { timeout: 5000 }).toBe(true);
    const line = gw.logs.find((l) => String(l.msg).includes('reload rejected'));
    expect(line?.level).toBe(50);
    expect(String(line?.err)).toContain('cloud.yaml');
    const key = plant('aws');
    const r = await post(`${gw.url}/openai/v1/chat/completions`, chat(`AWS_ACCESS_KEY_ID=${key.value}`));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-leakgate-action')).toBe('redact');
    expect(provider.requests.at(-1)?.raw.toString()).not.toContain(key.value);

    // A valid pack again: applied ('rules reloaded'), still redacting.
    writeFileSync(cloud, good);
    await expect.poll(() => gw.logText().includes('rules reloaded'), { timeout: 5000 }).toBe(true);
    const key2 = plant('aws');
    const r2 = await post(`${gw.url}/openai/v1/chat/completions`, chat(`AWS_ACCESS_KEY_ID=${key2.value}`));
    expect(r2.headers.get('x-leakgate-action')).toBe('redact');
    expect(provider.requests.at(-1)?.raw.toString()).not.toContain(key2.value);
  }, 15_000);

  it('a pack with a regex RE2 refuses (backreference) is rejected the same way', async () => {
    const before = gw.logs.filter((l) => String(l.msg).includes('reload rejected')).length;
    const extra = join(packDir, 'zz-evil.yaml');
    const ai = readFileSync(join(packDir, 'ai.yaml'), 'utf8');
    // Same shape as a real pack, one detector whose pattern needs backtracking.
    const name = /^pack:\s*(\S+)/m.exec(ai)?.[1] ?? 'ai';
    writeFileSync(extra, ai.replace(/^pack:\s*\S+/m, `pack: ${name}-evil`).replace(/- id: /g, '- id: evil-').replace(/pattern: .*/, "pattern: '(?<secret>(a+)+)\\2'"));
    await expect.poll(() => gw.logs.filter((l) => String(l.msg).includes('reload rejected')).length, { timeout: 5000 }).toBeGreaterThan(before);
    const line = gw.logs.filter((l) => String(l.msg).includes('reload rejected')).at(-1);
    expect(String(line?.err)).toMatch(/zz-evil\.yaml.*(RE2|compile)/);
    rmSync(extra);
    const key = plant('github');
    const r = await post(`${gw.url}/openai/v1/chat/completions`, chat(`token ${key.value}`));
    expect(r.headers.get('x-leakgate-action')).toBe('redact');
  }, 15_000);
});
