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

/**
 * JSON lines to `destination`, or to stdout through an asynchronous sonic-boom that writes in batches
 * of at least 4 KiB or every LOG_FLUSH_MS, whichever comes first: a write syscall per request would
 * cost ~10% of the proxy's CPU under load. pino flushes the buffer on exit; close() flushes too.
 */
export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream): Logger {
  const opts = { level, base: { service: 'leakgate' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  if (destination) return pino(opts, destination);
  const out = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      out.flush();
    } catch {
      // destroyed at exit: nothing left to flush
    }
  }, LOG_FLUSH_MS).unref();
  return pino(opts, out);
}
