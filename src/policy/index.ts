// The policy stage's entry point: createGuard() compiles the policy once and hands the proxy a
// Guard. The engine and the configuration can be swapped at run time (hot reload); requests
// already in flight keep the scope they began with, streams the engine they opened with.
import type { AuditLog } from '../audit/types.js';
import type { Config } from '../config/schema.js';
import type { DetectEngine } from '../detect/types.js';
import type { GuardCore } from './core.js';
import { compilePolicy, type ClassActions, type PolicyTable } from './decide.js';
import type { PolicyLogger, PolicyMetrics } from './observe.js';
import { createRequestGuard } from './request-guard.js';
import { resolveTenant } from './tenant.js';
import type { Guard, RequestGuard, RequestMeta } from './types.js';
import { VerdictCache, type CacheStats } from './verdict-cache.js';

export type { PolicyLogger, PolicyMetrics } from './observe.js';
export { KEY_TENANT_PREFIX } from './tenant.js';

export interface GuardOptions {
  config: Readonly<Config>;
  engine: DetectEngine;
  audit: AuditLog;
  logger?: PolicyLogger;
  metrics?: PolicyMetrics;
  /** Released characters each stream channel keeps as scan context for keyword-anchored detectors (default 256). */
  streamContextChars?: number;
}

export interface PolicyGuard extends Guard {
  /** The engine in force. */
  readonly engine: DetectEngine;
  /** Hot reload: new packs/model. The verdict cache empties itself when the ruleset hash changes. */
  setEngine(engine: DetectEngine): void;
  /** Hot reload: new policy (the cache keeps findings, not actions, so it stays valid). */
  setConfig(config: Readonly<Config>): void;
  cacheStats(): CacheStats;
}

/** Optional things an engine may expose beyond DetectEngine; read defensively (readiness, pack defaults). */
interface EngineExtras {
  packs?: readonly { name?: unknown; spec?: { actions?: unknown }; actions?: unknown }[];
  classifierStatus?: () => { state: string; detail?: string };
  classifier?: { status?: () => { state: string; detail?: string } };
}

function extras(engine: DetectEngine): EngineExtras {
  return engine as DetectEngine & EngineExtras;
}

function isClassActions(v: unknown): v is ClassActions {
  return typeof v === 'object' && v !== null;
}

/** Pack-file default actions (PackSpec.actions), when the engine lists its packs. */
function packDefaults(engine: DetectEngine): Map<string, ClassActions> {
  const out = new Map<string, ClassActions>();
  const packs = extras(engine).packs;
  if (!Array.isArray(packs)) return out;
  for (const p of packs) {
    const actions = p.spec?.actions ?? p.actions;
    if (typeof p.name === 'string' && isClassActions(actions)) out.set(p.name, actions);
  }
  return out;
}

function modelState(engine: DetectEngine): string {
  const x = extras(engine);
  const status = x.classifierStatus?.() ?? x.classifier?.status?.();
  if (status) return status.detail ? `${status.state}: ${status.detail}` : status.state;
  return engine.modelVersion === 'none' ? 'disabled' : `loaded (${engine.modelVersion})`;
}

export function createGuard(options: GuardOptions): PolicyGuard {
  let config = options.config;
  let engine = options.engine;
  let table: PolicyTable = compilePolicy(config, packDefaults(engine));
  const core: GuardCore = {
    engine: () => engine,
    cache: new VerdictCache(config.policy.cacheEntries),
    record: { audit: options.audit, enabled: config.audit.enabled, fail: config.audit.fail, logger: options.logger, metrics: options.metrics },
    maxHold: config.policy.streamHoldbackChars,
    contextChars: options.streamContextChars ?? 256,
    logger: options.logger,
    metrics: options.metrics,
  };

  return {
    get engine(): DetectEngine {
      return engine;
    },
    setEngine(next: DetectEngine): void {
      engine = next;
      table = compilePolicy(config, packDefaults(next));
      core.cache.syncRuleset(next.rulesetHash);
    },
    setConfig(next: Readonly<Config>): void {
      config = next;
      table = compilePolicy(next, packDefaults(engine));
      core.record = { ...core.record, enabled: next.audit.enabled, fail: next.audit.fail };
      core.maxHold = next.policy.streamHoldbackChars;
      // Findings stay valid across policy changes; only a new size needs a new cache.
      if (next.policy.cacheEntries !== core.cache.capacity) core.cache = new VerdictCache(next.policy.cacheEntries);
    },
    begin: function begin(meta: RequestMeta): RequestGuard {
      const tenant = resolveTenant(meta.headers, table.tenantHeader, (v) => options.audit.fingerprint(v));
      return createRequestGuard({ core, meta, scope: table.scopeFor(meta.route, tenant) });
    },
    readiness: function readiness() {
      const x = extras(engine);
      const auditOk = !config.audit.enabled || options.audit.healthy();
      const packs = Array.isArray(x.packs) ? `${x.packs.length} loaded (${engine.rulesetHash.slice(0, 12)})` : `ruleset ${engine.rulesetHash.slice(0, 12)}`;
      return {
        // A degraded model falls back to rules: still ready. A dead audit log is not, unless it may fail open.
        ready: auditOk || config.audit.fail === 'open',
        components: { model: modelState(engine), audit: auditOk ? 'healthy' : 'unhealthy', packs },
      };
    },
    cacheStats: () => core.cache.stats(),
  };
}
