// Turning a policy Decision into what the gateway does: go on, or answer with a provider-shaped error
// whose message names the detector types found (never the values) or the reason scanning failed.
import type { ErrorCode } from '../errors.js';
import type { Direction, Decision } from '../policy/types.js';
import type { ErrorKind } from '../providers/types.js';

export interface Refusal {
  kind: ErrorKind;
  code: ErrorCode | undefined;
  message: string;
  /** undefined: the adapter's default status for `kind`. */
  status: number | undefined;
}

/** The types that made the decision block (all finding types when none is marked block). */
export function blockingTypes(decision: Decision): string[] {
  const blocking = decision.findings.filter((f) => f.action === 'block');
  const from = blocking.length > 0 ? blocking : decision.findings;
  return [...new Set(from.map((f) => f.type))].sort();
}

/** null when the request/response may go on; otherwise how to refuse it. Shadow decisions never refuse. */
export function refusal(decision: Decision, direction: Direction, requestId: string, blockStatus: number): Refusal | null {
  if (decision.shadow || decision.action !== 'block') return null;
  const what = direction === 'request' ? 'request' : 'response';
  if (decision.failure) {
    const audit = decision.failure.code === 'LG_ERR_AUDIT_FAILED';
    return {
      kind: audit ? 'audit_failed' : 'scan_failed',
      code: audit ? 'LG_ERR_AUDIT_FAILED' : 'LG_ERR_SCAN_FAILED',
      message: `leakgate could not ${audit ? 'audit' : 'scan'} this ${what} (${decision.failure.code}: ${decision.failure.reason}); it was blocked because the fail mode is closed. Request id ${requestId}.`,
      status: undefined,
    };
  }
  const types = blockingTypes(decision);
  const named = types.length > 0 ? `: it contains ${types.join(', ')}` : '';
  return {
    kind: 'blocked',
    code: undefined,
    message: `leakgate blocked this ${what}${named} (values not shown). Request id ${requestId}.`,
    status: blockStatus,
  };
}
