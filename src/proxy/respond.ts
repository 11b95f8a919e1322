// Writing responses the gateway itself produces: provider-shaped errors (so SDKs raise their normal
// typed errors) and, where no provider is known (unknown route), a generic OpenAI-like error body.
import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../errors.js';
import type { ErrorKind, ProviderAdapter, ProviderError } from '../providers/types.js';
import type { Exchange } from './context.js';

export const ACTION_HEADER = 'x-leakgate-action';
export const ERROR_HEADER = 'x-leakgate-error';

function send(res: ServerResponse, x: Exchange, err: ProviderError, code: ErrorCode | undefined, extra?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(err.body);
  const headers: Record<string, string | number> = {
    'content-type': err.contentType,
    'content-length': body.length,
    [ACTION_HEADER]: x.action,
    'x-request-id': x.id,
    ...extra,
  };
  if (code) {
    headers[ERROR_HEADER] = code;
    x.error = code;
  }
  res.writeHead(err.status, headers);
  res.end(body);
  x.bytesOut += body.length;
}

export function sendProviderError(
  res: ServerResponse,
  x: Exchange,
  adapter: ProviderAdapter,
  kind: ErrorKind,
  message: string,
  opts: { code?: ErrorCode; status?: number; close?: boolean; retryAfterS?: number } = {},
): void {
  const err = adapter.error(kind, message, opts.status);
  const extra: Record<string, string> = {};
  if (opts.close) extra.connection = 'close';
  if (opts.retryAfterS !== undefined) extra['retry-after'] = String(opts.retryAfterS);
  send(res, x, err, opts.code, extra);
}

/** For requests that match no route: no provider shape is known, so an OpenAI-like one (most clients parse it). */
export function sendGenericError(
  res: ServerResponse,
  x: Exchange,
  status: number,
  type: string,
  code: ErrorCode,
  message: string,
): void {
  const body = JSON.stringify({ error: { message: `leakgate: ${message}`, type, code } });
  send(res, x, { status, contentType: 'application/json', body }, code);
}

/** Resolves when `res` can take more data (or is gone). */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
