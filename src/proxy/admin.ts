// /healthz (process is up), /readyz (guard components ready and not draining), /metrics (Prometheus,
// bearer token when server.admin.token is set). Served on the main port, or on a separate admin
// listener when server.admin.port is set (then /metrics is only served there).
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from './context.js';

export const ADMIN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header || !header.startsWith('Bearer ')) return false;
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(header.slice(7)).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** Answers an admin path; `withMetrics` false hides /metrics (it lives on the admin listener). */
export async function handleAdmin(ctx: GatewayContext, path: string, req: IncomingMessage, res: ServerResponse, withMetrics: boolean): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    json(res, 405, { error: 'method not allowed' });
    return;
  }
  switch (path) {
    case '/healthz':
      json(res, 200, { status: 'ok' });
      return;
    case '/readyz': {
      let state: { ready: boolean; components: Record<string, string> };
      try {
        state = ctx.guard.readiness();
      } catch {
        state = { ready: false, components: { guard: 'error' } };
      }
      const ready = state.ready && !ctx.draining;
      json(res, ready ? 200 : 503, { status: ready ? 'ready' : ctx.draining ? 'draining' : 'degraded', components: state.components });
      return;
    }
    case '/metrics': {
      const token = ctx.config.server.admin.token;
      if (!withMetrics) {
        json(res, 404, { error: 'metrics are served on the admin listener' });
        return;
      }
      if (token !== null && !tokenMatches(req.headers.authorization, token)) {
        res.setHeader('www-authenticate', 'Bearer');
        json(res, 401, { error: 'bearer token required' });
        return;
      }
      const text = await ctx.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    default:
      json(res, 404, { error: 'not found' });
  }
}
