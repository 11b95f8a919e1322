// Policy against the real audit log (SQLite hash chain) and the real detect engine: one row per decision, exported rows carry
// fingerprints, and neither the database files nor the export contain a secret or the client's API key.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { exportAuditLog } from '../../src/audit/export.js';
import { createGuard } from '../../src/policy/index.js';
import { fakeAwsKey, fakeGithubPat, testConfig } from './helpers/fixtures.js';
import { meta } from './helpers/guard.js';
import { pushAll } from './helpers/stream.js';
import { createEngine } from '../../src/detect/engine.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('policy + real audit log', () => {
  it('records request and streamed response rows without secrets or API keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-policy-audit-'));
    dirs.push(dir);
    const config = testConfig({ audit: { db: join(dir, 'audit.db'), keyDir: join(dir, 'keys') } });
    const audit = openAuditLog(config.audit, { baseDir: dir, env: {} });
    const guard = createGuard({ config, engine: createEngine({ packPaths: ['filter-packs'] }), audit });
    const apiKey = 'sk-live-' + fakeGithubPat().slice(4);
    const aws = fakeAwsKey();
    const gh = fakeGithubPat();

    const rg = guard.begin(meta('openai', { authorization: `Bearer ${apiKey}` }));
    const req = await rg.inspect('request', [{ path: 'messages[0].content', text: `my key ${aws}` }]);
    expect(req.rewrites.get('messages[0].content')).toBe('my key [REDACTED:aws-access-key-id]');
    const sg = rg.openStream();
    expect(pushAll(sg, 'choices[0].content', [...`here: ${gh} ok`]).out).toBe('here: [REDACTED:github-personal-access-token] ok');
    await sg.end('complete');
    await guard.begin(meta()).inspect('request', [{ path: 'm', text: 'clean' }]);
    await audit.close();

    const out = join(dir, 'export.jsonl');
    const res = await exportAuditLog(config.audit.db, out);
    expect(res.rows).toBe(3);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.direction, l.action])).toEqual([
      ['request', 'redact'],
      ['response', 'redact'],
      ['request', 'allow'],
    ]);
    const dump = readFileSync(out, 'utf8') + readdirSync(dir).filter((f) => f.startsWith('audit.db')).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('');
    for (const needle of [aws, gh, apiKey, aws.slice(4, 16), gh.slice(4, 16), apiKey.slice(8, 20)]) expect(dump).not.toContain(needle);
    expect(dump).toContain(audit.fingerprint(aws));
    expect(dump).toContain(rg.tenant);
  });
});
