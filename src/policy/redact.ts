// Rewrites a text with spans replaced by markers. Spans may overlap (two detectors on one value):
// they are merged, and replaced from the end backwards so earlier offsets stay valid.

export interface RedactSpan {
  start: number;
  end: number;
  type: string;
  /** The exact text being replaced (needed for reversible tokens). */
  value: string;
}

/** The marker clients see: `[REDACTED:<type>]`. */
export function marker(type: string): string {
  return `[REDACTED:${type}]`;
}

/** Sorts and merges overlapping spans; a merged span keeps the type of its longest member. */
export function mergeSpans(spans: readonly RedactSpan[], text: string): RedactSpan[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: RedactSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      const longest = s.end - s.start > last.end - last.start ? s.type : last.type;
      const end = Math.max(last.end, s.end);
      out[out.length - 1] = { start: last.start, end, type: longest, value: text.slice(last.start, end) };
    } else out.push({ ...s });
  }
  return out;
}

/** `text` with each span replaced by `replace(span)`; spans are merged first. */
export function redactText(text: string, spans: readonly RedactSpan[], replace: (s: RedactSpan) => string = (s) => marker(s.type)): string {
  if (spans.length === 0) return text;
  const merged = mergeSpans(spans, text);
  // Replacements are made in reading order (reversible tokens number in the order a reader meets them),
  // then spliced in from the end backwards so earlier offsets stay valid.
  const replacements = merged.map(replace);
  let out = text;
  for (let i = merged.length - 1; i >= 0; i--) {
    const s = merged[i]!;
    out = out.slice(0, s.start) + replacements[i]! + out.slice(s.end);
  }
  return out;
}
