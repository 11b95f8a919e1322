// The whole product on real sockets for one test file: the REAL guard (buildGuard over a config
// parsed like `leakgate serve` does: SQLite audit log in a temp dir, ONNX classifier, filter-packs/,
// policy) behind the gateway from test/helpers/gateway.ts, with two upstreams:
//   openai / anthropic / gemini        → test/helpers/fake-provider.ts
//   s-openai / s-anthropic / s-gemini  → ./script-provider.ts (answers written by the test)
// plus any extra routes a file asks for (per-route policy, shadow). Every response the clients get
// is recorded (status + x-leakgate-action), so a file can assert the header was on every one.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { parseConfig, type LoadedConfig } from '../../../src/config/load.js';
import { buildGuard, type BuiltGuard } from '../../../src/main.js';
import { createLogger } from '../../../src/proxy/log.js';
import { startFakeProvider, type FakeProvider, type RecordedRequest } from '../../helpers/fake-provider.js';
import { startGateway, type TestGateway } from '../../helpers/gateway.js';
import { ANTHROPIC_TEST_KEY, GEMINI_TEST_KEY, OPENAI_TEST_KEY } from '../../helpers/sdk.js';
import { startScriptProvider, type ScriptProvider } from './script-provider.js';
import { Planted } from './secrets.js';

export type Api = 'openai' | 'anthropic' | 'gemini';

export interface ExtraRoute {
  api: Api;
  /** Which upstream serves it (default the fake provider). */
  target?: 'fake' | 'script';
  policy?: Record<string, unknown>;
  shadow?: boolean;
}

export interface StackOptions {
  /** Environment overrides applied by parseConfig (LEAKGATE_ACTION, …). */
  env?: Record<string, string>;
  /** Top-level `policy:` settings. */
  policy?: Record<string, unknown>;
  routes?: Record<string, ExtraRoute>;
}

export interface SeenResponse {
  method: string;
  url: string;
  status: number;
  action: string | null;
}

export interface AuditRow {
  seq: number;
  body: {
    request_id: string;
    route: string;
    direction: string;
    action: string;
    shadow: boolean;
    failure: { code: string; reason: string } | null;
    findings: { type: string; class: string; action: string; fingerprint: string; signals: string[] }[];
  };
}

export interface Stack {
  readonly loaded: LoadedConfig;
  readonly fake: FakeProvider;
  readonly script: ScriptProvider;
  readonly gw: TestGateway;
  readonly built: BuiltGuard;
  readonly dbFile: string;
  /** Secrets that must never reach a provider, the audit db or the logs. */
  readonly planted: Planted;
  /** Secrets forwarded by design (warn, shadow, placeholders): never in the audit db or logs. */
  readonly forwarded: Planted;
  /** Every response a client of this stack received. */
  readonly seen: SeenResponse[];
  readonly fetch: typeof fetch;
  openai(route?: string): OpenAI;
  anthropic(route?: string): Anthropic;
  gemini(model: string, method: 'generateContent' | 'streamGenerateContent', body: unknown, route?: string): Promise<Response>;
  /** Every request either upstream recorded. */
  upstreamRequests(): RecordedRequest[];
  rows(): AuditRow[];
  rowsFor(requestId: string): AuditRow[];
  /** Audit db + WAL bytes (latin1) as they are on disk now. */
  auditBytes(): string;
  logText(): string;
  close(): Promise<void>;
}

function readRows(dbFile: string): AuditRow[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT seq, body FROM rows WHERE seq > 0 ORDER BY seq').all() as { seq: number; body: string }[];
    return rows.map((r) => ({ seq: r.seq, body: JSON.parse(r.body) as AuditRow['body'] }));
  } finally {
    db.close();
  }
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'lg-e2e-'));
  const dbFile = join(dir, 'audit.db');
  const fake = await startFakeProvider();
  const script = await startScriptProvider();
  const upstreams: Record<string, Record<string, unknown>> = {
    openai: { url: fake.url, api: 'openai' },
    anthropic: { url: fake.url, api: 'anthropic' },
    gemini: { url: fake.url, api: 'gemini' },
    's-openai': { url: script.url, api: 'openai' },
    's-anthropic': { url: script.url, api: 'anthropic' },
    's-gemini': { url: script.url, api: 'gemini' },
  };
  for (const [name, r] of Object.entries(opts.routes ?? {})) {
    upstreams[name] = {
      url: r.target === 'script' ? script.url : fake.url,
      api: r.api,
      ...(r.policy ? { policy: r.policy } : {}),
      ...(r.shadow !== undefined ? { shadow: r.shadow } : {}),
    };
  }
  const raw = {
    server: { host: '127.0.0.1', port: 0 },
    upstreams,
    detect: { watch: false },
    policy: opts.policy ?? {},
    audit: { db: dbFile, checkpointEveryRows: 50 },
    log: { level: 'info' },
  };
  const loaded = parseConfig(stringify(raw), join(dir, 'leakgate.yaml'), opts.env ?? {});
  let guardLog = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      guardLog += chunk.toString('utf8');
      cb();
    },
  });
  const built = await buildGuard(loaded, createLogger('info', sink));
  // The gateway gets the same upstreams and the policy as resolved (env overrides included).
  const gw = await startGateway({ guard: built.guard, upstream: fake.url, upstreams, config: { policy: JSON.parse(JSON.stringify(loaded.config.policy)) as unknown } });

  const seen: SeenResponse[] = [];
  const recFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    seen.push({ method: init?.method ?? (input instanceof Request ? input.method : 'GET'), url, status: res.status, action: res.headers.get('x-leakgate-action') });
    return res;
  };

  return {
    loaded,
    fake,
    script,
    gw,
    built,
    dbFile,
    planted: new Planted(),
    forwarded: new Planted(),
    seen,
    fetch: recFetch,
    openai: (route = 'openai') => new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: `${gw.url}/${route}/v1`, maxRetries: 0, timeout: 10_000, fetch: recFetch }),
    anthropic: (route = 'anthropic') => new Anthropic({ apiKey: ANTHROPIC_TEST_KEY, baseURL: `${gw.url}/${route}`, maxRetries: 0, timeout: 10_000, fetch: recFetch }),
    gemini: (model, method, body, route = 'gemini') =>
      recFetch(`${gw.url}/${route}/v1beta/models/${model}:${method}${method === 'streamGenerateContent' ? '?alt=sse' : ''}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': GEMINI_TEST_KEY },
        body: JSON.stringify(body),
      }),
    upstreamRequests: () => [...fake.requests, ...script.requests],
    rows: () => readRows(dbFile),
    rowsFor: (id) => readRows(dbFile).filter((r) => r.body.request_id === id),
    auditBytes: () => [dbFile, `${dbFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1')).join('\n'),
    logText: () => gw.logText() + guardLog,
    async close() {
      await gw.close();
      await built.close();
      await fake.close();
      await script.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Request ids are echoed on every response; the SDK errors carry the headers too. */
export function requestIdOf(headers: Headers | undefined | null): string {
  return headers?.get('x-request-id') ?? '';
}

/** Parsed SSE events of a whole stream body (for the Gemini fetch path and raw-wire assertions). */
export function parseSse(text: string): { event?: string; data: string }[] {
  const out: { event?: string; data: string }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (!block.trim()) continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) out.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
  }
  return out;
}

/** Concatenated candidate text of a Gemini SSE body. */
export function geminiStreamText(text: string): string {
  let out = '';
  for (const ev of parseSse(text)) {
    const d = JSON.parse(ev.data) as { candidates?: { content?: { parts?: { text?: string }[] } }[] };
    for (const p of d.candidates?.[0]?.content?.parts ?? []) if (typeof p.text === 'string') out += p.text;
  }
  return out;
}

/**
 * The check every file ends with: no planted secret in any body either upstream received, and no
 * planted or forwarded secret in the audit db/WAL bytes or the logs.
 */
export function leakReport(stack: Stack): { provider: string[]; audit: string[]; logs: string[] } {
  const provider: string[] = [];
  for (const r of stack.upstreamRequests()) {
    const hits = stack.planted.leaksIn(Buffer.concat([r.raw, Buffer.from(r.url)]));
    if (hits.length) provider.push(`${r.url}: ${hits.join(', ')}`);
  }
  const bytes = stack.auditBytes();
  const audit = [...stack.planted.leaksIn(bytes), ...stack.forwarded.leaksIn(bytes)];
  const log = stack.logText();
  const logs = [...stack.planted.leaksIn(log), ...stack.forwarded.leaksIn(log)];
  return { provider, audit, logs };
}
