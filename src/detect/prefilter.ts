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

/**
 * `exact[k]`, when set, is the exact (case-sensitive) byte string an occurrence of keyword k must
 * start with to be reported: for keywords whose every detector gate asks for an exact-case literal
 * (`ac` is only of use as `AC…`), so the ordinary-word hits are dropped in the scan loop instead of
 * costing a callback each.
 */
export function compileKeywordScanner(keywords: readonly string[], exact: readonly (string | undefined)[] = []): KeywordScanner {
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
  // Bytes are mapped to classes first (every byte that occurs in a keyword, ASCII upper case folded
  // onto lower case, gets its own class; all other bytes share class 0), so each state's row is
  // `width` entries instead of 256: the table is ~3x smaller and stays in cache. States are stored
  // pre-multiplied by the row width so the hot loop is two loads per byte, no multiply.
  const classOf = new Uint8Array(ASCII);
  let classes = 1;
  for (let c = 0; c < ASCII; c++) {
    if (c >= 65 && c <= 90) continue;
    let used = false;
    for (let s = 0; s < n && !used; s++) used = gotoMaps[s]?.has(c) ?? false;
    if (used) classOf[c] = classes++;
  }
  for (let c = 65; c <= 90; c++) classOf[c] = classOf[c + 32] as number;
  const width = classes;
  // A representative byte per class (the lower-case one for letters).
  const rep = new Int32Array(width).fill(-1);
  for (let c = 0; c < ASCII; c++) if ((rep[classOf[c] as number] ?? -1) === -1 && !(c >= 65 && c <= 90)) rep[classOf[c] as number] = c;
  const delta = new Int32Array(n * width);
  const step = (s: number, c: number): number => {
    const g = gotoMaps[s]?.get(c);
    if (g !== undefined) return g;
    return s === 0 ? 0 : -1;
  };
  for (let k = 1; k < width; k++) delta[k] = step(0, rep[k] as number) * width;
  for (const s of order) {
    for (let k = 0; k < width; k++) {
      const g = k === 0 ? undefined : gotoMaps[s]?.get(rep[k] as number);
      delta[s * width + k] = g !== undefined ? g * width : (delta[(fail[s] ?? 0) * width + k] ?? 0);
    }
  }
  // A state with outputs is stored negated (-(state) - 1) in the table, so the hot loop tests the
  // sign of the value it just loaded instead of loading an output flag per byte.
  for (let i = 0; i < delta.length; i++) {
    const t = delta[i] as number;
    if ((out[t / width]?.length ?? 0) > 0) delta[i] = -t - 1;
  }
  const exactBytes: (Uint8Array | undefined)[] = keywords.map((_, k) => {
    const e = exact[k];
    return e === undefined || e.length === 0 ? undefined : Uint8Array.from(Buffer.from(e));
  });
  const outAt: (number[] | undefined)[] = new Array<number[] | undefined>(n * width);
  const startsAt: (number[] | undefined)[] = new Array<number[] | undefined>(n * width);
  for (let s = 0; s < n; s++) {
    const ks = out[s];
    if (ks === undefined || ks.length === 0) continue;
    outAt[s * width] = ks;
    startsAt[s * width] = ks.map((k) => lengths[k] ?? 0);
  }
  return {
    scan(buf, onHit) {
      let s = 0;
      const len = buf.length;
      for (let i = 0; i < len; i++) {
        s = delta[s + (classOf[buf[i] as number] as number)] as number;
        if (s < 0) {
          s = -s - 1;
          const ks = outAt[s] as number[];
          const ls = startsAt[s] as number[];
          for (let j = 0; j < ks.length; j++) {
            const k = ks[j] as number;
            const start = i + 1 - (ls[j] as number);
            const ex = exactBytes[k];
            if (ex !== undefined && !startsWithBytes(buf, start, ex)) continue;
            onHit(start, i + 1, k);
          }
        }
      }
    },
  };
}

function startsWithBytes(buf: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (buf[at + k] !== bytes[k]) return false;
  return true;
}
