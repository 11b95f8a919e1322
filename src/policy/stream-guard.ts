// The guard for one streamed response: a HoldbackScanner per output channel (and a token restorer
// when reversible redaction is on), the same policy as whole bodies, and one audit row at the end.
import type { DetectEngine, Segment } from '../detect/types.js';
import { decideFinding, summarize, type Scope } from './decide.js';
import { HoldbackScanner } from './holdback-scanner.js';
import { errorSummary, recordDecision, type RowMeta } from './record.js';
import { buildRewrites, failureDecision, scanContextFor, SCAN_FAILED, type GuardCore } from './core.js';
import { ACTION_STRENGTH, strongest, type Action, type Decision, type DecidedFinding, type GuardResult, type StreamGuard, type StreamPush } from './types.js';
import { StreamRestorer, type RedactionVault } from './vault.js';

export interface StreamGuardOptions {
  core: GuardCore;
  scope: Scope;
  /** The request's vault (reversible redaction), if any. */
  vault: RedactionVault | undefined;
  /** Fixed for the stream's life, so a hot reload mid-stream cannot mix rulesets in one decision. */
  engine: DetectEngine;
  rowMeta(engine: DetectEngine): RowMeta;
}

interface Channel {
  scanner: HoldbackScanner;
  restorer: StreamRestorer | undefined;
}

export function createStreamGuard(o: StreamGuardOptions): StreamGuard {
  const { core, scope, engine } = o;
  const channels = new Map<string, Channel>();
  const findings: DecidedFinding[] = [];
  const seen = new Set<string>();
  let failure: { code: string; reason: string } | undefined;
  let blocked = false;
  let live: Action = 'allow';
  let ended: Promise<Decision> | undefined;
  const decide = (f: Parameters<typeof decideFinding>[0]): DecidedFinding => decideFinding(f, scope);

  function note(found: readonly DecidedFinding[]): void {
    for (const f of found) {
      // A 'done' event repeating the whole output finds the same values again; record each once.
      const id = `${f.path}\0${f.start}\0${f.end}\0${f.type}`;
      if (seen.has(id)) continue;
      seen.add(id);
      findings.push(f);
      if (!f.shadow) live = strongest(live, f.action);
    }
  }

  function channel(name: string): Channel {
    let c = channels.get(name);
    if (!c) {
      c = {
        scanner: new HoldbackScanner({
          engine,
          channel: name,
          maxHold: core.maxHold,
          contextChars: core.contextChars,
          scanContext: scanContextFor('response'),
          decide,
        }),
        restorer: o.vault && o.vault.size > 0 ? new StreamRestorer(o.vault) : undefined,
      };
      channels.set(name, c);
    }
    return c;
  }

  const BLOCK: StreamPush = Object.freeze({ text: '', action: 'block' });

  /** Scanning failed mid-stream: closed stops the stream; open releases what is held, unscanned. */
  function scanFailed(c: Channel, err: unknown): StreamPush {
    core.logger?.error({ err: errorSummary(err), route: scope.route }, 'stream scan failed; fail mode applies');
    failure ??= { code: SCAN_FAILED, reason: `stream scanning could not complete (fail: ${scope.fail})` };
    if (scope.fail === 'closed' && !(scope.tenantShadow ?? scope.requestShadow)) {
      blocked = true;
      return BLOCK;
    }
    const raw = c.scanner.take();
    return { text: c.restorer ? c.restorer.push(raw) : raw, action: live };
  }

  function step(name: string, final: boolean, text: string): StreamPush {
    if (blocked) return BLOCK;
    const c = channel(name);
    let s;
    try {
      s = final ? c.scanner.flush() : c.scanner.push(text);
    } catch (err) {
      return scanFailed(c, err);
    }
    note(s.findings);
    if (s.capped) {
      core.metrics?.holdbackCapped?.(scope.route);
      core.logger?.warn({ route: scope.route, channel: name, maxHold: core.maxHold }, 'stream hold-back cap reached; text released');
    }
    if (s.block) {
      blocked = true;
      const types = [...new Set(s.findings.filter((f) => f.action === 'block' && !f.shadow).map((f) => f.type))];
      return types.length > 0 ? { text: '', action: 'block', types } : BLOCK;
    }
    let out = s.text;
    if (c.restorer) out = c.restorer.push(out) + (final ? c.restorer.flush() : '');
    if (final) channels.delete(name);
    return { text: out, action: live };
  }

  return {
    push(name: string, text: string): StreamPush {
      return step(name, false, text);
    },
    flush(name: string): StreamPush {
      return step(name, true, '');
    },
    inspectWhole(segments: readonly Segment[]): GuardResult {
      let decided: DecidedFinding[];
      try {
        decided = engine.scanRules(segments, scanContextFor('response')).map(decide);
      } catch (err) {
        core.logger?.error({ err: errorSummary(err), route: scope.route }, 'stream scan failed; fail mode applies');
        const d = failureDecision(scope, SCAN_FAILED, `stream scanning could not complete (fail: ${scope.fail})`);
        failure ??= d.failure;
        if (d.action === 'block' && !d.shadow) blocked = true;
        return { decision: d, rewrites: new Map() };
      }
      note(decided);
      const outcome = summarize(decided, scope);
      const decision: Decision = { action: outcome.action, shadow: outcome.shadow, findings: decided };
      if (outcome.action === 'block' && !outcome.shadow) blocked = true;
      return { decision, rewrites: buildRewrites(segments, decision, 'response', o.vault) };
    },
    end(outcome: 'complete' | 'aborted' | 'upstream_error'): Promise<Decision> {
      ended ??= (async () => {
        // Text still held (a channel never flushed, an aborted stream) is scanned for the record; never released.
        for (const [name, c] of channels) {
          try {
            if (!blocked) note(c.scanner.flush().findings);
          } catch (err) {
            core.logger?.error({ err: errorSummary(err), route: scope.route, channel: name, outcome }, 'final stream scan failed');
            failure ??= { code: SCAN_FAILED, reason: `stream scanning could not complete (fail: ${scope.fail})` };
          }
        }
        channels.clear();
        let decision: Decision;
        if (failure) {
          decision = failureDecision(scope, failure.code, failure.reason, findings);
          // Fail open forwarded text; whatever was found before the failure still counts.
          const o2 = summarize(findings, scope);
          if (ACTION_STRENGTH[o2.action] > ACTION_STRENGTH[decision.action]) decision = { ...decision, action: o2.action };
        } else {
          const s = summarize(findings, scope);
          decision = { action: s.action, shadow: s.shadow, findings };
        }
        return recordDecision(core.record, o.rowMeta(engine), decision);
      })();
      return ended;
    },
  };
}
