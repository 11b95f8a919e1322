// Conversations resend their whole history on every turn. This cache remembers, per segment text,
// what the engine found, so turn N scans only its new text. It stores findings (offsets relative
// to the segment, without the value or the path), never actions: a policy change applies at once.
// Keys are HMACs under a per-process random key, so the cache holds no digest of a secret that
// could be checked against a guess offline. It is dropped whenever the ruleset changes.
import { createHmac, randomBytes } from 'node:crypto';
import type { Finding } from '../detect/types.js';

/** A finding as cached: everything but where (path) and what (value), both re-derived from the segment. */
export type CachedFinding = Omit<Finding, 'path' | 'value'>;

export interface CacheStats {
  entries: number;
  hits: number;
  misses: number;
}

export class VerdictCache {
  readonly #max: number;
  readonly #key: Buffer;
  // Map iteration order is insertion order: re-inserting on a hit makes the first key the least recently used.
  readonly #entries = new Map<string, readonly CachedFinding[]>();
  #ruleset = '';
  #hits = 0;
  #misses = 0;

  constructor(maxEntries: number, key: Buffer = randomBytes(32)) {
    this.#max = maxEntries;
    this.#key = key;
  }

  /** Most entries kept (config.policy.cacheEntries). */
  get capacity(): number {
    return this.#max;
  }

  get enabled(): boolean {
    return this.#max > 0;
  }

  /** Drops everything when the engine's ruleset changed (hot reload). */
  syncRuleset(rulesetHash: string): void {
    if (rulesetHash !== this.#ruleset) {
      this.#entries.clear();
      this.#ruleset = rulesetHash;
    }
  }

  /** Cache key of a segment text scanned as `kind` (request and response texts are scanned with different hints). */
  keyOf(kind: string, text: string): string {
    return createHmac('sha256', this.#key).update(this.#ruleset).update('\0').update(kind).update('\0').update(text).digest('base64');
  }

  get(key: string): readonly CachedFinding[] | undefined {
    const v = this.#entries.get(key);
    if (v === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#entries.delete(key);
    this.#entries.set(key, v);
    return v;
  }

  set(key: string, findings: readonly CachedFinding[]): void {
    if (this.#max === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, findings);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  stats(): CacheStats {
    return { entries: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }
}

export function toCached(f: Finding): CachedFinding {
  const { path: _path, value: _value, ...rest } = f;
  return rest;
}

export function fromCached(c: CachedFinding, path: string, text: string): Finding {
  return { ...c, path, value: text.slice(c.start, c.end) };
}
