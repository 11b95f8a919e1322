// The baseline: a plain reverse proxy written only for this benchmark — node:http in, undici Pool out,
// hop-by-hop headers dropped, the (small) request body collected into one Buffer before sending (faster
// in undici than streaming it, so the baseline is the stronger one), the response streamed, nothing
// parsed or scanned, no logging.
// Strips the first path segment ('/openai/...') exactly like leakgate's routing does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pool, type Dispatcher } from 'undici';

const upstream = process.argv[2] as string;
const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 30_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'host', 'expect']);

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const url = req.url ?? '/';
  const path = url.slice(url.indexOf('/', 1)) || '/';
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
  pool
    .request({ path, method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers, body })
    .then(async (up) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
      res.writeHead(up.statusCode, out);
      await pipeline(up.body, res);
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
}

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => forward(req, res, Buffer.concat(parts)));
});
server.keepAliveTimeout = 60_000;
// Exit cleanly on SIGINT so --cpu-prof writes its profile (bench/proxy/profile.ts stops targets this way).
process.on('SIGINT', () => process.exit(0));
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));

// The runner asks for CPU time around each load phase: CPU per request is robust to a busy machine.
process.on('message', (m) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ cpuUs: u.user + u.system });
  }
});
