import { describe, expect, it } from 'vitest';
import type { Finding, SecretClass } from '../../src/detect/types.js';
import { compilePolicy, decideFinding, summarize } from '../../src/policy/decide.js';
import type { Action, DecidedFinding } from '../../src/policy/types.js';
import { testConfig } from './helpers/fixtures.js';

function finding(cls: SecretClass, type = 'aws-access-key-id', pack = 'cloud'): Finding {
  return {
    path: 'p', start: 0, end: 4, line: 1, column: 1, value: 'xxxx', type, class: cls,
    confidence: 0.9, severity: 'high', detectors: [type], pack, entropy: 2, signals: [],
  };
}

// Every layer sets a distinct action for genuine; removing the higher one must reveal the next.
const layered = {
  upstreams: {
    openai: { url: 'http://127.0.0.1:1', api: 'openai', policy: { genuine: 'warn' } },
    internal: { url: 'http://127.0.0.1:2', api: 'openai' },
  },
  policy: {
    genuine: 'redact',
    types: { 'aws-access-key-id': 'block', 'github-pat': 'allow' },
    packs: { cloud: { genuine: 'allow', placeholder: 'redact' }, vcs: { genuine: 'warn' } },
    tenants: { header: 'x-tenant', overrides: { acme: { genuine: 'allow' } } },
  },
};

describe('decideFinding precedence: tenant > route > type > pack > global (pack-file defaults replace built-ins)', () => {
  const table = compilePolicy(testConfig(layered), new Map([['generic', { genuine: 'block' as Action }]]));
  const cases: [string, string, Finding, Action][] = [
    ['tenant override wins over route', 'openai/acme', finding('genuine'), 'allow'],
    ['route wins over type', 'openai/default', finding('genuine'), 'warn'],
    ['type wins over pack', 'internal/default', finding('genuine'), 'block'],
    ['type (allow) wins over pack (warn)', 'internal/default', finding('genuine', 'github-pat', 'vcs'), 'allow'],
    ['pack wins over pack-file default and global', 'internal/default', finding('genuine', 'x-token', 'vcs'), 'warn'],
    ['pack-file default wins over global', 'internal/default', finding('genuine', 'generic-password', 'generic'), 'block'],
    ['global genuine', 'internal/default', finding('genuine', 'x-token', 'other'), 'redact'],
    ['global placeholder', 'internal/default', finding('placeholder', 'x-token', 'other'), 'warn'],
    ['global benign', 'internal/default', finding('benign', 'x-token', 'other'), 'allow'],
    // pack sets placeholder: redact, but the type layer (more specific) says block for genuine: kept as written (redact ≤ block).
    ['pack placeholder setting applies', 'internal/default', finding('placeholder'), 'redact'],
    // type says allow for github-pat genuine: a placeholder github-pat (global warn) is not treated more harshly.
    ['placeholder capped by a more specific genuine setting', 'internal/default', finding('placeholder', 'github-pat', 'vcs'), 'allow'],
  ];
  for (const [name, where, f, want] of cases) {
    it(name, () => {
      const [route, tenant] = where.split('/') as [string, string];
      expect(decideFinding(f, table.scopeFor(route, tenant)).action).toBe(want);
    });
  }

  it('an explicit placeholder setting at a more specific layer is kept as written', () => {
    const t = compilePolicy(testConfig({ policy: { genuine: 'warn', tenants: { overrides: { t1: { placeholder: 'block' } } } } }));
    expect(decideFinding(finding('placeholder'), t.scopeFor('openai', 't1')).action).toBe('block');
  });

  it('LEAKGATE_ACTION (policy.genuine) sets the genuine default; placeholders warn, benign allowed', () => {
    const t = compilePolicy(testConfig({ policy: { genuine: 'block' } }));
    const s = t.scopeFor('openai', 'default');
    expect(decideFinding(finding('genuine'), s).action).toBe('block');
    expect(decideFinding(finding('placeholder'), s).action).toBe('warn');
    expect(decideFinding(finding('benign'), s).action).toBe('allow');
  });

  it('pack-file defaults apply only while the global action is the built-in default (LEAKGATE_ACTION wins)', () => {
    const files = new Map([['cloud', { genuine: 'block' as Action, placeholder: 'allow' as Action }]]);
    const builtin = compilePolicy(testConfig(), files).scopeFor('openai', 'default');
    expect(decideFinding(finding('genuine'), builtin).action).toBe('block');
    expect(decideFinding(finding('placeholder'), builtin).action).toBe('allow');
    const operator = compilePolicy(testConfig({ policy: { genuine: 'warn' } }), files).scopeFor('openai', 'default');
    expect(decideFinding(finding('genuine'), operator).action).toBe('warn');
    expect(decideFinding(finding('placeholder'), operator).action).toBe('allow');
  });

  it('unknown route falls back to global', () => {
    const t = compilePolicy(testConfig(layered));
    expect(decideFinding(finding('genuine', 'x', 'other'), t.scopeFor('nope', 'default')).action).toBe('redact');
  });
});

describe('shadow and summarize', () => {
  const d = (action: Action, shadow = false): DecidedFinding => ({ ...finding('genuine'), action, shadow });

  it('the request action is the strongest of its findings', () => {
    const s = compilePolicy(testConfig()).scopeFor('openai', 'default');
    expect(summarize([d('warn'), d('block'), d('redact')], s)).toEqual({ action: 'block', shadow: false });
    expect(summarize([], s)).toEqual({ action: 'allow', shadow: false });
  });

  it('route shadow: every finding shadowed, decision shows the would-be action', () => {
    const cfg = testConfig({ upstreams: { openai: { url: 'http://127.0.0.1:1', api: 'openai', shadow: true } } });
    const s = compilePolicy(cfg).scopeFor('openai', 'default');
    const f = decideFinding(finding('genuine'), s);
    expect(f).toMatchObject({ action: 'redact', shadow: true });
    expect(summarize([f], s)).toEqual({ action: 'redact', shadow: true });
  });

  it('pack shadow: only that pack is shadowed; live redaction elsewhere still applies', () => {
    const s = compilePolicy(testConfig({ policy: { packs: { cloud: { shadow: true, genuine: 'block' } } } })).scopeFor('openai', 'default');
    const shadowed = decideFinding(finding('genuine'), s);
    const live = decideFinding(finding('genuine', 'github-pat', 'vcs'), s);
    expect(shadowed).toMatchObject({ action: 'block', shadow: true });
    expect(live).toMatchObject({ action: 'redact', shadow: false });
    expect(summarize([shadowed, live], s)).toEqual({ action: 'redact', shadow: false });
    expect(summarize([shadowed], s)).toEqual({ action: 'block', shadow: true });
  });

  it('tenant shadow flag overrides route shadow both ways', () => {
    const cfg = testConfig({
      upstreams: { openai: { url: 'http://127.0.0.1:1', api: 'openai', shadow: true } },
      policy: { tenants: { overrides: { live: { shadow: false }, trial: { shadow: true } } } },
    });
    const t = compilePolicy(cfg);
    expect(decideFinding(finding('genuine'), t.scopeFor('openai', 'live')).shadow).toBe(false);
    expect(decideFinding(finding('genuine'), t.scopeFor('internal', 'trial')).shadow).toBe(true);
  });

  it('fail mode and reversible redaction: route overrides global', () => {
    const cfg = testConfig({
      upstreams: {
        openai: { url: 'http://127.0.0.1:1', api: 'openai', policy: { fail: 'open', reversibleRedaction: true } },
        internal: { url: 'http://127.0.0.1:2', api: 'openai' },
      },
    });
    const t = compilePolicy(cfg);
    expect(t.scopeFor('openai', 'default')).toMatchObject({ fail: 'open', reversibleRedaction: true });
    expect(t.scopeFor('internal', 'default')).toMatchObject({ fail: 'closed', reversibleRedaction: false });
  });
});
