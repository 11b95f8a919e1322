// Our own scorer for the peer-dev cases: strict (same case, same line, exact value) and lenient
// (same line, one value contains the other with the shorter ≥ 80% of the longer). Findings on
// placeholder-labelled values count as false positives for the genuine task.

export interface LabelledSecret {
  line: number;
  value: string;
  class: 'genuine' | 'placeholder';
  type?: string;
}

export interface Case {
  id: string;
  source: string;
  ext: string;
  text: string;
  secrets: LabelledSecret[];
}

export interface Predicted {
  line: number;
  value: string;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export function lenientEqual(a: string, b: string): boolean {
  if (a === b) return true;
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  return l.includes(s) && s.length >= 0.8 * l.length;
}

/** Match predictions to labelled genuine secrets one-to-one. */
export function scoreCase(labels: readonly LabelledSecret[], preds: readonly Predicted[], strict: boolean): Counts {
  const gold = labels.filter((l) => l.class === 'genuine');
  const used = new Set<number>();
  let tp = 0;
  for (const p of preds) {
    const i = gold.findIndex((g, k) => !used.has(k) && g.line === p.line && (strict ? g.value === p.value : lenientEqual(g.value, p.value)));
    if (i !== -1) {
      used.add(i);
      tp++;
    }
  }
  // Duplicate predictions of one matched secret are not extra false positives.
  const fp = preds.filter((p) => !gold.some((g) => g.line === p.line && (strict ? g.value === p.value : lenientEqual(g.value, p.value)))).length;
  return { tp, fp, fn: gold.length - used.size };
}

export function add(a: Counts, b: Counts): Counts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn };
}

export function prf(c: Counts): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
