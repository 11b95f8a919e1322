// Stage 1: candidates. One keyword prefilter pass over the encoded segment picks the detectors
// that can match; only those run. Entropy settings add unknown-format candidates.
import type { CompiledDetector, CompiledEntropy, CompiledPack } from './packs/load.js';
import { compileInternal, compileLiteralSet, type CompiledPattern, type EncodedText, type LiteralSet } from './regex.js';
import { shannonEntropy, shapeOf } from './entropy.js';
import type { CandidateKind } from './context/classify.js';

export interface Candidate {
  start: number;
  end: number;
  kind: CandidateKind;
  /** null for entropy candidates. */
  detector: CompiledDetector | null;
  entropyRule: CompiledEntropy | null;
  /** Matched literal prefix (lower-case keyword) when the value starts with one. */
  prefix: string;
}

export interface CandidateFinder {
  find(enc: EncodedText, packs?: ReadonlySet<string>): Candidate[];
  /** Every literal keyword (lower-case) of every detector: used by the stream hold-back. */
  readonly keywords: readonly string[];
}

const CHARSET_PATTERNS: Record<CompiledEntropy['charset'], string> = {
  base64: '[A-Za-z0-9+/_-]{8,}={0,2}',
  hex: '[0-9a-fA-F]{8,}',
  alnum: '[A-Za-z0-9]{8,}',
};

export function createCandidateFinder(packs: readonly CompiledPack[]): CandidateFinder {
  const detectors = packs.flatMap((p) => p.detectors);
  const keywords: string[] = [];
  const kwIndex = new Map<string, number>();
  const byKeyword: number[][] = [];
  const always: number[] = [];
  detectors.forEach((d, i) => {
    if (d.spec.keywords.length === 0) always.push(i);
    for (const k of d.spec.keywords) {
      let ki = kwIndex.get(k);
      if (ki === undefined) {
        ki = keywords.length;
        kwIndex.set(k, ki);
        keywords.push(k);
        byKeyword.push([]);
      }
      byKeyword[ki]?.push(i);
    }
  });
  const literalSet: LiteralSet = compileLiteralSet(keywords);
  const entropyRules = packs.flatMap((p) => p.entropy);
  const charsetPatterns = new Map<string, CompiledPattern>();
  for (const r of entropyRules) if (!charsetPatterns.has(r.charset)) charsetPatterns.set(r.charset, compileInternal(CHARSET_PATTERNS[r.charset]));

  return {
    keywords,
    find(enc, only) {
      const out: Candidate[] = [];
      const run = new Set<number>(always);
      for (const ki of literalSet.match(enc)) for (const di of byKeyword[ki] ?? []) run.add(di);
      for (const di of [...run].sort((a, b) => a - b)) {
        const d = detectors[di];
        if (!d || (only && !only.has(d.pack))) continue;
        for (const m of d.pattern.matchAll(enc)) {
          const head = enc.text.slice(m.secretStart, m.secretStart + 24).toLowerCase();
          const prefix = d.spec.keywords.find((k) => head.startsWith(k)) ?? '';
          out.push({ start: m.secretStart, end: m.secretEnd, kind: d.generic ? 'generic' : 'provider', detector: d, entropyRule: null, prefix });
        }
      }
      for (const r of entropyRules) {
        if (only && !only.has(r.pack)) continue;
        const pat = charsetPatterns.get(r.charset);
        if (!pat) continue;
        for (const m of pat.matchAll(enc)) {
          const len = m.end - m.start;
          if (len < r.minLength || len > r.maxLength) continue;
          const v = enc.text.slice(m.start, m.end);
          const sh = shapeOf(v);
          // Random tokens mix character classes; identifiers and words do not.
          if (r.charset !== 'hex' && (sh.digit === 0 || sh.lower + sh.upper === 0)) continue;
          if (shannonEntropy(v) < r.threshold) continue;
          out.push({ start: m.start, end: m.end, kind: 'entropy', detector: null, entropyRule: r, prefix: '' });
        }
      }
      return out;
    },
  };
}
