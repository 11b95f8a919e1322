// Drives a StreamGuard with a given chunking and collects what the client would receive.
import type { StreamGuard } from '../../../src/policy/types.js';

export interface StreamRun {
  out: string;
  chunks: string[];
  blocked: boolean;
}

export function pushAll(sg: StreamGuard, channel: string, pieces: readonly string[]): StreamRun {
  const chunks: string[] = [];
  for (const p of pieces) {
    const r = sg.push(channel, p);
    if (r.action === 'block') return { out: chunks.join(''), chunks, blocked: true };
    chunks.push(r.text);
  }
  const f = sg.flush(channel);
  if (f.action === 'block') return { out: chunks.join(''), chunks, blocked: true };
  chunks.push(f.text);
  return { out: chunks.join(''), chunks, blocked: false };
}

/** Splits `text` at the given sorted cut points. */
export function splitAt(text: string, cuts: readonly number[]): string[] {
  const out: string[] = [];
  let from = 0;
  for (const c of cuts) {
    if (c <= from || c >= text.length) continue;
    out.push(text.slice(from, c));
    from = c;
  }
  out.push(text.slice(from));
  return out;
}
