// Secrets split across sibling parts: `content: [{text: "my token is ghp_abc"}, {text: "def… ok"}]`.
// Each part is scanned on its own (and cached by its own text); this adds a scan of short windows
// around each boundary between siblings, joined with nothing in between as a model would read them,
// and maps any finding that crosses a boundary back onto the pieces in each part. Windows, not
// whole joined texts: a conversation that grows by one turn adds one boundary window, so the cost
// per turn stays proportional to the new text (and repeated windows hit the verdict cache).
import { lineIndex } from '../detect/lines.js';
import type { Finding, Segment } from '../detect/types.js';

/** Characters taken on each side of a boundary: longer than any single-line secret we detect. */
export const BOUNDARY_WINDOW = 512;

/**
 * `messages[0].content[3].text` → group `messages[0].content[].text`, index 3: text parts that differ
 * only in their last array index (content parts of one message, Gemini parts, system blocks).
 * Whole messages (`messages[3].content`) are not joined: a conversation's turns are separate texts,
 * and joining them would make every turn rescan its neighbours.
 */
const SIBLING = /^(.*)\[(\d+)\](\.text)$/;

interface Part {
  seg: Segment;
  /** Offset of this part in the group's joined text. */
  at: number;
}

interface Window {
  /** Virtual segment scanned by the engine. */
  seg: Segment;
  parts: readonly Part[];
  /** Offset of the window's first character in the group's joined text. */
  from: number;
  /** Joined-text offsets where one part ends and the next begins, inside this window. */
  boundaries: readonly number[];
}

function groups(segments: readonly Segment[]): Part[][] {
  const byKey = new Map<string, { seg: Segment; index: number }[]>();
  for (const seg of segments) {
    if (seg.text.length === 0) continue;
    const m = SIBLING.exec(seg.path);
    if (!m) continue;
    const key = `${m[1]}[]${m[3]}`;
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push({ seg, index: Number(m[2]) });
  }
  const out: Part[][] = [];
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.index - b.index);
    let at = 0;
    out.push(
      list.map(({ seg }) => {
        const p = { seg, at };
        at += seg.text.length;
        return p;
      }),
    );
  }
  return out;
}

/** Windows around every boundary between sibling parts; overlapping windows are merged. */
export function boundaryWindows(segments: readonly Segment[]): Window[] {
  const windows: Window[] = [];
  let n = 0;
  for (const parts of groups(segments)) {
    const joined = parts.map((p) => p.seg.text).join('');
    const total = joined.length;
    let cur: { from: number; to: number; boundaries: number[] } | undefined;
    const close = (): void => {
      if (!cur) return;
      windows.push({ seg: { path: `~boundary#${n++}`, text: joined.slice(cur.from, cur.to) }, parts, from: cur.from, boundaries: cur.boundaries });
      cur = undefined;
    };
    for (let i = 1; i < parts.length; i++) {
      const b = parts[i]!.at;
      const from = Math.max(0, b - BOUNDARY_WINDOW);
      const to = Math.min(total, b + BOUNDARY_WINDOW);
      if (cur && from <= cur.to) {
        cur.to = to;
        cur.boundaries.push(b);
      } else {
        close();
        cur = { from, to, boundaries: [b] };
      }
    }
    close();
  }
  return windows;
}

/**
 * Findings in a window that cross one of its boundaries, cut into one finding per part they touch
 * (same type, class and decision inputs), so each part's piece is redacted in place. Findings wholly
 * inside one part are dropped: the part's own scan reported them.
 */
export function crossingFindings(window: Window, found: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const f of found) {
    const start = window.from + f.start;
    const end = window.from + f.end;
    if (!window.boundaries.some((b) => start < b && b < end)) continue;
    for (const p of window.parts) {
      const s = Math.max(start, p.at);
      const e = Math.min(end, p.at + p.seg.text.length);
      if (s >= e) continue;
      const local = s - p.at;
      out.push({
        ...f,
        path: p.seg.path,
        start: local,
        end: e - p.at,
        value: p.seg.text.slice(local, e - p.at),
        ...lineIndex(p.seg.text).position(local),
        signals: [...f.signals, 'split-across-parts'],
      });
    }
  }
  return out;
}
