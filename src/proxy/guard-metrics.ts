// Prometheus series for the policy and classifier stages, on the gateway's registry: decisions,
// fail-mode events, verdict-cache hits, hold-back caps, and classifier fallbacks (read from the
// classifier's own counters at scrape time, so the hot path never touches prom-client for them).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { PolicyMetrics } from '../policy/observe.js';

export interface ClassifierCounters {
  stats(): { timeouts: number; errors: number; unavailable: number; fallbackFindings: number; batches: number; scored: number };
  status(): { state: string };
}

export function createGuardMetrics(registry: Registry, classifier: () => ClassifierCounters | null): PolicyMetrics {
  const decisions = new Counter({
    name: 'leakgate_decisions_total',
    help: 'Audited decisions by direction, action and shadow mode',
    labelNames: ['direction', 'action', 'shadow'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'leakgate_fail_mode_total',
    help: 'Times a fail mode decided because scanning or auditing could not complete, by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'leakgate_verdict_cache_total',
    help: 'Segments served from the verdict cache (hit) or scanned (miss)',
    labelNames: ['result'],
    registers: [registry],
  });
  const capped = new Counter({
    name: 'leakgate_stream_holdback_capped_total',
    help: 'Stream channels that reached the hold-back cap and released text early, by route',
    labelNames: ['route'],
    registers: [registry],
  });
  new Gauge({
    name: 'leakgate_model_events',
    help: 'Classifier counters since start: batches, scored findings, and fallbacks (timeout, error, unavailable, fallback_findings)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const c = classifier();
      if (!c) return;
      const s = c.stats();
      this.set({ kind: 'batches' }, s.batches);
      this.set({ kind: 'scored' }, s.scored);
      this.set({ kind: 'timeout' }, s.timeouts);
      this.set({ kind: 'error' }, s.errors);
      this.set({ kind: 'unavailable' }, s.unavailable);
      this.set({ kind: 'fallback_findings' }, s.fallbackFindings);
    },
  });
  new Gauge({
    name: 'leakgate_model_ready',
    help: '1 when the classifier is loaded and healthy, 0 when degraded or disabled (rules fallback)',
    registers: [registry],
    collect() {
      this.set(classifier()?.status().state === 'ready' ? 1 : 0);
    },
  });
  return {
    decision: (direction, action, shadow) => decisions.inc({ direction, action, shadow: String(shadow) }),
    failure: (code) => failures.inc({ code }),
    verdictCache: (hits, misses) => {
      if (hits) cache.inc({ result: 'hit' }, hits);
      if (misses) cache.inc({ result: 'miss' }, misses);
    },
    holdbackCapped: (route) => capped.inc({ route }),
  };
}
