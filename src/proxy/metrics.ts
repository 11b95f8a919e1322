// Prometheus metrics on a registry owned by one gateway (several gateways can live in one process,
// e.g. in tests). Labels are bounded: route is a configured upstream name, 'unknown' or 'admin'.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { droppedLogLines } from './log.js';

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'status' | 'action'>;
  readonly latency: Histogram<'route' | 'status'>;
  readonly bytes: Counter<'route' | 'direction'>;
  readonly upstreamErrors: Counter<'route' | 'kind'>;
  readonly unscannedResponses: Counter<'route' | 'type'>;
}

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'leakgate_' });
  let droppedSeen = 0;
  new Counter({
    name: 'leakgate_log_dropped_lines_total',
    help: 'Log lines dropped because stdout was slower than the gateway (log.maxBufferBytes reached); the audit log is unaffected',
    registers: [registry],
    collect() {
      const now = droppedLogLines();
      if (now > droppedSeen) this.inc(now - droppedSeen);
      droppedSeen = now;
    },
  });
  return {
    registry,
    requests: new Counter({
      name: 'leakgate_requests_total',
      help: 'Requests handled, by route, HTTP status and leakgate action',
      labelNames: ['route', 'status', 'action'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'leakgate_request_duration_seconds',
      help: 'Time from request start to the last response byte, by route and status',
      labelNames: ['route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    bytes: new Counter({
      name: 'leakgate_bytes_total',
      help: 'Body bytes received from clients (in) and written to clients (out), by route',
      labelNames: ['route', 'direction'],
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: 'leakgate_upstream_errors_total',
      help: 'Upstream failures (unreachable, timeout, reset mid-response), by route',
      labelNames: ['route', 'kind'],
      registers: [registry],
    }),
    unscannedResponses: new Counter({
      name: 'leakgate_unscanned_responses_total',
      help: 'Responses forwarded unscanned because their media type cannot carry text (audio, image, video, octet-stream), by route',
      labelNames: ['route', 'type'],
      registers: [registry],
    }),
  };
}
