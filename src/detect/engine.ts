// The detect engine: packs compiled once at start-up; per call only the compiled rules run.
// scan() = scanRules() then, when a classifier is given, classifier.refine() (it owns its own
// timeouts and falls back to the rules' findings).
import { createHash } from 'node:crypto';
import { createCandidateFinder } from './candidates.js';
import { fileKindOf, fileSignals } from './context/file-cues.js';
import { decodeBudgetFor, findEncodedRuns, type DecodeBudget } from './decode.js';
import { createHoldback } from './holdback.js';
import { loadPacks, type CompiledPack } from './packs/load.js';
import { compilePattern, encodeText } from './regex.js';
import { scanSegmentRules, type RuleContext, type RuleSet } from './rules.js';
import type { Classifier, DetectEngine, Finding, ScanContext, Segment } from './types.js';
import { lineIndex } from './lines.js';

export interface EngineOptions {
  /** Pack files or directories; default: the bundled filter-packs/. */
  packPaths?: readonly string[];
  /** Already loaded packs (tests, hot reload); wins over packPaths. */
  packs?: readonly CompiledPack[];
  classifier?: Classifier;
  /** Nested encodings to decode and rescan (0 = off). Default 2. */
  maxDecodeDepth?: number;
  /** Max characters the stream hold-back may hold. Default 4096. */
  maxHoldback?: number;
  /** Extra allow-list values (RE2) that are never secrets. */
  allow?: readonly string[];
}

export interface Engine extends DetectEngine {
  readonly packs: readonly CompiledPack[];
}

const CLASS_ORDER = { benign: 0, placeholder: 1, genuine: 2 } as const;

export function createEngine(opts: EngineOptions = {}): Engine {
  const packs = opts.packs ?? loadPacks(opts.packPaths ?? []);
  const maxDepth = opts.maxDecodeDepth ?? 2;
  const finder = createCandidateFinder(packs);
  const rules: RuleSet = {
    finder,
    packsByName: new Map(packs.map((p) => [p.name, p])),
    allow: (opts.allow ?? []).map((a) => compilePattern(a)),
  };
  const providerKeywords = packs.flatMap((p) => p.detectors.filter((d) => !d.generic).flatMap((d) => d.spec.keywords));
  const hold = createHoldback(providerKeywords, opts.maxHoldback ?? 4096);
  const rulesetHash = createHash('sha256')
    .update(JSON.stringify({ packs: packs.map((p) => [p.name, p.sha256]), maxDepth, allow: opts.allow ?? [] }))
    .digest('hex');

  // Throws ScanBudgetError (LG_ERR_SCAN_FAILED) when decoding would exceed the segment's budget:
  // a scan never silently stops decoding; the caller's fail mode decides.
  function scanText(path: string, text: string, rctx: RuleContext, depth: number, budget: DecodeBudget): Finding[] {
    const enc = encodeText(text);
    const found = scanSegmentRules(rules, path, enc, rctx);
    if (depth <= 0) return found;
    const runs = findEncodedRuns(enc, budget);
    if (runs.length === 0) return found;
    const lines = lineIndex(text);
    const out = [...found];
    for (const run of runs) {
      const inner = scanText(path, run.decoded, rctx, depth - 1, budget).filter((f) => f.class !== 'benign');
      if (inner.length === 0) continue;
      // Keep an outer finding that already covers the run unless it is weaker than the decoded one.
      const best = inner.reduce((a, b) => (CLASS_ORDER[b.class] > CLASS_ORDER[a.class] || (b.class === a.class && b.confidence > a.confidence) ? b : a));
      const clash = out.findIndex((f) => f.start < run.end && run.start < f.end);
      if (clash !== -1) {
        const cur = out[clash];
        // Same class: the more confident one (a provider format inside beats a generic key=value outside).
        if (cur && (CLASS_ORDER[cur.class] > CLASS_ORDER[best.class] || (cur.class === best.class && cur.confidence >= best.confidence))) continue;
        out.splice(clash, 1);
      }
      const pos = lines.position(run.start);
      out.push({
        ...best,
        path,
        start: run.start,
        end: run.end,
        line: pos.line,
        column: pos.column,
        value: text.slice(run.start, run.end),
        signals: [...best.signals, `decoded:${run.encoding}`],
      });
    }
    return out.sort((a, b) => a.start - b.start);
  }

  function scanRulesAll(segments: readonly Segment[], ctx: ScanContext = {}, dropBenign = false): Finding[] {
    const fileSig = fileSignals(ctx.filePath);
    const kind = ctx.fileKind ?? fileKindOf(ctx.filePath);
    const rctx: RuleContext = {
      fileSignals: kind === 'doc' && !fileSig.includes('doc-path') ? [...fileSig, 'doc-path'] : fileSig,
      packs: ctx.packs ? new Set(ctx.packs) : undefined,
      dropBenign,
    };
    const out: Finding[] = [];
    for (const seg of segments) out.push(...scanText(seg.path, seg.text, rctx, maxDepth, decodeBudgetFor(seg.text.length)));
    return out;
  }

  function scanRules(segments: readonly Segment[], ctx: ScanContext = {}): Finding[] {
    const all = scanRulesAll(segments, ctx, !ctx.includeBenign);
    return ctx.includeBenign ? all : all.filter((f) => f.class !== 'benign');
  }

  async function scan(segments: readonly Segment[], ctx: ScanContext = {}): Promise<Finding[]> {
    const classifier = opts.classifier;
    if (!classifier) return scanRules(segments, ctx);
    // The classifier sees benign candidates too: it may promote one the rules were unsure of.
    const all = scanRulesAll(segments, ctx);
    if (all.length === 0) return all;
    const texts = new Map<string, string>();
    for (const s of segments) texts.set(s.path, s.text);
    let refined: Finding[];
    try {
      refined = await classifier.refine(all, texts, ctx);
    } catch {
      refined = all.map((f) => ({ ...f, signals: [...f.signals, 'model:unavailable'] }));
    }
    return ctx.includeBenign ? refined : refined.filter((f) => f.class !== 'benign');
  }

  return {
    packs,
    rulesetHash,
    get modelVersion() {
      return opts.classifier?.version ?? 'none';
    },
    scanRules,
    scan,
    holdback: (text) => hold.holdback(text),
  };
}
