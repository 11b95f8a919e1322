import { describe, expect, it } from 'vitest';
import { fakeAwsKey, fakeGithubPat, fakePassword, fakePem, testConfig } from './helpers/fixtures.js';
import { harness, meta } from './helpers/guard.js';
import { TestEngine } from './helpers/test-engine.js';

describe('RequestGuard.inspect: decide, rewrite, audit', () => {
  it('redacts genuine secrets with [REDACTED:<type>] markers, leaves other segments alone', async () => {
    const { guard } = harness();
    const aws = fakeAwsKey();
    const gh = fakeGithubPat();
    const rg = guard.begin(meta());
    const text = `keys: ${aws} and ${gh}, pw: password = "${fakePassword()}" done`;
    const r = await rg.inspect('request', [
      { path: 'messages[0].content', text },
      { path: 'messages[1].content', text: 'nothing here' },
    ]);
    expect(r.decision.action).toBe('redact');
    expect(r.decision.shadow).toBe(false);
    expect([...r.rewrites.keys()]).toEqual(['messages[0].content']);
    expect(r.rewrites.get('messages[0].content')).toBe(
      'keys: [REDACTED:aws-access-key-id] and [REDACTED:github-pat], pw: password = "[REDACTED:generic-password]" done',
    );
  });

  it('redacts a PEM block as one marker', async () => {
    const { guard } = harness();
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: `key:\n${fakePem()}\nend` }]);
    expect(r.rewrites.get('m')).toBe('key:\n[REDACTED:private-key]\nend');
  });

  it('placeholder → warn: forwarded unchanged; benign-free clean text → allow, still audited', async () => {
    const { guard, audit } = harness();
    const rg = guard.begin(meta());
    const warn = await rg.inspect('request', [{ path: 'm', text: 'AKIAIOSFODNN7EXAMPLE' }]);
    expect(warn.decision.action).toBe('warn');
    expect(warn.rewrites.size).toBe(0);
    const allow = await rg.inspect('response', [{ path: 'c', text: 'hello' }]);
    expect(allow.decision.action).toBe('allow');
    expect(audit.rows.map((r) => [r.direction, r.action])).toEqual([
      ['request', 'warn'],
      ['response', 'allow'],
    ]);
  });

  it('block: strongest action wins, no rewrites', async () => {
    const { guard } = harness(testConfig({ policy: { types: { 'github-pat': 'block' } } }));
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: `${fakeAwsKey()} ${fakeGithubPat()} AKIAIOSFODNN7EXAMPLE` }]);
    expect(r.decision.action).toBe('block');
    expect(r.decision.findings.map((f) => f.action).sort()).toEqual(['block', 'redact', 'warn']);
    expect(r.rewrites.size).toBe(0);
  });

  it('one audit row per inspect, committed before inspect resolves, fingerprints only', async () => {
    const { guard, audit } = harness();
    audit.delayMs = 20;
    const aws = fakeAwsKey();
    const r = await guard.begin(meta('openai', { 'x-request-id': 'abc' })).inspect('request', [{ path: 'messages[0].content', text: `id ${aws}` }]);
    expect(audit.committed).toBe(1);
    const row = audit.rows[0]!;
    expect(row).toMatchObject({ route: 'openai', upstream: 'http://openai.test', direction: 'request', action: 'redact', shadow: false, rulesetHash: 'test-ruleset-1', modelVersion: 'none' });
    expect(row.findings).toEqual([
      expect.objectContaining({ type: 'aws-access-key-id', class: 'genuine', path: 'messages[0].content', start: 3, end: 23, action: 'redact', fingerprint: audit.fingerprint(aws) }),
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain(aws);
    expect(r.decision.findings[0]!.value).toBe(aws);
  });
});

describe('tenants', () => {
  const cfg = testConfig({
    policy: {
      tenants: { header: 'X-Tenant', overrides: { acme: { genuine: 'block' } } },
    },
  });

  it('by configured header: the tenant override applies and the tenant is recorded', async () => {
    const { guard, audit } = harness(cfg);
    const rg = guard.begin(meta('openai', { 'x-tenant': 'acme', authorization: 'Bearer sk-abc' }));
    expect(rg.tenant).toBe('acme');
    const r = await rg.inspect('request', [{ path: 'm', text: fakeAwsKey() }]);
    expect(r.decision.action).toBe('block');
    expect(audit.rows[0]!.tenant).toBe('acme');
  });

  it('by keyed fingerprint of the API key; the raw key never appears in audit rows', async () => {
    const apiKey = 'sk-proj-' + fakeGithubPat().slice(4) + 'LIVEKEY';
    const probe = harness(cfg);
    const tenant = probe.guard.begin(meta('openai', { authorization: `Bearer ${apiKey}` })).tenant;
    expect(tenant).toMatch(/^key:[0-9a-f]{16}$/);
    expect(tenant).not.toContain(apiKey);
    expect(tenant).toBe('key:' + probe.audit.fingerprint(apiKey).slice(0, 16));
    // Configure an override for that fingerprint tenant.
    const { guard, audit } = harness(testConfig({ policy: { tenants: { overrides: { [tenant]: { genuine: 'warn' } } } } }));
    for (const headers of [{ authorization: `Bearer ${apiKey}` }, { 'x-api-key': apiKey }, { 'x-goog-api-key': apiKey }]) {
      const rg = guard.begin(meta('openai', headers));
      expect(rg.tenant).toBe(tenant);
      const r = await rg.inspect('request', [{ path: 'm', text: `${fakeAwsKey()} ${apiKey}` }]);
      expect(r.decision.action).toBe('warn');
    }
    const dump = JSON.stringify(audit.rows);
    expect(dump).toContain(tenant);
    expect(dump).not.toContain(apiKey);
    expect(dump).not.toContain(apiKey.slice(0, 16));
  });

  it('no header, no key → default; header absent → falls back to the key', () => {
    const { guard } = harness(cfg);
    expect(guard.begin(meta()).tenant).toBe('default');
    expect(guard.begin(meta('openai', { 'x-api-key': 'k-123' })).tenant).toMatch(/^key:/);
  });
});

describe('shadow mode', () => {
  it('route shadow: decided and audited, forwarded unchanged', async () => {
    const { guard, audit } = harness(testConfig({ upstreams: { openai: { url: 'http://127.0.0.1:1', api: 'openai', shadow: true, policy: { genuine: 'block' } } } }));
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: fakeAwsKey() }]);
    expect(r.decision).toMatchObject({ action: 'block', shadow: true });
    expect(r.rewrites.size).toBe(0);
    expect(audit.rows[0]).toMatchObject({ action: 'block', shadow: true });
    expect(audit.rows[0]!.findings[0]!.signals).toContain('policy:shadow');
  });

  it('pack shadow next to a live pack: only the live finding is rewritten', async () => {
    const { guard } = harness(testConfig({ policy: { packs: { vcs: { shadow: true } } } }));
    const aws = fakeAwsKey();
    const gh = fakeGithubPat();
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: `${aws} ${gh}` }]);
    expect(r.decision).toMatchObject({ action: 'redact', shadow: false });
    expect(r.rewrites.get('m')).toBe(`[REDACTED:aws-access-key-id] ${gh}`);
  });

  it('tenant shadow', async () => {
    const { guard } = harness(testConfig({ policy: { tenants: { header: 'x-tenant', overrides: { trial: { shadow: true } } } } }));
    const r = await guard.begin(meta('openai', { 'x-tenant': 'trial' })).inspect('request', [{ path: 'm', text: fakeAwsKey() }]);
    expect(r.decision).toMatchObject({ action: 'redact', shadow: true });
    expect(r.rewrites.size).toBe(0);
  });
});

describe('fail modes', () => {
  it('scan error → fail closed by default: block with a clear reason, audited', async () => {
    const { guard, engine, audit, counters } = harness();
    engine.failWith = new Error('model exploded');
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: 'hi' }]);
    expect(r.decision.action).toBe('block');
    expect(r.decision.failure).toEqual({ code: 'LG_ERR_SCAN_FAILED', reason: expect.stringContaining('blocked') });
    expect(r.rewrites.size).toBe(0);
    expect(audit.rows[0]).toMatchObject({ action: 'block', failure: { code: 'LG_ERR_SCAN_FAILED' } });
    expect(counters['failure:LG_ERR_SCAN_FAILED']).toBe(1);
  });

  it('fail open by route override: forwarded unscanned, failure audited', async () => {
    const { guard, engine, audit } = harness(testConfig({ upstreams: { openai: { url: 'http://127.0.0.1:1', api: 'openai', policy: { fail: 'open' } } } }));
    engine.failWith = new Error('boom');
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: 'hi' }]);
    expect(r.decision).toMatchObject({ action: 'allow', failure: { code: 'LG_ERR_SCAN_FAILED' } });
    expect(audit.rows[0]!.failure?.code).toBe('LG_ERR_SCAN_FAILED');
  });

  it('failure() from the proxy (over-limit body) applies the fail mode and is audited', async () => {
    const closed = harness();
    const d = await closed.guard.begin(meta()).failure('request', 'LG_ERR_BODY_TOO_LARGE', 'body over 10 MB');
    expect(d).toMatchObject({ action: 'block', failure: { code: 'LG_ERR_BODY_TOO_LARGE', reason: 'body over 10 MB' } });
    expect(closed.audit.rows[0]).toMatchObject({ action: 'block', failure: { code: 'LG_ERR_BODY_TOO_LARGE' } });
    const open = harness(testConfig({ policy: { fail: 'open' } }));
    expect((await open.guard.begin(meta()).failure('response', 'LG_ERR_BODY_MALFORMED', 'x')).action).toBe('allow');
  });

  it('audit write fails, audit.fail closed (default) → block with LG_ERR_AUDIT_FAILED, no rewrites', async () => {
    const { guard, audit } = harness();
    audit.failing = true;
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: fakeAwsKey() }]);
    expect(r.decision).toMatchObject({ action: 'block', failure: { code: 'LG_ERR_AUDIT_FAILED' } });
    expect(r.rewrites.size).toBe(0);
    const clean = await guard.begin(meta()).inspect('request', [{ path: 'm', text: 'clean' }]);
    expect(clean.decision.action).toBe('block');
  });

  it('audit write fails, audit.fail open → proceeds', async () => {
    const { guard, audit } = harness(testConfig({ audit: { fail: 'open' } }));
    audit.failing = true;
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: fakeAwsKey() }]);
    expect(r.decision.action).toBe('redact');
    expect(r.decision.failure).toBeUndefined();
    expect(r.rewrites.size).toBe(1);
  });
});

describe('reversible redaction', () => {
  const cfg = testConfig({ upstreams: { openai: { url: 'http://127.0.0.1:1', api: 'openai', policy: { reversibleRedaction: true } } } });

  it('request values become stable tokens; the JSON response gets them restored', async () => {
    const { guard, audit } = harness(cfg);
    const rg = guard.begin(meta());
    const aws = fakeAwsKey();
    const gh = fakeGithubPat();
    const req = await rg.inspect('request', [
      { path: 'messages[0].content', text: `use ${aws} and ${gh}` },
      { path: 'messages[1].content', text: `again ${aws}` },
    ]);
    expect(req.rewrites.get('messages[0].content')).toBe('use [REDACTED:aws-access-key-id#1] and [REDACTED:github-pat#2]');
    expect(req.rewrites.get('messages[1].content')).toBe('again [REDACTED:aws-access-key-id#1]');
    const res = await rg.inspect('response', [{ path: 'choices[0].message.content', text: 'Your key [REDACTED:aws-access-key-id#1] and [REDACTED:github-pat#2]; [REDACTED:x#9] stays' }]);
    expect(res.rewrites.get('choices[0].message.content')).toBe(`Your key ${aws} and ${gh}; [REDACTED:x#9] stays`);
    expect(JSON.stringify(audit.rows)).not.toContain(aws);
  });

  it('streamed response: tokens restored even when split over one-character chunks', async () => {
    const { guard } = harness(cfg);
    const rg = guard.begin(meta());
    const aws = fakeAwsKey();
    await rg.inspect('request', [{ path: 'm', text: `key ${aws}` }]);
    const sg = rg.openStream();
    const upstream = 'Sure: [REDACTED:aws-access-key-id#1] is set. [not a token]';
    let out = '';
    for (const ch of upstream) out += sg.push('c', ch).text;
    out += sg.flush('c').text;
    expect(out).toBe(`Sure: ${aws} is set. [not a token]`);
    const done = sg.inspectWhole([{ path: 'output', text: upstream }]);
    expect(done.rewrites.get('output')).toBe(`Sure: ${aws} is set. [not a token]`);
    await sg.end('complete');
  });

  it('off by default: plain markers, nothing restored', async () => {
    const { guard } = harness();
    const rg = guard.begin(meta());
    const req = await rg.inspect('request', [{ path: 'm', text: fakeAwsKey() }]);
    expect(req.rewrites.get('m')).toBe('[REDACTED:aws-access-key-id]');
    const res = await rg.inspect('response', [{ path: 'c', text: '[REDACTED:aws-access-key-id#1]' }]);
    expect(res.rewrites.size).toBe(0);
  });
});

describe('engine hot swap and pack-file defaults', () => {
  it('setEngine: pack defaults of the new engine apply; readiness lists its packs', async () => {
    const { guard } = harness();
    const next = new TestEngine();
    next.rulesetHash = 'test-ruleset-2';
    next.packs = [{ name: 'cloud', spec: { actions: { genuine: 'block' } } }];
    guard.setEngine(next);
    expect(guard.engine).toBe(next);
    const r = await guard.begin(meta()).inspect('request', [{ path: 'm', text: `${fakeAwsKey()} ${fakeGithubPat()}` }]);
    expect(r.decision.findings.map((f) => [f.type, f.action])).toEqual([
      ['aws-access-key-id', 'block'],
      ['github-pat', 'redact'],
    ]);
    expect(guard.readiness().components.packs).toMatch(/^1 loaded \(test-ruleset/);
  });
});

describe('readiness', () => {
  it('reports model, audit and packs; not ready when audit is down and fails closed', () => {
    const { guard, audit } = harness();
    expect(guard.readiness()).toEqual({ ready: true, components: { model: 'disabled', audit: 'healthy', packs: expect.stringContaining('test-ruleset') } });
    audit.failing = true;
    expect(guard.readiness().ready).toBe(false);
    expect(guard.readiness().components.audit).toBe('unhealthy');
  });
});
