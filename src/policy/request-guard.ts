// One request's guard: tenant, request id, policy scope and the reversible-redaction vault.
// inspect() scans (through the verdict cache), decides, rewrites, audits, and resolves after the
// audit row is committed. A stage failure applies the fail mode; it never logs and forwards.
import type { DetectEngine, Segment } from '../detect/types.js';
import { buildRewrites, failureDecision, scanContextFor, SCAN_FAILED, type GuardCore } from './core.js';
import { decideFinding, summarize, type Scope } from './decide.js';
import { errorSummary, recordDecision, type RowMeta } from './record.js';
import { scanSegments } from './segment-scan.js';
import { boundaryWindows, crossingFindings } from './split-parts.js';
import { createStreamGuard } from './stream-guard.js';
import type { Decision, Direction, GuardResult, RequestGuard, RequestMeta, StreamGuard } from './types.js';
import { RedactionVault } from './vault.js';

export interface RequestGuardOptions {
  core: GuardCore;
  meta: RequestMeta;
  scope: Scope;
}

export function createRequestGuard({ core, meta, scope }: RequestGuardOptions): RequestGuard {
  const vault = scope.reversibleRedaction ? new RedactionVault() : undefined;
  const rowMeta = (direction: Direction, engine: DetectEngine): RowMeta => ({
    requestId: meta.requestId,
    route: meta.route,
    upstream: meta.upstream,
    tenant: scope.tenant,
    direction,
    rulesetHash: engine.rulesetHash,
    modelVersion: engine.modelVersion,
  });

  async function failure(direction: Direction, code: string, reason: string): Promise<Decision> {
    return recordDecision(core.record, rowMeta(direction, core.engine()), failureDecision(scope, code, reason));
  }

  async function inspect(direction: Direction, segments: readonly Segment[]): Promise<GuardResult> {
    const engine = core.engine();
    let scanned;
    try {
      const ctx = scanContextFor(direction);
      scanned = await scanSegments(engine, core.cache, segments, ctx);
      const windows = boundaryWindows(segments);
      if (windows.length > 0) {
        const across = await scanSegments(engine, core.cache, windows.map((w) => w.seg), ctx);
        for (const w of windows) {
          const own = across.findings.filter((f) => f.path === w.seg.path);
          if (own.length > 0) scanned.findings.push(...crossingFindings(w, own));
        }
      }
    } catch (err) {
      core.logger?.error({ requestId: meta.requestId, direction, err: errorSummary(err) }, 'scan failed; fail mode applies');
      return { decision: await failure(direction, SCAN_FAILED, `scanning could not complete; ${scope.fail === 'closed' ? 'blocked' : 'forwarded unscanned'} (fail: ${scope.fail})`), rewrites: new Map() };
    }
    core.metrics?.verdictCache?.(scanned.hits, scanned.misses);
    const findings = scanned.findings.map((f) => decideFinding(f, scope));
    const outcome = summarize(findings, scope);
    const decided: Decision = { action: outcome.action, shadow: outcome.shadow, findings };
    const stands = await recordDecision(core.record, rowMeta(direction, engine), decided);
    return { decision: stands, rewrites: buildRewrites(segments, stands, direction, vault) };
  }

  return {
    tenant: scope.tenant,
    inspect,
    failure,
    openStream(): StreamGuard {
      return createStreamGuard({ core, scope, vault, engine: core.engine(), rowMeta: (engine) => rowMeta('response', engine) });
    },
  };
}
