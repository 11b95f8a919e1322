// Line/column lookup for offsets in a segment (1-based). Line bounds are found locally (a short
// walk to the nearest newlines) and positions by counting newlines forward from the last one asked
// for, so a segment never pays for indexing text after its last finding; the index of every line
// start is built only when a walk would be long (minified code has megabyte-long lines) or an
// offset before an earlier one is asked for.

export interface LineIndex {
  /** 1-based line and column (UTF-16 units) of an offset. */
  position(offset: number): { line: number; column: number };
  /** [start, end) of the line holding `offset` (end excludes the newline). */
  lineBounds(offset: number): [number, number];
}

/** Longest local walk (each way) before lineBounds builds the full index instead. */
const MAX_WALK = 2048;

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
  const indexedBounds = (offset: number): [number, number] => {
    const l = find(offset);
    const start = starts?.[l] ?? 0;
    const next = starts?.[l + 1];
    return [start, next === undefined ? text.length : next - 1];
  };
  /** The same bounds as the index gives, by walking to the newline before and after `offset`. */
  const walkedBounds = (offset: number): [number, number] | undefined => {
    const n = text.length;
    let s = Math.min(offset, n);
    const sFloor = Math.max(0, s - MAX_WALK);
    while (s > sFloor && text.charCodeAt(s - 1) !== 10) s--;
    if (s > 0 && text.charCodeAt(s - 1) !== 10) return undefined;
    let e = Math.max(offset, s);
    const eCeil = Math.min(n, e + MAX_WALK);
    while (e < eCeil && text.charCodeAt(e) !== 10) e++;
    if (e < n && text.charCodeAt(e) !== 10) return undefined;
    return [s, e];
  };
  // Newlines counted so far by position() without the index: findings come in text order, so
  // counting forward from the last one asked for avoids indexing the rest of a long segment.
  let cursor = 0;
  let cursorLine = 0;
  let cursorLineStart = 0;
  return {
    position(offset) {
      if (starts === undefined && offset >= cursor && offset <= text.length) {
        let i = text.indexOf('\n', cursor);
        while (i !== -1 && i < offset) {
          cursorLine++;
          cursorLineStart = i + 1;
          i = text.indexOf('\n', i + 1);
        }
        cursor = offset;
        return { line: cursorLine + 1, column: offset - cursorLineStart + 1 };
      }
      const l = find(offset);
      return { line: l + 1, column: offset - (starts?.[l] ?? 0) + 1 };
    },
    lineBounds(offset) {
      const b = (starts === undefined && offset >= 0 && offset <= text.length ? walkedBounds(offset) : undefined) ?? indexedBounds(offset);
      const start = b[0];
      let end = b[1];
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      return [start, end];
    },
  };
}
