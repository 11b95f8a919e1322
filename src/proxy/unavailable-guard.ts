// The guard used when the policy stage could not be built at all: the server still starts (so
// /healthz answers and /readyz reports why it is not ready) and the configured fail mode decides
// every request — closed blocks with a clear reason, open forwards unscanned. Never a silent allow.
import type { Action, Decision, Guard, GuardResult, RequestGuard, StreamGuard } from '../policy/types.js';

export function unavailableGuard(reason: string, fail: 'closed' | 'open'): Guard {
  const action: Action = fail === 'closed' ? 'block' : 'allow';
  const decision = (): Decision => ({ action, shadow: false, findings: [], failure: { code: 'LG_ERR_SCAN_FAILED', reason: `policy stage unavailable: ${reason}` } });
  const result = (): GuardResult => ({ decision: decision(), rewrites: new Map() });
  const stream = (): StreamGuard => ({
    push: (_channel, text) => (fail === 'closed' ? { text: '', action: 'block' } : { text, action: 'allow' }),
    flush: () => ({ text: '', action: 'allow' }),
    inspectWhole: () => result(),
    end: () => Promise.resolve(decision()),
  });
  const request: RequestGuard = {
    tenant: 'default',
    inspect: () => Promise.resolve(result()),
    failure: () => Promise.resolve(decision()),
    openStream: stream,
  };
  return {
    begin: () => request,
    readiness: () => ({ ready: false, components: { policy: `unavailable: ${reason}` } }),
  };
}
