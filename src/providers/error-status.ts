// Default HTTP status per error kind; each adapter maps the status to its provider's error type.
import type { ErrorKind } from './types.js';

export const ERROR_STATUS: Readonly<Record<ErrorKind, number>> = {
  blocked: 403,
  bad_request: 400,
  not_found: 404,
  too_large: 413,
  upstream_unreachable: 502,
  upstream_timeout: 504,
  scan_failed: 403,
  audit_failed: 503,
  overloaded: 503,
  internal: 500,
};

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
