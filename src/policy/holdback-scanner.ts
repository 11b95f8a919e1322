// The incremental scanner for one stream channel. Pure: no I/O, no clock; the caller decides.
//
// State is a bounded window: `context` (the last few hundred characters already released, with
// markers in place, so keyword-anchored detectors still see `password = "` when the value comes
// in a later chunk) and `pending` (text not yet released). Each push scans context + pending once,
// settles every finding that lies wholly before the held tail, and releases everything except the
// trailing characters the engine says could still be (part of) a secret. Work and memory per push
// are bounded by the context size, the hold-back cap and the chunk, never by the stream length.
import type { DetectEngine, Finding, ScanContext } from '../detect/types.js';
import type { DecidedFinding } from './types.js';
import { marker, redactText, type RedactSpan } from './redact.js';

export interface HoldbackScannerOptions {
  engine: Pick<DetectEngine, 'scanRules' | 'holdback'>;
  /** Channel name; becomes the findings' path. */
  channel: string;
  /** Most characters ever held (config.policy.streamHoldbackChars); past it text is released anyway. */
  maxHold: number;
  /** Released characters kept as scan context. */
  contextChars: number;
  scanContext?: ScanContext;
  /** Policy for one finding (action and shadow flag). */
  decide(f: Finding): DecidedFinding;
}

export interface ScanStep {
  /** Text safe to release now (redacted findings replaced by markers). */
  text: string;
  /** Findings settled by this step; offsets are relative to the channel's whole upstream text. */
  findings: DecidedFinding[];
  /** An enforced finding's action is block: release nothing more. */
  block: boolean;
  /** The hold-back cap forced text out while the engine still wanted it held. */
  capped: boolean;
}

export class HoldbackScanner {
  readonly #o: HoldbackScannerOptions;
  #context = '';
  #pending = '';
  /** Upstream characters released before `pending` starts, and line/column bookkeeping for them. */
  #consumed = 0;
  #line = 1;
  #lineStart = 0;
  #blocked = false;

  constructor(options: HoldbackScannerOptions) {
    this.#o = options;
  }

  /** Characters currently held (for metrics and tests). */
  get held(): number {
    return this.#pending.length;
  }

  /** Characters of released context kept (bounded by contextChars). */
  get contextLength(): number {
    return this.#context.length;
  }

  get blocked(): boolean {
    return this.#blocked;
  }

  push(text: string): ScanStep {
    if (this.#blocked) return { text: '', findings: [], block: true, capped: false };
    this.#pending += text;
    return this.#step(false);
  }

  /** The channel ended: settle and release everything held. */
  flush(): ScanStep {
    if (this.#blocked) return { text: '', findings: [], block: true, capped: false };
    return this.#step(true);
  }

  /** Hands back everything held, unscanned, and moves past it (fail open: the caller releases it as is). */
  take(): string {
    const p = this.#pending;
    this.#advance(p, p);
    return p;
  }

  #step(final: boolean): ScanStep {
    const pending = this.#pending;
    if (pending.length === 0) return { text: '', findings: [], block: false, capped: false };
    const window = this.#context + pending;
    const base = this.#context.length;
    const hold = final ? 0 : Math.max(0, Math.min(this.#o.engine.holdback(window), pending.length));
    // Everything is held anyway (a secret-like run still forming): nothing could be released or
    // settled, so skip the scan until the run ends or the cap is reached.
    if (!final && hold === pending.length && pending.length <= this.#o.maxHold) return { text: '', findings: [], block: false, capped: false };
    const found = this.#o.engine
      .scanRules([{ path: this.#o.channel, text: window }], this.#o.scanContext)
      // Findings wholly inside the released context were settled by an earlier step.
      .filter((f) => f.end > base)
      .sort((a, b) => a.start - b.start);

    // Release boundary, in pending coordinates.
    let cut = pending.length;
    let capped = false;
    if (!final) {
      cut = pending.length - hold;
      // A finding reaching into the held tail (or to the very end: it may still grow) is not
      // settled: hold from its start. Lowering the cut can unsettle an earlier finding; repeat.
      for (let changed = true; changed; ) {
        changed = false;
        for (const f of found) {
          const end = f.end - base;
          const start = Math.max(0, f.start - base);
          if ((end > cut || end >= pending.length) && start < cut) {
            cut = start;
            changed = true;
          }
        }
      }
      if (pending.length - cut > this.#o.maxHold) {
        capped = true;
        cut = pending.length - this.#o.maxHold;
        // Never cut through a finding: settle it with the span it has now.
        for (const f of found) if (f.start - base < cut && f.end - base > cut) cut = Math.min(pending.length, f.end - base);
      }
    }

    const settled: DecidedFinding[] = [];
    const spans: RedactSpan[] = [];
    let block = false;
    for (const f of found) {
      if (f.end - base > cut) continue;
      const d = this.#o.decide(f);
      const start = Math.max(0, f.start - base);
      const end = f.end - base;
      settled.push(this.#absolute(d, start, end, pending));
      if (d.shadow) continue;
      if (d.action === 'block') block = true;
      else if (d.action === 'redact') spans.push({ start, end, type: d.type, value: pending.slice(start, end) });
    }
    if (block) {
      this.#blocked = true;
      this.#pending = '';
      this.#context = '';
      return { text: '', findings: settled, block: true, capped };
    }
    const released = redactText(pending.slice(0, cut), spans, (s) => marker(s.type));
    this.#advance(pending.slice(0, cut), released);
    return { text: released, findings: settled, block: false, capped };
  }

  /** Moves `upstream` (a prefix of pending) out of pending; `released` is what the client got for it. */
  #advance(upstream: string, released: string): void {
    for (let i = upstream.indexOf('\n'); i !== -1; i = upstream.indexOf('\n', i + 1)) {
      this.#line++;
      this.#lineStart = this.#consumed + i + 1;
    }
    this.#consumed += upstream.length;
    this.#pending = this.#pending.slice(upstream.length);
    const ctx = this.#context + released;
    this.#context = ctx.length > this.#o.contextChars ? ctx.slice(ctx.length - this.#o.contextChars) : ctx;
  }

  /** Re-bases a window finding onto the channel's upstream text (start clamped to pending when it began in context). */
  #absolute(d: DecidedFinding, start: number, end: number, pending: string): DecidedFinding {
    let line = this.#line;
    let lineStart = this.#lineStart;
    for (let i = pending.indexOf('\n'); i !== -1 && i < start; i = pending.indexOf('\n', i + 1)) {
      line++;
      lineStart = this.#consumed + i + 1;
    }
    const absStart = this.#consumed + start;
    return { ...d, path: this.#o.channel, start: absStart, end: this.#consumed + end, line, column: absStart - lineStart + 1 };
  }
}
