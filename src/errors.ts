// Every error leakgate raises has a stable code. Documented in README (Error codes).
export const ErrorCodes = {
  LG_ERR_CONFIG_INVALID: 'configuration file failed validation',
  LG_ERR_CONFIG_READ: 'configuration file could not be read or parsed',
  LG_ERR_PACK_INVALID: 'filter pack failed validation',
  LG_ERR_BODY_TOO_LARGE: 'request or response body exceeds the configured limit',
  LG_ERR_BODY_MALFORMED: 'body is not valid JSON or not valid UTF-8',
  LG_ERR_DECOMPRESS: 'compressed body could not be decoded or exceeds the decompressed-size cap',
  LG_ERR_OVERLOADED: 'request bodies in flight already fill server.maxBufferedBytes (503, Retry-After)',
  LG_ERR_ROUTE_UNKNOWN: 'no configured upstream serves this path',
  LG_ERR_UPSTREAM_UNREACHABLE: 'upstream refused or reset the connection',
  LG_ERR_UPSTREAM_TIMEOUT: 'upstream did not answer in time',
  LG_ERR_SCAN_FAILED: 'scanning could not complete (fail mode decides)',
  LG_ERR_AUDIT_FAILED: 'audit log could not be written (fail mode decides)',
  LG_ERR_MODEL_UNAVAILABLE: 'classifier could not be loaded or timed out (rules fallback)',
  LG_ERR_AUDIT_TAMPERED: 'audit verification found a bad row',
  LG_ERR_USAGE: 'command-line usage error',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class LeakgateError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LeakgateError';
    this.code = code;
  }
}
