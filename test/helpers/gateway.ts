// Starts a real gateway on 127.0.0.1:0 in-process for a test, with upstreams pointing at a fake
// provider, a test Guard, and the log lines captured (so tests can assert what is, and is not, logged).
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { createGateway, type Gateway } from '../../src/main.js';
import type { Guard } from '../../src/policy/types.js';
import { createLogger } from '../../src/proxy/log.js';

export interface TestGateway {
  readonly url: string;
  readonly adminUrl: string | null;
  readonly gateway: Gateway;
  /** Parsed JSON log lines. */
  readonly logs: Record<string, unknown>[];
  /** Raw log text (for "never logged" assertions). */
  logText(): string;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  guard: Guard;
  /** Base URL of the fake provider; used for openai/anthropic/gemini unless `upstreams` is given. */
  upstream: string;
  /** Extra `server:` settings (merged over host 127.0.0.1, port 0). */
  server?: Record<string, unknown>;
  /** Replaces the default upstreams (openai/anthropic/gemini → `upstream`). */
  upstreams?: Record<string, Record<string, unknown>>;
  /** Other top-level config sections (policy, log, …). */
  config?: Record<string, unknown>;
}

export async function startGateway(opts: TestGatewayOptions): Promise<TestGateway> {
  const raw = {
    server: { host: '127.0.0.1', port: 0, ...opts.server },
    upstreams: opts.upstreams ?? {
      openai: { url: opts.upstream, api: 'openai' },
      anthropic: { url: opts.upstream, api: 'anthropic' },
      gemini: { url: opts.upstream, api: 'gemini' },
    },
    ...opts.config,
  };
  const loaded = parseConfig(stringify(raw), '/test/leakgate.yaml', {});
  let text = '';
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString('utf8');
      text += s;
      for (const line of s.split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const gateway = createGateway(loaded, { guard: opts.guard, logger: createLogger('info', sink) });
  const addr = await gateway.listen();
  return {
    url: `http://127.0.0.1:${addr.port}`,
    adminUrl: addr.adminPort === null ? null : `http://127.0.0.1:${addr.adminPort}`,
    gateway,
    logs,
    logText: () => text,
    close: () => gateway.close(),
  };
}
