// Stage faults: the model stalls or its session dies (rules decide, the fallback is recorded), the
// audit database is locked by another connection or the disk is full (fail closed by default with a
// clear error; fail open forwards and logs). Client, provider and audit log are all checked.
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/store.js';
import type { ModelSession } from '../../src/detect/model/session.js';
import { loadOnnxSession } from '../../src/detect/model/session.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { chat, post, requestIdOf, startRealGateway, type RealGateway } from '../hostile/helpers/real-gateway.js';
import { leaked, plant } from '../hostile/helpers/secrets.js';
import { startComposed, type Composed } from './helpers/composed.js';

let provider: FakeProvider;
beforeAll(async () => {
  provider = await startFakeProvider();
});
afterAll(async () => {
  await provider.close();
});
afterEach(() => {
  provider.requests.length = 0;
});

const CHAT = '/openai/v1/chat/completions';
// A weak (keyword + entropy) candidate: the rules are unsure, so the classifier is asked.
const weak = (): string => `db_password = "${plant('stripe').value.slice(8, 26)}"\napi_key: "${plant('github').value.slice(4, 28)}"`;

function signalsOf(c: Composed, id: string): string[] {
  return c
    .rows()
    .filter((r) => requestIdOf(r) === id)
    .flatMap((r) => (r.body.findings as { signals: string[] }[]).flatMap((f) => f.signals));
}

describe('model stage faults', () => {
  it('a stalled model: rules decide within the deadline, findings carry model:timeout', async () => {
    const stalled = async (m: string, meta: string, t: number): Promise<ModelSession> => {
      const real = await loadOnnxSession(m, meta, t);
      let calls = 0;
      return { meta: real.meta, run: (b) => (calls++ === 0 ? real.run(b) : new Promise<Float32Array>(() => undefined)), close: () => real.close() };
    };
    const c = await startComposed({ upstream: provider.url, loadSession: stalled, config: { model: { deadlineMs: 50 } } });
    try {
      const t0 = Date.now();
      const r = await post(`${c.url}${CHAT}`, chat(weak()), { 'x-request-id': 'model-stall' });
      expect(r.status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(provider.requests).toHaveLength(1);
      expect(signalsOf(c, 'model-stall')).toContain('model:timeout');
    } finally {
      await c.close();
    }
  });

  it('with the model timing out (as under heavy load), planted keys of every format are still redacted', async () => {
    const stalled = async (m: string, meta: string, t: number): Promise<ModelSession> => {
      const real = await loadOnnxSession(m, meta, t);
      let calls = 0;
      return { meta: real.meta, run: (b) => (calls++ === 0 ? real.run(b) : new Promise<Float32Array>(() => undefined)), close: () => real.close() };
    };
    const c = await startComposed({ upstream: provider.url, loadSession: stalled, config: { model: { deadlineMs: 5 } } });
    try {
      const prose = 'Please review this function and explain what the loop does when the input list is empty. '.repeat(6);
      const missed: string[] = [];
      for (let i = 0; i < 40; i++) {
        const p = plant((['aws', 'github', 'stripe', 'slack'] as const)[i % 4] ?? 'aws');
        provider.requests.length = 0;
        const r = await post(`${c.url}${CHAT}`, chat(`${prose}\nconfig: TOKEN=${p.value}\nthanks`), { 'x-request-id': `model-timeout-${i}` });
        expect(r.status).toBe(200);
        if (leaked(provider.requests[0]?.raw ?? '', [p]).length > 0) {
          const row = c.rows().find((x) => requestIdOf(x) === `model-timeout-${i}`);
          missed.push(`${p.kind}: ${JSON.stringify(row?.body.findings)}`);
        }
      }
      expect(missed).toEqual([]);
    } finally {
      await c.close();
    }
  }, 20_000);

  it('a dying model session (every run rejects): rules decide, findings carry model:error; strong keys still redacted', async () => {
    const dying = async (m: string, meta: string, t: number): Promise<ModelSession> => {
      const real = await loadOnnxSession(m, meta, t);
      let calls = 0;
      return { meta: real.meta, run: (b) => (calls++ === 0 ? real.run(b) : Promise.reject(new Error('onnx worker died'))), close: () => real.close() };
    };
    const c = await startComposed({ upstream: provider.url, loadSession: dying });
    try {
      const strong = plant('aws');
      const r = await post(`${c.url}${CHAT}`, chat(`${weak()}\nAWS_ACCESS_KEY_ID=${strong.value}`), { 'x-request-id': 'model-dead' });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-leakgate-action')).toBe('redact');
      expect(leaked(provider.requests[0]?.raw ?? '', [strong])).toEqual([]);
      expect(signalsOf(c, 'model-dead')).toContain('model:error');
    } finally {
      await c.close();
    }
  });
});

describe('audit stage faults', () => {
  let gw: RealGateway;
  beforeAll(async () => {
    gw = await startRealGateway({ upstream: provider.url });
  }, 30_000);
  afterAll(async () => {
    await gw.close();
  });

  it('SQLite locked by another connection: fail closed with LG_ERR_AUDIT_FAILED, nothing forwarded; recovers after', async () => {
    // Make sure the log has written its first rows, then hold an exclusive lock from outside.
    expect((await post(`${gw.url}${CHAT}`, chat('warm up'))).status).toBe(200);
    provider.requests.length = 0;
    const other = new Database(gw.dbFile);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const s = plant('github');
      const r = await post(`${gw.url}${CHAT}`, chat(`clean text ${s.value}`), { 'x-request-id': 'audit-locked' });
      // 503 (a stage is unavailable, retry later) with the stable code, provider-shaped.
      expect(r.status).toBe(503);
      expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_AUDIT_FAILED');
      expect(r.text).toContain('audit log could not be written');
      expect(r.text).not.toContain(s.value);
      expect(provider.requests).toHaveLength(0);
      expect(gw.logText()).toContain('audit log write failed');
      expect(gw.logText()).not.toContain(s.value);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const ok = await post(`${gw.url}${CHAT}`, chat('after the lock'), { 'x-request-id': 'audit-after' });
    expect(ok.status).toBe(200);
    expect(gw.rows().some((r) => requestIdOf(r) === 'audit-after')).toBe(true);
    expect((await gw.verify()).ok).toBe(true);
  }, 15_000);

  it('disk full (SQLITE_FULL on append): closed → 503 LG_ERR_AUDIT_FAILED; open → forwarded and logged', async () => {
    const full = (fail: { on: boolean }) => (store: AuditStore): AuditStore =>
      new Proxy(store, {
        get(target, prop, recv) {
          if (prop === 'appendBatch' && fail.on) {
            return () => {
              throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
            };
          }
          const v = Reflect.get(target, prop, recv) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    for (const mode of ['closed', 'open'] as const) {
      const fail = { on: false };
      const c = await startComposed({ upstream: provider.url, wrapStore: full(fail), config: { audit: { fail: mode } } });
      try {
        fail.on = true;
        provider.requests.length = 0;
        const r = await post(`${c.url}${CHAT}`, chat('hello'), { 'x-request-id': `disk-full-${mode}` });
        if (mode === 'closed') {
          expect(r.status).toBe(503);
          expect(r.headers.get('x-leakgate-error')).toBe('LG_ERR_AUDIT_FAILED');
          expect(r.text).toContain('audit log could not be written');
          expect(provider.requests).toHaveLength(0);
        } else {
          expect(r.status).toBe(200);
          expect(provider.requests).toHaveLength(1);
        }
        // A clear operator error either way (closed: the write rejected; open: reported, not raised).
        if (mode === 'closed') expect(c.logText()).toContain('audit log write failed');
        expect(c.logText()).toMatch(/disk is full|SQLITE_FULL/);
      } finally {
        fail.on = false;
        await c.close();
      }
    }
  }, 20_000);
});
