// The production guard's real components (SQLite audit log, ONNX classifier, detect engine over the
// committed packs, policy), wired like buildGuard but with one fault injected: a stalled or dying
// model session, or an audit store whose writes fail (disk full). buildGuard offers no injection
// seam, so this mirrors its wiring (src/main.ts buildGuard) and nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { openAuditLog } from '../../../src/audit/index.js';
import { SqliteStore, type AuditStore } from '../../../src/audit/store.js';
import { parseConfig, packagePath } from '../../../src/config/load.js';
import { createEngine } from '../../../src/detect/engine.js';
import { createClassifier, type ClassifierOptions } from '../../../src/detect/model/index.js';
import { createGateway, type Gateway } from '../../../src/main.js';
import { createGuard } from '../../../src/policy/index.js';
import { createLogger } from '../../../src/proxy/log.js';
import { committedPacksDir } from '../../hostile/helpers/packs.js';
import { readRows, type AuditRow } from '../../hostile/helpers/real-gateway.js';

export interface Composed {
  url: string;
  dbFile: string;
  gateway: Gateway;
  logText(): string;
  rows(): AuditRow[];
  close(): Promise<void>;
}

export interface ComposedOptions {
  upstream: string;
  config?: Record<string, Record<string, unknown>>;
  loadSession?: ClassifierOptions['loadSession'];
  /** Wraps the real SQLite store (fault injection on writes). */
  wrapStore?: (store: AuditStore) => AuditStore;
}

export async function startComposed(opts: ComposedOptions): Promise<Composed> {
  const dir = mkdtempSync(join(tmpdir(), 'lg-faults-'));
  const dbFile = join(dir, 'audit.db');
  const cfg = opts.config ?? {};
  const raw = {
    ...cfg,
    server: { host: '127.0.0.1', port: 0, ...cfg.server },
    upstreams: { openai: { url: opts.upstream, api: 'openai' } },
    detect: { watch: false, packs: [committedPacksDir()] },
    audit: { db: dbFile, ...cfg.audit },
  };
  const loaded = parseConfig(stringify(raw), join(dir, 'leakgate.yaml'), {});
  const { config } = loaded;
  let text = '';
  const logger = createLogger('info', new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString('utf8')), cb()) }));
  const audit = openAuditLog(config.audit, {
    onError: (err) => logger.error({ err: err.message }, 'audit log error'),
    ...(opts.wrapStore ? { openStore: (f: string) => (opts.wrapStore as (s: AuditStore) => AuditStore)(new SqliteStore(f, { busyTimeoutMs: 200 })) } : {}),
  });
  const classifier = await createClassifier(config.model, { rootDir: packagePath('.'), ...(opts.loadSession ? { loadSession: opts.loadSession } : {}) });
  const engine = createEngine({ packPaths: loaded.packPaths, classifier, maxDecodeDepth: config.detect.maxDecodeDepth, maxHoldback: config.policy.streamHoldbackChars });
  const guard = createGuard({ config, engine, audit, logger });
  const gateway = createGateway(loaded, { guard, logger });
  const addr = await gateway.listen();
  return {
    url: `http://127.0.0.1:${addr.port}`,
    dbFile,
    gateway,
    logText: () => text,
    rows: () => readRows(dbFile),
    async close() {
      await gateway.close();
      await audit.close().catch(() => undefined);
      await classifier.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
