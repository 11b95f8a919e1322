// Stage 1: candidates. One keyword prefilter pass over the encoded segment picks the detectors
// that can match; only those run. Entropy settings add unknown-format candidates.
import type { CompiledDetector, CompiledEntropy, CompiledPack } from './packs/load.js';
import { anchoredCovers, anchoredHead, exactPrefixFor, gateFor, type HitGate } from './gates.js';
import { compileKeywordScanner, type KeywordScanner } from './prefilter.js';
import type { EncodedText, PatternMatch } from './regex.js';
import { base64Runs, CHARSET_TABLES, findRuns } from './runs.js';
import { hasDigitAndLetter, shannonEntropyRange } from './entropy.js';
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
  // Per keyword, per detector: a cheap check of the hit before it opens a regex window (gates.ts).
  const gates: (HitGate | undefined)[][] = byKeyword.map((dets, ki) => dets.map((di) => gateFor(detectors[di]?.pattern.source ?? '', keywords[ki] ?? '')));
  // A keyword whose every detector's gate asks for the same exact-case literal: hits in another case
  // fail all of its gates, so the scanner drops them before the callback (same windows).
  const exact = byKeyword.map((dets, ki) => {
    const prefixes = dets.map((di) => exactPrefixFor(detectors[di]?.pattern.source ?? '', keywords[ki] ?? ''));
    const first = prefixes[0];
    return first !== undefined && prefixes.every((p) => p === first) ? first : undefined;
  });
  const scanner: KeywordScanner = compileKeywordScanner(keywords, exact);
  // Detectors whose every match has its secret start at a gate-passing hit of one of their keywords
  // (gates.ts anchoredHead): instead of scanning whole windows, RE2 runs anchored at those hits, in
  // the same windows and skipping hits inside the previous match, which is what the window scan
  // finds (a window of a long prose line is the whole text; the anchored runs read a few bytes).
  // head[di]: bytes before the hit where the match starts; anchorKw[ki][j]: hit positions to keep.
  const head: (0 | 1 | undefined)[] = detectors.map((d) =>
    anchoredCovers(d.pattern.source, d.spec.keywords) ? d.spec.keywords.map((k) => anchoredHead(d.pattern.source, k)).find((x) => x !== undefined) : undefined,
  );
  const anchorKw: boolean[][] = byKeyword.map((dets, ki) => dets.map((di) => head[di] !== undefined && anchoredHead(detectors[di]?.pattern.source ?? '', keywords[ki] ?? '') !== undefined));
  // Detectors whose matches can span many lines (key blocks) run on the whole segment once a keyword
  // is present; the rest run only on a few lines around each keyword occurrence.
  const wide = detectors.map((d) => /\[\\s\\S\]|\\s[*+]|\\s\{\d+,\d{3,}\}|\{\d+,\}/.test(d.pattern.source));
  const entropyRules = packs.flatMap((p) => p.entropy);
  const minEntropyLen = Math.min(1 << 20, ...entropyRules.map((r) => r.minLength));

  return {
    keywords,
    find(enc, only) {
      const out: Candidate[] = [];
      const buf = enc.buf;
      const blen = buf.length;
      // Byte windows per detector, from keyword hits: the line before to two lines after.
      const windows = new Map<number, [number, number][]>();
      const anchors = new Map<number, number[]>();
      for (const di of always) windows.set(di, [[0, blen]]);
      // Line bounds of the current hit, computed only once a gate passes on a new line (most hits
      // are ordinary words that fail every gate).
      let curLine = -1;
      let ws = 0;
      let we = 0;
      scanner.scan(buf, (start, _end, ki) => {
        const dets = byKeyword[ki];
        if (!dets || dets.length === 0) return;
        const g = gates[ki];
        for (let j = 0; j < dets.length; j++) {
          const di = dets[j] as number;
          const gate = g?.[j];
          if (gate !== undefined && !gate(buf, start)) continue;
          if (anchorKw[ki]?.[j] === true) {
            const at = anchors.get(di);
            if (at === undefined) anchors.set(di, [start]);
            else at.push(start);
          }
          let list = windows.get(di);
          if (list === undefined) {
            list = [];
            windows.set(di, list);
          }
          if (wide[di]) {
            if (list.length === 0) list.push([0, blen]);
            continue;
          }
          if (start >= curLine) {
            const ls = start > 0 ? buf.lastIndexOf(10, start - 1) : -1;
            ws = ls <= 0 ? 0 : buf.lastIndexOf(10, ls - 1) + 1;
            let e = buf.indexOf(10, start);
            curLine = e === -1 ? blen : e;
            for (let k = 0; k < 2 && e !== -1; k++) e = buf.indexOf(10, e + 1);
            we = e === -1 ? blen : e;
          }
          const last = list[list.length - 1];
          if (last && ws <= last[1]) {
            if (we > last[1]) last[1] = we;
          } else list.push([ws, we]);
        }
      });
      for (const [di, list] of [...windows.entries()].sort((a, b) => a[0] - b[0])) {
        const d = detectors[di];
        if (!d || (only && !only.has(d.pack))) continue;
        const spans = list.length > 48 ? [[0, blen] as [number, number]] : list;
        const h = head[di];
        // Both ways find the same matches; past 64 hits (dense near misses) one scan per window is cheaper.
        const hitList = anchors.get(di) ?? [];
        const hits = h === undefined || wide[di] || hitList.length > 64 ? undefined : hitList.sort((x, y) => x - y);
        for (const [a, b] of spans) {
          for (const m of hits === undefined ? d.pattern.matchWindow(enc, a, b) : anchoredMatches(d, enc, a, b, hits, h ?? 0)) {
            const head = enc.text.slice(m.secretStart, m.secretStart + 24).toLowerCase();
            const prefix = d.spec.keywords.find((k) => head.startsWith(k)) ?? '';
            out.push({ start: m.secretStart, end: m.secretEnd, kind: d.generic ? 'generic' : 'provider', detector: d, entropyRule: null, prefix });
          }
        }
      }
      if (entropyRules.length > 0) {
        const text = enc.text;
        const check = (r: CompiledEntropy, start: number, end: number): void => {
          const len = end - start;
          if (len < r.minLength || len > r.maxLength) return;
          // Random tokens mix character classes; identifiers and words do not.
          if (r.charset !== 'hex' && !hasDigitAndLetter(text, start, end)) return;
          if (shannonEntropyRange(text, start, end) < r.threshold) return;
          out.push({ start, end, kind: 'entropy', detector: null, entropyRule: r, prefix: '' });
        };
        // One pass for the widest charset; hex/alnum runs are sub-runs of base64 runs.
        for (const run of base64Runs(enc, minEntropyLen)) {
          const runLen = run.end - run.start;
          if (runLen > 1 << 20) continue;
          for (const r of entropyRules) {
            if (only && !only.has(r.pack)) continue;
            if (r.charset === 'base64') check(r, run.start, run.end);
            else if (runLen >= r.minLength) for (const m of findRuns(text, CHARSET_TABLES[r.charset], r.minLength, 1 << 20, false, run.start, run.end)) check(r, m.start, m.end);
          }
        }
      }
      return out;
    },
  };
}

/**
 * The matches a scan of the window [a, b) finds, for a detector whose every match starts `h`
 * characters before a hit in `hits` (sorted; `^` at the window's start is the one empty head): RE2 anchored
 * at each hit's start in turn, skipping starts inside the previous match.
 */
function anchoredMatches(d: CompiledDetector, enc: EncodedText, a: number, b: number, hits: readonly number[], h: number): PatternMatch[] {
  const out: PatternMatch[] = [];
  const buf = enc.buf;
  let prevEnd = a;
  let last = -1;
  for (const s of hits) {
    if (s < a || s >= b || s === last) continue;
    last = s;
    // The one-character head `[^…]` takes a whole code point (UTF-8: back over continuation bytes).
    let at = s;
    if (h === 1 && s > a) {
      at = s - 1;
      while (at > a && ((buf[at] as number) & 0xc0) === 0x80) at--;
    }
    if (at < prevEnd) continue;
    const r = d.pattern.matchAt(enc, a, b, at);
    if (r === undefined) continue;
    prevEnd = r.byteEnd;
    if (r.match) out.push(r.match);
  }
  return out;
}
