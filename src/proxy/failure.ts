// A request the gateway refuses itself (bad input, limits, upstream trouble). Carries the stable
// LG_ERR_* code and the provider error kind the adapter turns into that provider's own error shape.
import { LeakgateError, type ErrorCode } from '../errors.js';
import type { ErrorKind } from '../providers/types.js';

export class ProxyFailure extends LeakgateError {
  readonly kind: ErrorKind;
  readonly status: number | undefined;
  constructor(code: ErrorCode, kind: ErrorKind, message: string, options?: { status?: number; cause?: unknown }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProxyFailure';
    this.kind = kind;
    this.status = options?.status;
  }
}
