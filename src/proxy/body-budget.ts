// A gateway-wide bound on request-body bytes held in memory at once. Each body is capped on its own
// (server.maxBodyBytes), but many large bodies at once — a burst, or a client doing it on purpose —
// would still add up past the heap and crash the process, failing every request in flight. With the
// budget, a body that would take the total past it is refused with a provider-shaped 503 and
// Retry-After (the SDKs retry it), while the requests already admitted go on.
import { getHeapStatistics } from 'node:v8';

/** Default budget: an eighth of V8's heap limit (a body is held as bytes, as a string and as parsed JSON). */
export function defaultBodyBudgetBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 8);
}

export class BodyBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes currently reserved by bodies in flight. */
  get used(): number {
    return this.#used;
  }

  /** Reserves `n` bytes for `lease`; false (nothing reserved) when that would pass the limit. */
  reserve(lease: BodyLease, n: number): boolean {
    if (this.#used + n > this.limit) return false;
    this.#used += n;
    lease.bytes += n;
    return true;
  }

  /** Returns everything `lease` holds (idempotent). */
  release(lease: BodyLease): void {
    this.#used -= lease.bytes;
    lease.bytes = 0;
  }
}

/** What one request holds of the budget; released when its response is done. */
export interface BodyLease {
  bytes: number;
}
