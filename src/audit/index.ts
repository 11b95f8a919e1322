// The audit stage's factory: opens (or creates) the log described by config.audit.
import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { makeFingerprinter } from './fingerprint.js';
import { loadKeys, resolveKeyDir } from './keys.js';
import { CheckpointSink } from './sink.js';
import { SqliteStore, type AuditStore } from './store.js';
import type { AuditLog } from './types.js';
import { AuditWriter } from './writer.js';

export type AuditConfig = Config['audit'];

export interface OpenAuditLogOptions {
  /** Directory that relative paths in the config (db, keyDir, checkpointSink) resolve against; default cwd. */
  baseDir?: string;
  /** Overrides LEAKGATE_AUDIT_KEY_DIR and config.audit.keyDir. */
  keyDir?: string;
  /** Environment (LEAKGATE_AUDIT_KEY_DIR, LEAKGATE_AUDIT_FINGERPRINT_KEY); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Failures that do not reject a record(): fail-open writes, checkpoint sink errors, key warnings. */
  onError?: (err: Error) => void;
  /** Keep at most this many rotated files; default: keep all. */
  retainFiles?: number | null;
  /** How long a write waits for a lock held by another connection, ms (default 2000). */
  busyTimeoutMs?: number;
  /** Clock (tests). */
  now?: () => number;
  /** Store backend (default SQLite); for other backends and fault-injection tests. */
  openStore?: (file: string) => AuditStore;
}

/** An AuditLog plus what operators and benchmarks may want to see. */
export interface OpenedAuditLog extends AuditLog {
  readonly logId: string;
  readonly file: string;
  readonly size: number;
  readonly stats: { rows: number; batches: number; checkpoints: number; failures: number; rotations: number };
}

function defaultOnError(err: Error): void {
  process.emitWarning(err.message, { code: (err as { code?: string }).code ?? 'LG_ERR_AUDIT_FAILED' });
}

/** A log that records nothing (audit.enabled: false); fingerprints still work, with a per-process key. */
function disabledLog(): OpenedAuditLog {
  const fp = makeFingerprinter(randomBytes(32));
  return {
    logId: 'disabled', file: '', size: 0, stats: { rows: 0, batches: 0, checkpoints: 0, failures: 0, rotations: 0 },
    record: async () => undefined,
    fingerprint: fp,
    close: async () => undefined,
    healthy: () => true,
  };
}

/**
 * Opens the audit log: loads or creates the keys (0600 files), opens or creates the database
 * (WAL, versioned schema) and its genesis row. Throws LeakgateError(LG_ERR_AUDIT_FAILED) when the
 * log or keys cannot be opened.
 */
export function openAuditLog(config: AuditConfig, opts: OpenAuditLogOptions = {}): OpenedAuditLog {
  if (!config.enabled) return disabledLog();
  const base = opts.baseDir ?? process.cwd();
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const file = abs(config.db);
  const env = opts.env ?? process.env;
  const onError = opts.onError ?? defaultOnError;
  const keyDir = resolveKeyDir(file, config.keyDir ? abs(config.keyDir) : null, env, opts.keyDir);
  const keys = loadKeys(keyDir, { env });
  for (const w of keys.warnings) onError(new Error(w));
  const sinkTarget = config.checkpointSink;
  const sink = sinkTarget ? new CheckpointSink(/^https?:\/\//i.test(sinkTarget) ? sinkTarget : abs(sinkTarget), onError) : null;
  const busyTimeoutMs = opts.busyTimeoutMs ?? 2000;
  const openStore = opts.openStore ?? ((f: string) => new SqliteStore(f, { synchronous: config.synchronous, busyTimeoutMs }));
  return new AuditWriter({
    file,
    openStore,
    keys,
    fail: config.fail,
    checkpointEveryRows: config.checkpointEveryRows,
    checkpointEverySeconds: config.checkpointEverySeconds,
    rotation: { rotateBytes: config.rotateBytes, rotateSeconds: config.rotateSeconds, retainFiles: opts.retainFiles ?? null },
    sink,
    onError,
    now: opts.now ?? Date.now,
  });
}

export type { AuditLog, AuditDecision, AuditFinding } from './types.js';
export { verifyAuditFile, type VerifyReport, type VerifyOptions } from './verify.js';
