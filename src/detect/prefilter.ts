// Keyword prefilter: an Aho-Corasick automaton over the detectors' literal keywords, built once.
// One pass over the segment's UTF-8 bytes (ASCII case-folded inline, no copy) yields every keyword occurrence;
// the engine then runs only the detectors whose keywords occur, and only near them. A JS DFA is
// used rather than a regex alternation because a segment may hold tens of thousands of hits, and
// each regex exec crosses into native code.

export interface KeywordHit {
  /** UTF-16 offset of the keyword's first character. */
  start: number;
  end: number;
  keyword: number;
}

export interface KeywordScanner {
  /** Calls onHit with UTF-8 byte offsets of each keyword occurrence in `buf`. */
  scan(buf: Uint8Array, onHit: (start: number, end: number, keyword: number) => void): void;
}

const ASCII = 256;

export function compileKeywordScanner(keywords: readonly string[]): KeywordScanner {
  // Trie with goto maps, then BFS for failure links and merged outputs, then a dense ASCII table.
  const gotoMaps: Map<number, number>[] = [new Map()];
  const out: number[][] = [[]];
  const depth: number[] = [0];
  const lengths = keywords.map((k) => Buffer.byteLength(k.toLowerCase()));
  keywords.forEach((kw, ki) => {
    let s = 0;
    for (const ch of [Buffer.from(kw.toLowerCase())]) {
      for (let u = 0; u < ch.length; u++) {
        const c = ch[u] as number;
        let nx = gotoMaps[s]?.get(c);
        if (nx === undefined) {
          nx = gotoMaps.length;
          gotoMaps.push(new Map());
          out.push([]);
          depth.push((depth[s] ?? 0) + 1);
          gotoMaps[s]?.set(c, nx);
        }
        s = nx;
      }
    }
    out[s]?.push(ki);
  });
  const n = gotoMaps.length;
  const fail = new Int32Array(n);
  const order: number[] = [];
  const queue: number[] = [];
  for (const [, nx] of gotoMaps[0] ?? []) {
    fail[nx] = 0;
    queue.push(nx);
  }
  while (queue.length) {
    const s = queue.shift() as number;
    order.push(s);
    for (const [c, nx] of gotoMaps[s] ?? []) {
      let f = fail[s] ?? 0;
      while (f !== 0 && !gotoMaps[f]?.has(c)) f = fail[f] ?? 0;
      const g = gotoMaps[f]?.get(c);
      fail[nx] = g !== undefined && g !== nx ? g : 0;
      const fo = out[fail[nx] ?? 0];
      if (fo && fo.length) out[nx] = [...(out[nx] ?? []), ...fo];
      queue.push(nx);
    }
  }
  // Dense transition table over bytes, case folding baked in (rows for 'A'..'Z' copy 'a'..'z'), and
  // states stored pre-multiplied by 256 so the hot loop is one load per byte, no branch, no multiply.
  const delta = new Int32Array(n * ASCII);
  for (let c = 0; c < ASCII; c++) delta[c] = (gotoMaps[0]?.get(c) ?? 0) * ASCII;
  for (const s of order) {
    for (let c = 0; c < ASCII; c++) {
      const g = gotoMaps[s]?.get(c);
      delta[s * ASCII + c] = g !== undefined ? g * ASCII : (delta[(fail[s] ?? 0) * ASCII + c] ?? 0);
    }
  }
  for (let s = 0; s < n; s++) for (let c = 65; c <= 90; c++) delta[s * ASCII + c] = delta[s * ASCII + c + 32] as number;
  // hasOut indexed by the pre-multiplied state.
  const hasOut = new Uint8Array(n * ASCII);
  for (let s = 0; s < n; s++) hasOut[s * ASCII] = (out[s]?.length ?? 0) > 0 ? 1 : 0;
  return {
    scan(buf, onHit) {
      let s = 0;
      const len = buf.length;
      for (let i = 0; i < len; i++) {
        s = delta[s + (buf[i] as number)] as number;
        if (hasOut[s] === 1) {
          for (const k of out[s / ASCII] as number[]) {
            onHit(i + 1 - (lengths[k] ?? 0), i + 1, k);
          }
        }
      }
    },
  };
}
