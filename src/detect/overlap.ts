// Overlapping candidates: keep the most specific (provider beats generic beats entropy; then the
// longer span), and merge the detector ids of everything it absorbed.
import type { Candidate } from './candidates.js';

const RANK = { provider: 3, generic: 2, entropy: 1 } as const;

export interface Merged {
  winner: Candidate;
  ids: string[];
}

function idOf(c: Candidate): string {
  return c.detector?.id ?? `entropy-${c.entropyRule?.charset ?? 'unknown'}`;
}

function better(a: Candidate, b: Candidate): boolean {
  const ra = RANK[a.kind];
  const rb = RANK[b.kind];
  if (ra !== rb) return ra > rb;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la > lb;
  return (a.detector?.spec.confidence ?? 0) > (b.detector?.spec.confidence ?? 0);
}

export function resolveOverlaps(cands: Candidate[]): Merged[] {
  if (cands.length === 0) return [];
  const sorted = [...cands].sort((a, b) => a.start - b.start || b.end - a.end);
  const groups: Candidate[][] = [];
  let cur: Candidate[] = [];
  let curEnd = -1;
  for (const c of sorted) {
    if (cur.length && c.start < curEnd) {
      cur.push(c);
      curEnd = Math.max(curEnd, c.end);
    } else {
      if (cur.length) groups.push(cur);
      cur = [c];
      curEnd = c.end;
    }
  }
  if (cur.length) groups.push(cur);
  const out: Merged[] = [];
  for (const g of groups) {
    // Within a group, pick winners greedily: best first, then any member not overlapping a winner.
    const ranked = [...g].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
    const winners: Merged[] = [];
    for (const c of ranked) {
      const hit = winners.find((w) => c.start < w.winner.end && w.winner.start < c.end);
      if (hit) {
        const id = idOf(c);
        if (!hit.ids.includes(id)) hit.ids.push(id);
      } else winners.push({ winner: c, ids: [idOf(c)] });
    }
    out.push(...winners);
  }
  return out.sort((a, b) => a.winner.start - b.winner.start);
}
