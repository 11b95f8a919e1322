// The one place that wires the stages together: config → upstream pools + provider adapters →
// policy guard → the gateway's HTTP servers. Nothing else imports across stages like this.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { LoadedConfig } from './config/load.js';
import type { Guard } from './policy/types.js';
import { adapterFor } from './providers/registry.js';
import type { GatewayContext, Route } from './proxy/context.js';
import { createLogger, type Logger } from './proxy/log.js';
import { createMetrics, type GatewayMetrics } from './proxy/metrics.js';
import { createPassthrough } from './proxy/passthrough.js';
import { createGatewayServers } from './proxy/server.js';
import { unavailableGuard } from './proxy/unavailable-guard.js';
import { createUpstream } from './proxy/upstreams.js';

export interface GatewayDeps {
  /** The policy seam: scans, decides and audits (see src/policy/types.ts). */
  guard: Guard;
  /** Defaults to pino JSON on stdout at config.log.level. */
  logger?: Logger;
}

export interface ListenInfo {
  host: string;
  port: number;
  /** Port of the separate admin listener, or null when admin paths share the main port. */
  adminPort: number | null;
}

export interface Gateway {
  readonly server: Server;
  readonly adminServer: Server | null;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Binds server.host:server.port (0 → an ephemeral port) and the admin listener when configured. */
  listen(): Promise<ListenInfo>;
  /** Drains in-flight requests and streams (up to server.drainTimeoutMs), then closes listeners and upstream pools. */
  close(): Promise<void>;
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function createGateway(loaded: LoadedConfig, deps: GatewayDeps): Gateway {
  const { config } = loaded;
  const logger = deps.logger ?? createLogger(config.log.level);
  const routes = new Map<string, Route>();
  for (const [name, up] of Object.entries(config.upstreams)) {
    routes.set(name, { name, upstream: createUpstream(name, up), adapter: adapterFor(up.api) });
  }
  const metrics = createMetrics();
  const ctx: GatewayContext = { config, routes, guard: deps.guard, logger, metrics, draining: false };
  const passthrough = createPassthrough(ctx);
  const servers = createGatewayServers(ctx, passthrough);
  let closed: Promise<void> | null = null;

  return {
    server: servers.server,
    adminServer: servers.admin,
    metrics,
    logger,
    async listen(): Promise<ListenInfo> {
      const { host, port, admin } = config.server;
      const bound = await listenOn(servers.server, port, host);
      const adminPort = servers.admin && admin.port !== null ? await listenOn(servers.admin, admin.port, admin.host) : null;
      return { host, port: bound, adminPort };
    },
    close(): Promise<void> {
      closed ??= (async () => {
        await servers.close();
        passthrough.close();
        await Promise.all([...routes.values()].map((r) => r.upstream.pool.destroy().catch(() => undefined)));
        logger.flush();
      })();
      return closed;
    },
  };
}

/** What the production guard needs released on shutdown (the audit log's final checkpoint). */
export interface BuiltGuard {
  guard: Guard;
  close(): Promise<void>;
}

/**
 * FACTORY SPOT for the production Guard: detect engine (packs + model) → audit log → policy
 * createGuard(...) from './policy/index.js'. Wired by the integrator; until then it throws and
 * startFromConfig serves with the fail-mode guard (degraded /readyz).
 */
export async function buildGuard(loaded: LoadedConfig, logger: Logger): Promise<BuiltGuard> {
  void loaded;
  void logger;
  throw new Error('the policy guard is not wired into main.ts yet (buildGuard)');
}

export interface Started {
  gateway: Gateway;
  address: ListenInfo;
  /** Drains and closes the gateway, then releases the guard (audit checkpoint). */
  stop(): Promise<void>;
}

/** Used by `leakgate serve`: builds the real guard (or the degraded fail-mode guard) and listens. */
export async function startFromConfig(loaded: LoadedConfig, opts: { logger?: Logger } = {}): Promise<Started> {
  const logger = opts.logger ?? createLogger(loaded.config.log.level);
  let built: BuiltGuard;
  try {
    built = await buildGuard(loaded, logger);
  } catch (err) {
    // Start anyway (health checks, clear errors); the fail mode decides every request meanwhile.
    const reason = err instanceof Error ? err.message : String(err);
    logger.error({ err: reason, fail: loaded.config.policy.fail }, 'policy guard unavailable; serving in degraded mode');
    built = { guard: unavailableGuard(reason, loaded.config.policy.fail), close: () => Promise.resolve() };
  }
  const gateway = createGateway(loaded, { guard: built.guard, logger });
  const address = await gateway.listen();
  logger.info({ host: address.host, port: address.port, adminPort: address.adminPort, config: loaded.file }, 'leakgate listening');
  return {
    gateway,
    address,
    async stop() {
      await gateway.close();
      await built.close();
    },
  };
}
