// Test-only Guards for the proxy ↔ policy seam (the real one lives in src/policy/). They let proxy
// tests prove the seam works without the detect engine: a marker word stands in for a secret.
//   allowAllGuard()               every decision 'allow', text released unchanged (benchmark baseline)
//   markerGuard({ redact, block }) rewrites each `redact` marker to '[REDACTED:test-marker]' and blocks
//                                 on a `block` marker, in requests, responses and streams (with hold-back
//                                 of a trailing marker prefix, so markers split across chunks are caught)
// Both record what they were asked (`calls`) so tests can assert the seam was used as promised.
import type { Segment } from '../../src/detect/types.js';
import {
  strongest,
  type Action,
  type DecidedFinding,
  type Decision,
  type Direction,
  type Guard,
  type GuardResult,
  type RequestGuard,
  type RequestMeta,
  type StreamGuard,
  type StreamPush,
} from '../../src/policy/types.js';

export const REDACTED = '[REDACTED:test-marker]';

export interface GuardCalls {
  begins: RequestMeta[];
  inspects: { direction: Direction; segments: Segment[] }[];
  failures: { direction: Direction; code: string; reason: string }[];
  pushes: { channel: string; text: string }[];
  wholes: Segment[][];
  ends: ('complete' | 'aborted' | 'upstream_error')[];
}

export interface TestGuard extends Guard {
  readonly calls: GuardCalls;
  /** What failure() decides (default 'block': fail closed). */
  failAction: Action;
  ready: boolean;
}

function finding(path: string, start: number, value: string, type: string, action: Action): DecidedFinding {
  return {
    path,
    start,
    end: start + value.length,
    line: 1,
    column: start + 1,
    value,
    type,
    class: 'genuine',
    confidence: 1,
    severity: 'high',
    detectors: [type],
    pack: 'test',
    entropy: 0,
    signals: ['test'],
    action,
  };
}

function emptyCalls(): GuardCalls {
  return { begins: [], inspects: [], failures: [], pushes: [], wholes: [], ends: [] };
}

export function markerGuard(markers: { redact?: string; block?: string } = {}): TestGuard {
  const calls = emptyCalls();
  const list = [markers.redact, markers.block].filter((m): m is string => !!m);

  const judge = (segments: readonly Segment[]): GuardResult => {
    const findings: DecidedFinding[] = [];
    const rewrites = new Map<string, string>();
    for (const s of segments) {
      if (markers.block) {
        const at = s.text.indexOf(markers.block);
        if (at !== -1) findings.push(finding(s.path, at, markers.block, 'test-block-marker', 'block'));
      }
      if (markers.redact && s.text.includes(markers.redact)) {
        findings.push(finding(s.path, s.text.indexOf(markers.redact), markers.redact, 'test-marker', 'redact'));
        rewrites.set(s.path, s.text.split(markers.redact).join(REDACTED));
      }
    }
    const action = findings.reduce<Action>((a, f) => strongest(a, f.action), 'allow');
    return { decision: { action, shadow: false, findings }, rewrites: action === 'block' ? new Map() : rewrites };
  };

  /** Length of the longest suffix of `text` that is a proper prefix of a marker. */
  const heldTail = (text: string): number => {
    let best = 0;
    for (const m of list) {
      for (let k = Math.min(m.length - 1, text.length); k > best; k--) {
        if (text.endsWith(m.slice(0, k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  };

  const guard: TestGuard = {
    calls,
    failAction: 'block',
    ready: true,
    begin(meta: RequestMeta): RequestGuard {
      calls.begins.push(meta);
      let streamAction: Action = 'allow';
      return {
        tenant: 'default',
        inspect(direction, segments) {
          calls.inspects.push({ direction, segments: [...segments] });
          return Promise.resolve(judge(segments));
        },
        failure(direction, code, reason) {
          calls.failures.push({ direction, code, reason });
          const d: Decision = { action: guard.failAction, shadow: false, findings: [], failure: { code, reason } };
          return Promise.resolve(d);
        },
        openStream(): StreamGuard {
          const held = new Map<string, string>();
          const release = (channel: string, text: string, final: boolean): StreamPush => {
            let buf = text;
            if (markers.block && buf.includes(markers.block)) {
              streamAction = 'block';
              return { text: '', action: 'block' };
            }
            if (markers.redact && buf.includes(markers.redact)) {
              buf = buf.split(markers.redact).join(REDACTED);
              streamAction = strongest(streamAction, 'redact');
            }
            const keep = final ? 0 : heldTail(buf);
            held.set(channel, buf.slice(buf.length - keep));
            return { text: buf.slice(0, buf.length - keep), action: streamAction === 'block' ? 'block' : streamAction };
          };
          return {
            push(channel, text) {
              calls.pushes.push({ channel, text });
              return release(channel, (held.get(channel) ?? '') + text, false);
            },
            flush(channel) {
              const r = release(channel, held.get(channel) ?? '', true);
              held.delete(channel);
              return r;
            },
            inspectWhole(segments) {
              calls.wholes.push([...segments]);
              return judge(segments);
            },
            end(outcome) {
              calls.ends.push(outcome);
              return Promise.resolve({ action: streamAction, shadow: false, findings: [] });
            },
          };
        },
      };
    },
    readiness() {
      return { ready: guard.ready, components: { test: guard.ready ? 'ready' : 'not ready' } };
    },
  };
  return guard;
}

/** Allows everything: the benchmark's guard and the baseline for pass-through behaviour. */
export function allowAllGuard(): TestGuard {
  return markerGuard({});
}
