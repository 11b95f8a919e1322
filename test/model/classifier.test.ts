import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createClassifier, writeDisagreements, type LeakgateClassifier } from '../../src/detect/model/index.js';
import { checkProbs, loadOnnxSession, type ModelSession } from '../../src/detect/model/session.js';
import type { Finding } from '../../src/detect/types.js';

const modelConfig = (over: Partial<ReturnType<typeof ConfigSchema.parse>['model']> = {}) =>
  ({ ...ConfigSchema.parse({ upstreams: {} }).model, ...over });

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A synthetic random value (generated at test time, never a real credential). */
function randomToken(n: number): string {
  return Array.from(randomBytes(n), (b) => B62[b % 62]).join('');
}

/** A rules finding for `value` inside `text` (segment path 'seg'). */
function findingIn(text: string, value: string, type: string, signals: string[] = ['strength:weak'], cls: Finding['class'] = 'genuine'): Finding {
  const start = text.indexOf(value);
  if (start < 0) throw new Error('value not in text');
  const before = text.slice(0, start);
  return {
    path: 'seg',
    start,
    end: start + value.length,
    line: before.split('\n').length,
    column: start - before.lastIndexOf('\n'),
    value,
    type,
    class: cls,
    confidence: 0.6,
    severity: 'high',
    detectors: [type],
    pack: 'generic',
    entropy: 4,
    signals,
  };
}

const open: LeakgateClassifier[] = [];
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
});

async function make(...args: Parameters<typeof createClassifier>): Promise<LeakgateClassifier> {
  const c = await createClassifier(...args);
  open.push(c);
  return c;
}

describe('committed model', () => {
  it('loads, reports ready and the metadata version', async () => {
    const c = await make(modelConfig());
    expect(c.status().state).toBe('ready');
    const meta = JSON.parse(readFileSync(new URL('../../models/leakgate-classifier.json', import.meta.url), 'utf8')) as { version: string };
    expect(c.version).toBe(meta.version);
  });

  it('tells a placeholder from a genuine value in context', async () => {
    const c = await make(modelConfig());
    const secret = randomToken(40);
    const genuineText = `import os\n\nSTRIPE_SECRET_KEY = "${secret}"\nTIMEOUT = 30\n`;
    const placeholderText = `import os\n\nSTRIPE_SECRET_KEY = "YOUR_STRIPE_SECRET_KEY_HERE"\nTIMEOUT = 30\n`;
    const g = findingIn(genuineText, secret, 'generic-api-key');
    const p = findingIn(placeholderText, 'YOUR_STRIPE_SECRET_KEY_HERE', 'generic-api-key');
    const [rg] = await c.refine([g], new Map([['seg', genuineText]]), { filePath: 'app/settings.py' });
    const [rp] = await c.refine([p], new Map([['seg', placeholderText]]), { filePath: 'app/settings.py' });
    expect(rg?.class).toBe('genuine');
    expect(rg?.signals).toContain('model:genuine');
    expect(rp?.class).toBe('placeholder');
    expect(rp?.signals).toContain('model:placeholder');
    expect(rp?.signals).toContain('rules:genuine');
  });

  it("votes genuine on a provider test-mode key in its real format, placeholder on a made-up test-style one", async () => {
    // Asked directly (no 'test-mode' signal, so fusion's test-mode guard does not apply): the model's own
    // vote follows the class definition it was trained on (a test account's key is a real credential).
    const c = await make(modelConfig());
    const real = `sk_test_${randomToken(32)}`;
    const fake = 'sk_test_xxxxxxxxxxxxxxxxxxxxxxxx';
    const realText = `import stripe\n\nstripe.api_key = "${real}"\n`;
    const fakeText = `import stripe\n\nstripe.api_key = "${fake}"\n`;
    const [r] = await c.refine([findingIn(realText, real, 'stripe-secret-key')], new Map([['seg', realText]]), { filePath: 'billing/client.py' });
    const [f] = await c.refine([findingIn(fakeText, fake, 'stripe-secret-key', ['strength:weak', 'placeholder:repeated', 'placeholder:redacted'], 'placeholder')], new Map([['seg', fakeText]]), { filePath: 'billing/client.py' });
    expect(r?.signals).toContain('model:genuine');
    expect(r?.class).toBe('genuine');
    expect(f?.signals).toContain('model:placeholder');
    expect(f?.class).toBe('placeholder');
  });

  it('tells a digest from a secret under the same value shape', async () => {
    const c = await make(modelConfig());
    const hex = randomBytes(32).toString('hex');
    const lock = `{\n  "name": "left-pad",\n  "checksum": "${hex}",\n  "version": "1.3.0"\n}`;
    const [r] = await c.refine([findingIn(lock, hex, 'high-entropy-hex', [], 'benign')], new Map([['seg', lock]]), { filePath: 'package-lock.json' });
    expect(r?.class).toBe('benign');
  });

  it('keeps strong provider structure on the rules decision', async () => {
    const c = await make(modelConfig());
    const v = `ghp_${randomToken(36)}`;
    const text = `token: ${v}`;
    const [r] = await c.refine([findingIn(text, v, 'github-pat', ['checksum:valid'])], new Map([['seg', text]]));
    // Scored only for the (configured) demotion check, which a random token does not trigger.
    expect(r?.class).toBe('genuine');
    // A strong finding the rules already called placeholder never goes to the model.
    const before = c.stats().skipped;
    const [p] = await c.refine([findingIn(text, v, 'github-pat', ['checksum:invalid', 'strength:strong'], 'placeholder')], new Map([['seg', text]]));
    expect(p?.class).toBe('placeholder');
    expect(p?.signals.some((s) => s.startsWith('model:'))).toBe(false);
    expect(c.stats().skipped).toBe(before + 1);
  });

  it('batches concurrent refine() calls', async () => {
    const c = await make(modelConfig());
    const calls = 12;
    const texts = Array.from({ length: calls }, () => `password = "${randomToken(16)}"`);
    const before = c.stats().batches;
    const results = await Promise.all(
      texts.map((t) => c.refine([findingIn(t, t.slice(12, 28), 'generic-password')], new Map([['seg', t]]), { filePath: 'config/prod.ini' })),
    );
    const batches = c.stats().batches - before;
    expect(results.every((r) => r[0]!.signals.some((s) => /^model:(genuine|placeholder|benign)$/.test(s)))).toBe(true);
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(calls);
  });
});

describe('fallbacks', () => {
  const text = `db_password = "${randomToken(18)}"`;
  const weak = (): Finding => findingIn(text, text.slice(15, 33), 'generic-password', ['strength:weak', 'keyword:password'], 'placeholder');

  it('a missing model file gives a degraded classifier that marks model:unavailable', async () => {
    const c = await make(modelConfig({ path: '/nonexistent/model.onnx' }));
    expect(c.status().state).toBe('degraded');
    expect(c.status().detail).toMatch(/nonexistent|ENOENT/);
    const [r] = await c.refine([weak()], new Map([['seg', text]]));
    expect(r?.class).toBe('placeholder');
    expect(r?.signals).toContain('model:unavailable');
    expect(c.stats().unavailable).toBe(1);
  });

  it('a stalled session times out at the deadline, keeps the rules class and degrades', async () => {
    let runs = 0;
    const stalled: ModelSession = {
      meta: { version: 'stall', sha256: '', thresholds: { genuine: 0.5, placeholder: 0.5, benign: 0.5, strongDemotePlaceholder: null, packs: {} } },
      // The warm-up run answers; every later run never does.
      run: (b) => (runs++ === 0 ? Promise.resolve(new Float32Array(b.length * 3).fill(1 / 3)) : new Promise<Float32Array>(() => {})),
      close: async () => {},
    };
    const c = await make(modelConfig({ deadlineMs: 1 }), { loadSession: async () => stalled });
    expect(c.status().state).toBe('ready');
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      const [r] = await c.refine([weak()], new Map([['seg', text]]));
      expect(r?.class).toBe('placeholder');
      expect(r?.signals).toContain('model:timeout');
    }
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(c.stats().timeouts).toBe(3);
    expect(c.status().state).toBe('degraded');
  });

  it('a malformed model output falls back to the rules class with model:error', async () => {
    const c = await make(modelConfig(), {
      loadSession: async (m, meta, threads) => {
        const real = await loadOnnxSession(m, meta, threads);
        let n = 0;
        return {
          meta: real.meta,
          close: () => real.close(),
          // Warm-up passes; then the model "returns" N×2 instead of N×3.
          run: async (b) => (n++ === 0 ? real.run(b) : checkProbs(new Float32Array(b.length * 2), [b.length, 2], b.length)),
        };
      },
    });
    const [r] = await c.refine([weak()], new Map([['seg', text]]));
    expect(r?.class).toBe('placeholder');
    expect(r?.signals).toContain('model:error');
    expect(c.stats().errors).toBe(1);
  });

  it('disabled: findings pass unchanged', async () => {
    const c = await make(modelConfig({ enabled: false }));
    expect(c.status().state).toBe('disabled');
    const f = weak();
    const [r] = await c.refine([f], new Map([['seg', text]]));
    expect(r).toEqual(f);
  });
});

describe('disagreements', () => {
  it('writes rules/model disagreements with fingerprint and shape, never the value', async () => {
    const c = await make(modelConfig());
    const ph = 'YOUR_API_KEY_HERE';
    const text = `API_KEY = "${ph}"`;
    const refined = await c.refine([findingIn(text, ph, 'generic-api-key')], new Map([['seg', text]]));
    const file = join(mkdtempSync(join(tmpdir(), 'lg-dis-')), 'd.jsonl');
    const n = await writeDisagreements(refined, file);
    expect(n).toBe(1);
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(ph);
    const rec = JSON.parse(raw.trim()) as Record<string, unknown>;
    expect(rec['rulesClass']).toBe('genuine');
    expect(rec['modelClass']).toBe('placeholder');
    expect(rec['shape']).toBe('A4_A3_A3_A4');
    expect(rec['fingerprint']).toMatch(/^[0-9a-f]{64}$/);
  });
});
