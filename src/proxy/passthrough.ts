// Unscanned traffic through http-proxy-3: routes configured with `scan: false` and WebSocket
// upgrades (OpenAI Realtime). WebSocket frames are not scanned; on a scanned route an upgrade asks
// the guard's fail mode first (closed: refused with 403; open: proxied and audited as unscanned).
import { Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import type { Exchange, GatewayContext, Route } from './context.js';
import { refusal } from './decision.js';
import type { Target } from './route.js';
import { ACTION_HEADER, sendProviderError } from './respond.js';
import { upstreamFailure, upstreamPath } from './upstreams.js';

export interface Passthrough {
  web(route: Route, target: Target, req: IncomingMessage, res: ServerResponse, x: Exchange): void;
  upgrade(route: Route, target: Target, req: IncomingMessage, socket: Duplex, head: Buffer, requestId: string): Promise<void>;
  close(): void;
}

export function createPassthrough(ctx: GatewayContext): Passthrough {
  const proxy: ProxyServer = createProxyServer({ xfwd: false, changeOrigin: true, ws: true });
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });
  // http-proxy-3 reports errors here when no per-call callback handled them; never crash on them.
  proxy.on('error', () => {});

  const optionsFor = (route: Route) => ({
    target: route.upstream.origin,
    agent: route.upstream.origin.startsWith('https:') ? httpsAgent : httpAgent,
    proxyTimeout: route.upstream.config.headersTimeoutMs,
  });

  return {
    web(route, target, req, res, x) {
      req.url = upstreamPath(route.upstream, target.subpath, target.query);
      req.headers['x-request-id'] = x.id;
      res.setHeader(ACTION_HEADER, 'allow');
      res.setHeader('x-request-id', x.id);
      req.on('data', (c: Buffer) => {
        x.bytesIn += c.length;
      });
      proxy.web(req, res, optionsFor(route), (err) => {
        const f = upstreamFailure(route.upstream, err);
        x.upstreamError = f.kind;
        ctx.metrics.upstreamErrors.inc({ route: route.name, kind: f.kind });
        sendProviderError(res, x, route.adapter, f.kind, `leakgate: ${f.message}`, { code: f.code });
      });
    },

    async upgrade(route, target, req, socket, head, requestId) {
      if (route.upstream.config.scan) {
        const guard = ctx.guard.begin({ requestId, route: route.name, upstream: route.upstream.origin, headers: req.headers });
        const decision = await guard.failure('request', 'LG_ERR_SCAN_FAILED', 'WebSocket frames are not scanned');
        const no = refusal(decision, 'request', requestId, ctx.config.policy.blockStatus);
        if (no) {
          const err = route.adapter.error(no.kind, no.message, no.status);
          const body = Buffer.from(err.body);
          socket.end(
            `HTTP/1.1 ${err.status} Refused\r\ncontent-type: ${err.contentType}\r\ncontent-length: ${body.length}\r\n` +
              `${ACTION_HEADER}: block\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${err.body}`,
          );
          return;
        }
      }
      req.url = upstreamPath(route.upstream, target.subpath, target.query);
      req.headers['x-request-id'] = requestId;
      proxy.ws(req, socket, head, optionsFor(route), () => {
        ctx.metrics.upstreamErrors.inc({ route: route.name, kind: 'upstream_unreachable' });
        socket.destroy();
      });
    },

    close() {
      proxy.close();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
