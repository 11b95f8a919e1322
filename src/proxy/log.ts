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

/**
 * JSON lines to `destination`, or to stdout through an asynchronous sonic-boom (lines written while a
 * write is in flight are coalesced into the next one: one syscall per batch under load, no added
 * delay when idle). Call logger.flush() before exit.
 */
export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream): Logger {
  const opts = { level, base: { service: 'leakgate' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  return pino(opts, destination ?? pino.destination({ dest: 1, sync: false }));
}
