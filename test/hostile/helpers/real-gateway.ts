// Starts the REAL production guard (buildGuard: SQLite audit log under os.tmpdir(), ONNX classifier,
// detect engine over filter-packs/, policy) behind a real gateway on 127.0.0.1:0, with the log lines
// captured, so hostile-input and fault tests assert what the client saw, what the provider saw, what
// was logged and what the audit database holds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { verifyAuditFile, type VerifyReport } from '../../../src/audit/index.js';
import { loadConfig, type LoadedConfig } from '../../../src/config/load.js';
import { buildGuard, createGateway, type BuiltGuard, type Gateway } from '../../../src/main.js';
import { createLogger } from '../../../src/proxy/log.js';
import { createMetrics } from '../../../src/proxy/metrics.js';
import { committedPacksDir } from './packs.js';

export interface RealGateway {
  readonly url: string;
  readonly adminUrl: string | null;
  readonly dir: string;
  readonly dbFile: string;
  readonly configFile: string;
  readonly gateway: Gateway;
  readonly built: BuiltGuard;
  readonly logs: Record<string, unknown>[];
  logText(): string;
  /** Decision rows (genesis excluded), parsed bodies. */
  rows(): AuditRow[];
  verify(): Promise<VerifyReport>;
  /** Closes the gateway and the guard (final checkpoint); keeps the temp dir. */
  stop(): Promise<void>;
  /** stop() then removes the temp dir. */
  close(): Promise<void>;
}

export interface AuditRow {
  seq: number;
  body: Record<string, unknown>;
  raw: string;
}

export interface RealGatewayOptions {
  /** Base URL of the fake provider (openai/anthropic/gemini routes). */
  upstream: string;
  /** Replaces the default upstreams. */
  upstreams?: Record<string, Record<string, unknown>>;
  server?: Record<string, unknown>;
  /** Other top-level sections merged over the defaults (policy, model, detect, audit…). */
  config?: Record<string, unknown>;
  /** Pack paths (default: the committed filter-packs/, see packs.ts). */
  packs?: string[];
  /** Reuse an existing dir (restart on the same audit db). */
  dir?: string;
}

/** Reads decision rows straight from SQLite (read-only, so it can run while the gateway holds the db). */
export function readRows(dbFile: string): AuditRow[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT seq, body FROM rows WHERE seq > 0 ORDER BY seq').all() as { seq: number; body: string }[];
    return rows.map((r) => ({ seq: r.seq, raw: r.body, body: JSON.parse(r.body) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

export function requestIdOf(row: AuditRow): string {
  const b = row.body;
  return String(b.request_id ?? b.requestId ?? '');
}

export async function startRealGateway(opts: RealGatewayOptions): Promise<RealGateway> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'lg-hostile-'));
  const dbFile = join(dir, 'audit.db');
  const cfg = (opts.config ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const raw = {
    ...cfg,
    server: { host: '127.0.0.1', port: 0, ...opts.server },
    upstreams: opts.upstreams ?? {
      openai: { url: opts.upstream, api: 'openai' },
      anthropic: { url: opts.upstream, api: 'anthropic' },
      gemini: { url: opts.upstream, api: 'gemini' },
    },
    detect: { watch: false, packs: opts.packs ?? [committedPacksDir()], ...cfg.detect },
    audit: { db: dbFile, checkpointEveryRows: 50, ...cfg.audit },
    log: { level: 'info', ...cfg.log },
  };
  const configFile = join(dir, 'leakgate.yaml');
  writeFileSync(configFile, stringify(raw));
  const loaded: LoadedConfig = loadConfig(configFile, {});
  let text = '';
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString('utf8');
      text += s;
      for (const line of s.split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = createLogger('info', sink);
  const metrics = createMetrics();
  const built = await buildGuard(loaded, logger, metrics);
  const gateway = createGateway(loaded, { guard: built.guard, logger, metrics });
  const addr = await gateway.listen();
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await gateway.close();
      await built.close();
    })();
    return stopped;
  };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    adminUrl: addr.adminPort === null ? null : `http://127.0.0.1:${addr.adminPort}`,
    dir,
    dbFile,
    configFile,
    gateway,
    built,
    logs,
    logText: () => text,
    rows: () => readRows(dbFile),
    verify: () => verifyAuditFile(dbFile),
    stop,
    async close() {
      await stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POST JSON (or raw bytes) and read the whole answer. */
export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, headers: res.headers, json };
}

export const chat = (content: string | unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: 'echo', messages: [{ role: 'user', content }], ...extra });
