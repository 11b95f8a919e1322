// Serving behaviour of the classifier stage under load: the per-call deadline counts time spent on
// the model, not event-loop lag; timeouts never change a strong provider finding's class; the
// worker-thread session answers like the in-thread one; versions are reported.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createEngine } from '../../src/detect/engine.js';
import { encodeCandidate } from '../../src/detect/model/features.js';
import { createClassifier, type ClassifierOptions, type LeakgateClassifier } from '../../src/detect/model/index.js';
import { loadOnnxSession, type ModelSession, type Thresholds } from '../../src/detect/model/session.js';
import type { Finding } from '../../src/detect/types.js';
import { githubPat } from '../e2e/helpers/secrets.js';

const modelConfig = (over: Partial<ReturnType<typeof ConfigSchema.parse>['model']> = {}) => ({ ...ConfigSchema.parse({ upstreams: {} }).model, ...over });
const MODEL = new URL('../../models/leakgate-classifier.onnx', import.meta.url).pathname;
const META = new URL('../../models/leakgate-classifier.json', import.meta.url).pathname;
const metaVersion = (JSON.parse(readFileSync(META, 'utf8')) as { version: string }).version;

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomToken = (n: number): string => Array.from(randomBytes(n), (b) => B62[b % 62]).join('');

const open: LeakgateClassifier[] = [];
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
});
async function make(over: Parameters<typeof modelConfig>[0], opts: ClassifierOptions): Promise<LeakgateClassifier> {
  const c = await createClassifier(modelConfig(over), opts);
  open.push(c);
  return c;
}

const TH: Thresholds = { genuine: 0.5, placeholder: 0.5, benign: 0.5, strongDemotePlaceholder: 0.9, packs: {} };
/** Probabilities that say "placeholder, very sure" for every row (would demote a strong genuine if they arrived). */
const sure = (n: number): Float32Array => {
  const p = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) p.set([0.02, 0.96, 0.02], i * 3);
  return p;
};

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Synchronous work, as other requests' rule scans do on a loaded gateway.
  }
}

/** A fake session built on a MessageChannel: the answer arrives like a worker's, in the poll phase. */
function channelSession(opts: { blockAfterSubmitMs?: number; answerAfterMs?: number; probs?: (n: number) => Float32Array }): ModelSession {
  let runs = 0;
  return {
    meta: { version: 'fake-1', sha256: '', thresholds: TH },
    run(batch) {
      const n = batch.length;
      const probs = (opts.probs ?? ((k: number) => new Float32Array(k * 3).fill(1 / 3)))(n);
      if (runs++ === 0) return Promise.resolve(probs); // warm-up
      return new Promise<Float32Array>((resolve) => {
        const { port1, port2 } = new MessageChannel();
        port1.once('message', () => {
          port1.close();
          resolve(probs);
        });
        const send = (): void => port2.postMessage(1);
        if (opts.answerAfterMs) setTimeout(send, opts.answerAfterMs);
        else send();
        // The loop stays busy after the batch went out: the answer waits in the poll queue.
        if (opts.blockAfterSubmitMs) busy(opts.blockAfterSubmitMs);
      });
    },
    close: async () => {},
  };
}

function finding(text: string, value: string, type: string, signals: string[], cls: Finding['class']): Finding {
  const start = text.indexOf(value);
  return { path: 'seg', start, end: start + value.length, line: 1, column: start + 1, value, type, class: cls, confidence: 0.9, severity: 'high', detectors: [type], pack: 'p', entropy: 4, signals };
}

describe('deadline under load', () => {
  it('an answer that arrived while the event loop was busy past the deadline is used, not timed out', async () => {
    const c = await make({ deadlineMs: 20 }, { loadSession: async () => channelSession({ blockAfterSubmitMs: 60 }) });
    const text = `api_key = "${randomToken(32)}"`;
    const f = finding(text, text.slice(11, 43), 'generic-api-key', ['strength:weak'], 'genuine');
    const [r] = await c.refine([f], new Map([['seg', text]]));
    expect(r?.signals).not.toContain('model:timeout');
    expect(r?.signals.some((s) => /^model:(genuine|placeholder|benign)$/.test(s))).toBe(true);
    expect(c.stats().timeouts).toBe(0);
  });

  it('a model slower than the deadline times out near the deadline, and the rules class stands', async () => {
    const c = await make({ deadlineMs: 20 }, { loadSession: async () => channelSession({ answerAfterMs: 400, probs: sure }) });
    const v = `ghp_${randomToken(36)}`;
    const text = `token: ${v}`;
    // A strong genuine is scored (demotion is configured) but the answer comes too late.
    const strong = finding(text, v, 'github-personal-access-token', ['strength:strong'], 'genuine');
    const t0 = performance.now();
    const [r] = await c.refine([strong], new Map([['seg', text]]));
    expect(performance.now() - t0).toBeLessThan(300);
    expect(r?.class).toBe('genuine');
    expect(r?.signals).toContain('model:timeout');
    expect(c.stats().timeouts).toBe(1);
  });

  it('calls queued behind a run older than the deadline time out too (a slow model does not build a backlog)', async () => {
    const c = await make({ deadlineMs: 20, maxBatch: 1 }, { loadSession: async () => channelSession({ answerAfterMs: 400 }) });
    const texts = Array.from({ length: 6 }, () => `password = "${randomToken(20)}"`);
    const t0 = performance.now();
    const rs = await Promise.all(texts.map((t) => c.refine([finding(t, t.slice(12, 32), 'generic-password', ['strength:weak'], 'placeholder')], new Map([['seg', t]]))));
    expect(performance.now() - t0).toBeLessThan(350);
    for (const [r] of rs) {
      expect(r?.class).toBe('placeholder');
      expect(r?.signals).toContain('model:timeout');
    }
    // Two runs may be in flight; the rest were cancelled before they started.
    expect(c.stats().batches).toBeLessThanOrEqual(3);
  });

  it('with the real model and a real engine under concurrent load, timeouts never change a strong provider finding', async () => {
    // deadlineMs 1 forces many timeouts; the committed model scores strong genuines only for demotion.
    const c = await make({ deadlineMs: 1 }, {});
    const engine = createEngine({ classifier: c });
    // Checksum-valid PATs: strong genuines, scored only for the configured demotion check.
    const values = Array.from({ length: 40 }, () => githubPat());
    const results = await Promise.all(
      values.map(async (v, i) => {
        const text = `deploy:\n  password = "${randomToken(14)}"\n  token: ${v}\n  note ${i}`;
        // The same engine's rules-only pass is the reference (one set of packs for both).
        const [m, r] = [await engine.scan([{ path: 's', text }]), engine.scanRules([{ path: 's', text }])];
        return { v, m: m.find((f) => f.value === v), r: r.find((f) => f.value === v) };
      }),
    );
    for (const { m, r } of results) {
      expect(r?.class).toBe('genuine');
      // Only a very sure model answer may demote; a timeout (or any fallback) keeps the rules' class.
      if (m?.signals.includes('model:timeout')) expect(m.class).toBe(r?.class);
      else if (m?.class !== r?.class) expect(m?.signals).toContain('model:placeholder');
    }
    expect(c.stats().calls).toBe(values.length);
  });
});

describe('worker-thread session', () => {
  it('answers the same probabilities as an in-thread session, and rejects after close()', async () => {
    const w = await loadOnnxSession(MODEL, META, 1);
    const t = await loadOnnxSession(MODEL, META, 1, { worker: false });
    const texts = [`API_KEY = "YOUR_API_KEY_HERE"`, `secret = "${randomToken(40)}"`, `"integrity": "sha512-${randomBytes(48).toString('base64')}"`];
    const batch = texts.map((x) => {
      const v = x.split('"')[1] === 'integrity' ? x.split('"')[3]! : x.split('"')[1]!;
      return encodeCandidate(finding(x, v, 'generic-api-key', [], 'genuine'), x);
    });
    const [a, b] = await Promise.all([w.run(batch), t.run(batch)]);
    expect(a.length).toBe(9);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    expect(w.meta.version).toBe(metaVersion);
    await w.close();
    await t.close();
    await expect(w.run(batch)).rejects.toThrow(/closed/);
  });
});

describe('version reporting', () => {
  it('the engine reports the model version in force; a failed load reports none and degrades', async () => {
    const c = await make({}, {});
    expect(c.version).toBe(metaVersion);
    expect(createEngine({ classifier: c }).modelVersion).toBe(metaVersion);
    const bad = await make({ path: '/nonexistent/leakgate.onnx' }, {});
    expect(bad.version).toBe('none');
    expect(bad.status().state).toBe('degraded');
    const text = `token = "${randomToken(30)}"`;
    const [r] = await bad.refine([finding(text, text.slice(9, 39), 'generic-token', ['strength:weak'], 'genuine')], new Map([['seg', text]]));
    expect(r?.class).toBe('genuine');
    expect(r?.signals).toContain('model:unavailable');
  });
});
