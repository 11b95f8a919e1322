// The one place that wires the stages together: config → upstream pools + provider adapters →
// policy guard → the gateway's HTTP servers. Nothing else imports across stages like this.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfig, packagePath, type LoadedConfig } from './config/load.js';
import { watchPaths } from './config/watch.js';
import { openAuditLog } from './audit/index.js';
import { createEngine } from './detect/engine.js';
import { createClassifier, strengthFromPacks } from './detect/model/index.js';
import { createGuard } from './policy/index.js';
import { BodyBudget, defaultBodyBudgetBytes } from './proxy/body-budget.js';
import { createGuardMetrics } from './proxy/guard-metrics.js';
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
  /** Defaults to a fresh registry; passed in when the guard registers its own series on it. */
  metrics?: GatewayMetrics;
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
  const logger = deps.logger ?? createLogger(config.log.level, undefined, { maxBufferBytes: config.log.maxBufferBytes });
  const routes = new Map<string, Route>();
  for (const [name, up] of Object.entries(config.upstreams)) {
    routes.set(name, { name, upstream: createUpstream(name, up), adapter: adapterFor(up.api) });
  }
  const metrics = deps.metrics ?? createMetrics();
  const bodyBudget = new BodyBudget(config.server.maxBufferedBytes ?? defaultBodyBudgetBytes());
  const ctx: GatewayContext = { config, routes, guard: deps.guard, logger, metrics, draining: false, bodyBudget };
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
 * The production Guard: audit log → classifier → detect engine (packs + model) → policy. Packs and
 * the config file are watched: a valid change swaps engine/policy in place; an invalid one is
 * logged and the old rules stay in force. Upstreams, listeners and audit settings need a restart.
 */
export async function buildGuard(loaded: LoadedConfig, logger: Logger, metrics?: GatewayMetrics): Promise<BuiltGuard> {
  const { config } = loaded;
  const audit = openAuditLog(config.audit, {
    onError: (err) => logger.error({ code: (err as { code?: string }).code ?? 'LG_ERR_AUDIT_FAILED', err: err.message }, 'audit log error'),
  });
  // Detector strength (structured vs generic) from the packs in force, not the bundled ones, so a
  // custom pack's detectors are fused as their own pack declares.
  const classifier = await createClassifier(config.model, { rootDir: packagePath('.'), strengthOf: strengthFromPacks(loaded.packPaths) });
  const status = classifier.status();
  if (status.state !== 'ready') logger.warn({ model: status }, 'classifier not ready: rules-only decisions (model:unavailable)');
  const makeEngine = (l: LoadedConfig) =>
    createEngine({
      packPaths: l.packPaths,
      classifier,
      maxDecodeDepth: l.config.detect.maxDecodeDepth,
      maxHoldback: l.config.policy.streamHoldbackChars,
    });
  let engine;
  try {
    engine = makeEngine(loaded);
  } catch (err) {
    await audit.close();
    await classifier.close();
    throw err;
  }
  const policyMetrics = metrics ? createGuardMetrics(metrics.registry, () => classifier) : undefined;
  const guard = createGuard({ config, engine, audit, logger, ...(policyMetrics ? { metrics: policyMetrics } : {}) });
  logger.info({ packs: engine.packs.length, detectors: engine.packs.reduce((n, p) => n + p.detectors.length, 0), ruleset: engine.rulesetHash.slice(0, 12), model: classifier.version }, 'detection ready');

  const watcher = config.detect.watch
    ? watchPaths(
        [loaded.file, ...loaded.packPaths],
        function reloadRules() {
          try {
            const next = loadConfig(loaded.file);
            const nextEngine = makeEngine(next);
            guard.setConfig(next.config);
            guard.setEngine(nextEngine);
            logger.info({ ruleset: nextEngine.rulesetHash.slice(0, 12), packs: nextEngine.packs.length }, 'rules reloaded');
          } catch (err) {
            logger.error({ code: (err as { code?: string }).code, err: (err as Error).message }, 'reload rejected; previous rules stay in force');
          }
        },
        { onError: (err) => logger.warn({ err: err.message }, 'config watch error') },
      )
    : null;

  return {
    guard,
    async close() {
      watcher?.close();
      await audit.close();
      await classifier.close();
    },
  };
}

export interface Started {
  gateway: Gateway;
  address: ListenInfo;
  /** Drains and closes the gateway, then releases the guard (audit checkpoint). */
  stop(): Promise<void>;
}

/** Used by `leakgate serve`: builds the real guard (or the degraded fail-mode guard) and listens. */
export async function startFromConfig(loaded: LoadedConfig, opts: { logger?: Logger } = {}): Promise<Started> {
  const logger = opts.logger ?? createLogger(loaded.config.log.level, undefined, { maxBufferBytes: loaded.config.log.maxBufferBytes });
  const metrics = createMetrics();
  let built: BuiltGuard;
  try {
    built = await buildGuard(loaded, logger, metrics);
  } catch (err) {
    // Start anyway (health checks, clear errors); the fail mode decides every request meanwhile.
    const reason = err instanceof Error ? err.message : String(err);
    logger.error({ err: reason, fail: loaded.config.policy.fail }, 'policy guard unavailable; serving in degraded mode');
    built = { guard: unavailableGuard(reason, loaded.config.policy.fail), close: () => Promise.resolve() };
  }
  const gateway = createGateway(loaded, { guard: built.guard, logger, metrics });
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
