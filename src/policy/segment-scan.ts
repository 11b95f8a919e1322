// Scans a request's or response's segments through the verdict cache: only segments whose text
// was not seen before (under the same ruleset) reach the engine, in one batch.
import type { DetectEngine, Finding, ScanContext, Segment } from '../detect/types.js';
import { fromCached, toCached, type VerdictCache } from './verdict-cache.js';

/** Classifier fallbacks: a verdict reached without the model is not worth keeping. */
const DEGRADED_SIGNALS = ['model:timeout', 'model:unavailable', 'model:error'];

function degraded(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.signals.some((s) => DEGRADED_SIGNALS.includes(s)));
}

export interface SegmentScanResult {
  findings: Finding[];
  hits: number;
  misses: number;
}

export async function scanSegments(
  engine: DetectEngine,
  cache: VerdictCache,
  segments: readonly Segment[],
  ctx: ScanContext,
): Promise<SegmentScanResult> {
  cache.syncRuleset(engine.rulesetHash);
  const kind = ctx.fileKind ?? '';
  const findings: Finding[] = [];
  // Segments to scan, by cache key: identical texts are scanned once.
  const todo = new Map<string, Segment[]>();
  let hits = 0;
  for (const seg of segments) {
    if (seg.text.length === 0) continue;
    const key = cache.enabled ? cache.keyOf(kind, seg.text) : `#${todo.size}`;
    const cached = cache.enabled ? cache.get(key) : undefined;
    if (cached) {
      hits++;
      for (const c of cached) findings.push(fromCached(c, seg.path, seg.text));
      continue;
    }
    const same = todo.get(key);
    if (same) same.push(seg);
    else todo.set(key, [seg]);
  }
  if (todo.size > 0) {
    // One engine call per batch of distinct paths; findings come back by path.
    const batch: Segment[] = [];
    const keyByPath = new Map<string, string>();
    const rest: [string, Segment][] = [];
    for (const [key, segs] of todo) {
      const seg = segs[0]!;
      if (keyByPath.has(seg.path)) rest.push([key, seg]);
      else {
        keyByPath.set(seg.path, key);
        batch.push(seg);
      }
    }
    const byKey = new Map<string, Finding[]>();
    const collect = (found: readonly Finding[], paths: ReadonlyMap<string, string>): void => {
      for (const f of found) {
        const key = paths.get(f.path);
        if (key === undefined) continue;
        let list = byKey.get(key);
        if (!list) byKey.set(key, (list = []));
        list.push(f);
      }
    };
    collect(await engine.scan(batch, ctx), keyByPath);
    // Duplicate paths with different texts (not expected from adapters): scanned one by one.
    for (const [key, seg] of rest) collect(await engine.scan([seg], ctx), new Map([[seg.path, key]]));
    for (const [key, segs] of todo) {
      const own = byKey.get(key) ?? [];
      const cacheable = own.map(toCached);
      if (!degraded(own)) cache.set(key, cacheable);
      for (const seg of segs) for (const c of cacheable) findings.push(fromCached(c, seg.path, seg.text));
    }
  }
  return { findings, hits, misses: todo.size };
}
