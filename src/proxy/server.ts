// The node:http front: routes each request by path prefix, answers admin paths, hands scanned routes
// to the data path (exchange.ts) and unscanned ones to http-proxy-3, records one log line and the
// metrics per request, and drains in-flight requests and streams on close().
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ADMIN_PATHS, handleAdmin } from './admin.js';
import type { Exchange, GatewayContext } from './context.js';
import { errName, handleScanned } from './exchange.js';
import { requestIdFrom } from './headers.js';
import type { Passthrough } from './passthrough.js';
import { ACTION_HEADER, ERROR_HEADER, sendGenericError } from './respond.js';
import { parseTarget } from './route.js';

export interface GatewayServers {
  readonly server: Server;
  /** Separate admin listener (server.admin.port set), else null. */
  readonly admin: Server | null;
  /** Stops accepting, waits for in-flight requests/streams (up to drainTimeoutMs), then closes everything. */
  close(): Promise<void>;
}

function statusText(status: number): string {
  return status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
}

export function createGatewayServers(ctx: GatewayContext, passthrough: Passthrough): GatewayServers {
  const { config, logger, metrics } = ctx;
  const separateAdmin = config.server.admin.port !== null;
  let inflight = 0;
  let idle: (() => void) | null = null;
  const upgraded = new Set<Duplex>();

  const finish = (x: Exchange, res: ServerResponse): void => {
    inflight--;
    if (inflight === 0 && idle) idle();
    const seconds = Number(process.hrtime.bigint() - x.started) / 1e9;
    const complete = res.writableFinished;
    const status = res.headersSent ? res.statusCode : 499; // 499: client went away before an answer
    const labels = { route: x.route, status: String(status) };
    metrics.requests.inc({ ...labels, action: x.action });
    metrics.latency.observe(labels, seconds);
    if (x.bytesIn) metrics.bytes.inc({ route: x.route, direction: 'in' }, x.bytesIn);
    if (x.bytesOut) metrics.bytes.inc({ route: x.route, direction: 'out' }, x.bytesOut);
    logger.info(
      {
        reqId: x.id,
        route: x.route,
        method: x.method,
        path: x.path,
        status,
        ms: Math.round(seconds * 1e4) / 10,
        bytesIn: x.bytesIn,
        bytesOut: x.bytesOut,
        action: x.action,
        ...(x.error ? { error: x.error } : {}),
        ...(x.upstreamError ? { upstreamError: x.upstreamError } : {}),
        ...(x.streamOutcome ? { stream: x.streamOutcome } : {}),
        ...(x.unscanned ? { unscanned: x.unscanned } : {}),
        ...(complete ? {} : { aborted: true }),
      },
      'request',
    );
  };

  const onRequest = function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const parsed = parseTarget(req.url ?? '/');
    if (parsed.ok && parsed.target.subpath === '/' && ADMIN_PATHS.has(`/${parsed.target.route}`)) {
      void handleAdmin(ctx, `/${parsed.target.route}`, req, res, !separateAdmin).catch(() => res.destroy());
      return;
    }
    inflight++;
    const x: Exchange = {
      id: requestIdFrom(req.headers),
      started: process.hrtime.bigint(),
      method: req.method ?? 'GET',
      route: 'unknown',
      path: '(invalid)',
      action: 'allow',
      bytesIn: 0,
      bytesOut: 0,
    };
    res.once('close', () => finish(x, res));
    if (ctx.draining) res.setHeader('connection', 'close');
    if (!parsed.ok) {
      sendGenericError(res, x, 400, 'invalid_request_error', 'LG_ERR_ROUTE_UNKNOWN', `invalid path: ${parsed.reason}`);
      return;
    }
    const t = parsed.target;
    x.path = `/${t.route}${t.subpath === '/' ? '' : t.subpath}`;
    const route = ctx.routes.get(t.route);
    if (!route) {
      sendGenericError(res, x, 404, 'not_found_error', 'LG_ERR_ROUTE_UNKNOWN', `no upstream is configured for '/${t.route}'`);
      return;
    }
    x.route = route.name;
    if (!route.upstream.config.scan) {
      passthrough.web(route, t, req, res, x);
      return;
    }
    handleScanned(ctx, route, t, req, res, x).catch((err: unknown) => {
      logger.error({ reqId: x.id, route: route.name, err: errName(err) }, 'request failed');
      if (res.headersSent) res.destroy();
      else sendGenericError(res, x, 500, 'internal_error', 'LG_ERR_SCAN_FAILED', `internal error (${errName(err)})`);
    });
  };

  const server = createServer({ maxHeaderSize: config.server.maxHeaderBytes }, onRequest);

  // Malformed HTTP (conflicting Content-Length/Transfer-Encoding, oversized headers, bad framing) is
  // refused by the parser before any handler runs; answer with a JSON error and close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      error: { message: `leakgate: malformed HTTP request (${err.code ?? 'parse error'})`, type: 'invalid_request_error', code: 'LG_ERR_BODY_MALFORMED' },
    });
    // Nothing was forwarded: the action is block, like every refusal. No request was parsed, so the
    // request id is a fresh one; it names this answer in the client's log and in ours.
    const id = randomUUID();
    logger.info({ reqId: id, route: 'unknown', status, action: 'block', error: 'LG_ERR_BODY_MALFORMED', parser: err.code ?? 'parse error' }, 'malformed HTTP request');
    socket.end(
      `HTTP/1.1 ${status} ${statusText(status)}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `${ACTION_HEADER}: block\r\nx-request-id: ${id}\r\n${ERROR_HEADER}: LG_ERR_BODY_MALFORMED\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  // CONNECT would make this an open forward proxy: never tunnel, answer 405 and close.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) =>
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n${ACTION_HEADER}: block\r\nconnection: close\r\n\r\n`),
  );

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const parsed = parseTarget(req.url ?? '/');
    const route = parsed.ok ? ctx.routes.get(parsed.target.route) : undefined;
    if (!parsed.ok || !route || ctx.draining) {
      socket.end(`HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n${ACTION_HEADER}: block\r\nconnection: close\r\n\r\n`);
      return;
    }
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    passthrough.upgrade(route, parsed.target, req, socket, head, requestIdFrom(req.headers)).catch(() => socket.destroy());
  });

  const admin = separateAdmin
    ? createServer(function handleAdminRequest(req, res) {
        const parsed = parseTarget(req.url ?? '/');
        const path = parsed.ok && parsed.target.subpath === '/' ? `/${parsed.target.route}` : '';
        void handleAdmin(ctx, path, req, res, true).catch(() => res.destroy());
      })
    : null;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      ctx.draining = true;
      const stopped = [server, ...(admin ? [admin] : [])].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      server.closeIdleConnections();
      if (inflight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            idle = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, config.server.drainTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      admin?.closeAllConnections();
      for (const s of upgraded) s.destroy();
      await Promise.all(stopped);
    })();
    return closing;
  };

  return { server, admin, close };
}

