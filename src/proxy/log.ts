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

export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream): Logger {
  const opts = { level, base: { service: 'leakgate' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  return destination ? pino(opts, destination) : pino(opts);
}
