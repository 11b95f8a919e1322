// The request logger: pino JSON, one line per request. Bodies and credential headers are never
// passed to it; the redact paths below are a second line of defence should a header object slip in.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'req.headers.cookie',
];

/** Longest a buffered log line waits before it is written (stdout destination). */
export const LOG_FLUSH_MS = 200;

/** Default cap on log output held in memory while stdout is slower than the gateway (config log.maxBufferBytes). */
export const DEFAULT_LOG_BUFFER_BYTES = 16 * 1024 * 1024;

/** How often, at most, a "log lines dropped" notice goes to stderr. */
const DROP_NOTICE_MS = 60_000;

// stdout is one per process, so its drop count is too: read by /metrics (leakgate_log_dropped_lines_total).
let dropped = 0;
let droppedAtNotice = 0;
let lastNotice = 0;

/** Log lines dropped so far because stdout could not keep up (see createLogger). */
export function droppedLogLines(): number {
  return dropped;
}

function countLines(data: unknown): number {
  const s = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('latin1') : '';
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return Math.max(1, n);
}

function onDrop(data: unknown): void {
  dropped += countLines(data);
  const now = Date.now();
  if (now - lastNotice < DROP_NOTICE_MS) return;
  lastNotice = now;
  // stderr, not the logger: the logger's own buffer is what is full.
  process.stderr.write(
    `leakgate: stdout is not keeping up with the log; dropped ${dropped - droppedAtNotice} log line(s) (the audit log is unaffected; see log.maxBufferBytes)\n`,
  );
  droppedAtNotice = dropped;
}

export interface LoggerOptions {
  /** Most bytes of log output held in memory waiting for stdout; lines beyond it are dropped and counted. */
  maxBufferBytes?: number;
}

/**
 * JSON lines to `destination`, or to stdout through an asynchronous sonic-boom that writes in batches
 * of at least 4 KiB or every LOG_FLUSH_MS, whichever comes first: a write syscall per request would
 * cost ~10% of the proxy's CPU under load. pino flushes the buffer on exit; close() flushes too.
 *
 * The buffer is bounded (maxBufferBytes): when whatever reads stdout (a container runtime, a log
 * shipper, a terminal) is slower than the gateway writes, an unbounded buffer would grow the heap for
 * as long as the load lasts. Past the bound, lines are dropped, counted in
 * leakgate_log_dropped_lines_total and noted on stderr at most once a minute. Operational logs are
 * best-effort; every decision is in the audit log, which is never dropped (it has its own fail mode).
 */
export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream, options: LoggerOptions = {}): Logger {
  const opts = { level, base: { service: 'leakgate' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  if (destination) return pino(opts, destination);
  // maxWrite: one write per completed write, and under load an event-loop turn can take tens of ms, so
  // sonic-boom's default 16 KiB per write caps the log at a few hundred KB/s — below what 1,600 req/s
  // write. 1 MiB per write keeps up with any rate the gateway itself can reach.
  const out = pino.destination({
    dest: 1,
    sync: false,
    minLength: 4096,
    maxWrite: 1024 * 1024,
    maxLength: options.maxBufferBytes ?? DEFAULT_LOG_BUFFER_BYTES,
  });
  out.on('drop', onDrop);
  setInterval(() => {
    try {
      out.flush();
    } catch {
      // destroyed at exit: nothing left to flush
    }
  }, LOG_FLUSH_MS).unref();
  return pino(opts, out);
}
