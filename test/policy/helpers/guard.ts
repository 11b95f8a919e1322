// Builds a Guard over the test engine and the in-memory audit log.
import type { Config } from '../../../src/config/schema.js';
import { createGuard, type PolicyGuard, type PolicyMetrics } from '../../../src/policy/index.js';
import type { RequestMeta } from '../../../src/policy/types.js';
import { testConfig } from './fixtures.js';
import { MemoryAudit } from './memory-audit.js';
import { TestEngine } from './test-engine.js';

export interface Harness {
  guard: PolicyGuard;
  engine: TestEngine;
  audit: MemoryAudit;
  counters: Record<string, number>;
}

export function harness(config: Readonly<Config> = testConfig(), engine = new TestEngine()): Harness {
  const audit = new MemoryAudit();
  const counters: Record<string, number> = {};
  const bump = (k: string): void => {
    counters[k] = (counters[k] ?? 0) + 1;
  };
  const metrics: PolicyMetrics = {
    decision: (dir, action) => bump(`decision:${dir}:${action}`),
    failure: (code) => bump(`failure:${code}`),
    holdbackCapped: () => bump('capped'),
    verdictCache: (hits, misses) => {
      counters.hits = (counters.hits ?? 0) + hits;
      counters.misses = (counters.misses ?? 0) + misses;
    },
  };
  const guard = createGuard({ config, engine, audit, metrics });
  return { guard, engine, audit, counters };
}

let n = 0;
export function meta(route = 'openai', headers: RequestMeta['headers'] = {}): RequestMeta {
  return { requestId: `req-${++n}`, route, upstream: `http://${route}.test`, headers };
}
