// Line/column lookup for offsets in a segment (1-based), computed once per segment on demand.

export interface LineIndex {
  /** 1-based line and column (UTF-16 units) of an offset. */
  position(offset: number): { line: number; column: number };
  /** [start, end) of the line holding `offset` (end excludes the newline). */
  lineBounds(offset: number): [number, number];
}

export function lineIndex(text: string): LineIndex {
  let starts: number[] | undefined;
  const build = (): number[] => {
    const s = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      s.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    return s;
  };
  const find = (offset: number): number => {
    starts ??= build();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    position(offset) {
      const l = find(offset);
      return { line: l + 1, column: offset - (starts?.[l] ?? 0) + 1 };
    },
    lineBounds(offset) {
      const l = find(offset);
      const start = starts?.[l] ?? 0;
      const next = starts?.[l + 1];
      let end = next === undefined ? text.length : next - 1;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      return [start, end];
    },
  };
}
