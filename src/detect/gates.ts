// Cheap per-hit checks that decide, before any RE2 call, whether a keyword hit can start a match
// of its detector. A keyword is found case-insensitively by the Aho-Corasick prefilter; most hits of
// short keywords (`ac`, `pat`, `line`, `sk`) are ordinary words. Each gate is derived from the
// detector's own pattern, so it can only skip windows the pattern could not match:
// - literal gate: the secret starts with a case-sensitive literal (`AC`, `pat`, `st.`): the hit must
//   be that literal in exact case, at a word boundary when the pattern asks for one, and followed by
//   the minimum run of the pattern's next character class (`[a-f0-9]{32}` → 32 such bytes);
// - assignment gate: the pattern's name part (which holds the keyword) is followed at top level by an
//   assignment (`[:=]`, `(?:={1,3}|…)`): a `=` or `:` must follow the hit on the same line.

export interface HitGate {
  /** true: the hit at byte offset `start` may begin a match; false: skip it. */
  (buf: Uint8Array, start: number): boolean;
}

const WORD = new Uint8Array(256);
for (let c = 0; c < 256; c++) WORD[c] = /[A-Za-z0-9_]/.test(String.fromCharCode(c)) ? 1 : 0;

/** Members of a simple RE2 character class body (ranges, escapes \d \w \s, literal chars); undefined if unsupported. */
function classTable(body: string): Uint8Array | undefined {
  const t = new Uint8Array(256);
  let negate = false;
  let i = 0;
  if (body[0] === '^') {
    negate = true;
    i = 1;
  }
  const chars: number[] = [];
  const add = (from: number, to: number): void => {
    for (let c = from; c <= to && c < 256; c++) t[c] = 1;
  };
  while (i < body.length) {
    let c = body[i] as string;
    if (c === '\\') {
      const e = body[i + 1];
      if (e === undefined) return undefined;
      if (e === 'd') add(48, 57);
      else if (e === 'w') {
        add(48, 57);
        add(65, 90);
        add(97, 122);
        add(95, 95);
      } else if (e === 's') for (const s of [9, 10, 11, 12, 13, 32]) add(s, s);
      else if (/[A-Za-z]/.test(e)) return undefined;
      else chars.push(e.charCodeAt(0));
      i += 2;
      continue;
    }
    if (c === '[') return undefined;
    if (body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== '\\') {
      add(c.charCodeAt(0), (body[i + 2] as string).charCodeAt(0));
      i += 3;
      continue;
    }
    c = body[i] as string;
    chars.push(c.charCodeAt(0));
    i++;
  }
  for (const c of chars) add(c, c);
  if (negate) for (let c = 0; c < 256; c++) t[c] = t[c] ? 0 : 1;
  return t;
}

/**
 * Walks a pattern source from `from`, skipping escapes and character classes. With `stopAtClose`
 * it returns at the `)` that brings the depth back to 0 (`from` is a group's `(`); without, it
 * walks the whole source (a group body) noting whether a `|` occurs at its own top level.
 */
function walk(src: string, from: number, stopAtClose: boolean): { close: number; topBar: boolean } {
  let depth = 0;
  let inClass = false;
  let topBar = false;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (src[i + 1] === '^') i++;
      if (src[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth === 0 && stopAtClose) return { close: i, topBar };
    } else if (c === '|' && depth === 0) topBar = true;
  }
  return { close: -1, topBar };
}

/** Index of the `)` closing the group opened at `open`, or -1. */
function closeOf(src: string, open: number): number {
  return walk(src, open, true).close;
}

/** Does `src` (a group body) hold a `|` at its own top level? */
function hasTopLevelBar(src: string): boolean {
  return walk(src, 0, false).topBar;
}

interface LiteralShape {
  literal: string;
  /** Bytes allowed just before the literal (undefined: anything). */
  before?: Uint8Array;
  cls?: Uint8Array;
  min: number;
}

/** The literal the secret must start with, and the class run that must follow it. */
export function literalShape(source: string): LiteralShape | undefined {
  if (/^\(\?[a-z]*i/.test(source)) return undefined;
  const head = /^(\\b|\(\?:\^\|\[\^[^\]]*\]\))?\(\?P?<secret>/.exec(source);
  if (!head) return undefined;
  const open = (head[1] ?? '').length;
  const close = closeOf(source, open);
  if (close === -1) return undefined;
  const group = source.slice(head[0].length, close);
  if (hasTopLevelBar(group)) return undefined;
  let literal = '';
  let i = 0;
  for (; i < group.length; i++) {
    const c = group[i] as string;
    if (/[A-Za-z0-9_:/=-]/.test(c)) literal += c;
    else if (c === '\\' && /[.\-_/+:]/.test(group[i + 1] ?? '')) {
      literal += group[i + 1];
      i++;
    } else break;
  }
  // A quantifier makes the literal's last character optional.
  if (/^[?*{]/.test(group.slice(i))) {
    literal = literal.slice(0, -1);
    return literal.length >= 2 ? { literal, before: beforeTable(head[1], literal), min: 0 } : undefined;
  }
  if (literal.length < 2) return undefined;
  const rest = group.slice(i);
  const m = /^\[((?:\\.|[^\]\\])+)\](?:\{(\d+)(?:,\d*)?\}|(\+))/.exec(rest);
  const cls = m ? classTable(m[1] as string) : undefined;
  const min = cls ? Math.min(64, m?.[3] ? 1 : Number(m?.[2] ?? 0)) : 0;
  return { literal, before: beforeTable(head[1], literal), cls, min };
}

/** `\b` before a word character: a non-word byte; `(?:^|[^…])`: that class (start of text always passes). */
function beforeTable(head: string | undefined, literal: string): Uint8Array | undefined {
  if (head === undefined) return undefined;
  if (head === '\\b') {
    if (WORD[literal.charCodeAt(0)] !== 1) return undefined;
    const t = new Uint8Array(256);
    for (let c = 0; c < 256; c++) t[c] = WORD[c] === 1 ? 0 : 1;
    return t;
  }
  const m = /^\(\?:\^\|\[(\^[^\]]*)\]\)$/.exec(head);
  return m ? classTable(m[1] as string) : undefined;
}

const OPS = ['[:=]', '(?:={1,3}|', '(?::=|=>|[:=])', '\\s{0,2}=', '\\s{0,3}='];

/**
 * The pattern part before the secret group, when it has a top-level assignment (`[:=]`,
 * `(?:={1,3}|…`): `name` is the part before the operator (it holds the keyword), `between` the part
 * from the operator to the secret group.
 */
export function assignmentPrefix(source: string): { name: string; between: string } | undefined {
  const at = source.search(/\(\?P?<secret>/);
  if (at <= 0) return undefined;
  const prefix = source.slice(0, at);
  // A flag group wrapping the whole prefix, `(?i:…)`, counts as the top level.
  const base = /^\(\?[a-z]+:/.test(prefix) && closeOf(prefix, 0) === prefix.length - 1 ? 1 : 0;
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (c === '\\') {
      if (depth === base && OPS.some((op) => prefix.startsWith(op, i))) return { name: prefix.slice(0, i), between: prefix.slice(i) };
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (depth === base && OPS.some((op) => prefix.startsWith(op, i))) return { name: prefix.slice(0, i), between: prefix.slice(i) };
    if (c === '[') {
      inClass = true;
      if (prefix[i + 1] === '^') i++;
      if (prefix[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === base) return undefined;
  }
  return undefined;
}

/** Operator, quote and spacing tokens that may sit between the operator and the value. */
const BETWEEN_TOKENS = [
  String.raw`(?:={1,3}|!=|[:?+.!]{1,3}=|=>|:|->|<-|\|\|=)`,
  String.raw`(?::=|=>|[:=])`,
  String.raw`(?:Bearer\s+|Basic\s+|token\s+)?`,
  String.raw`(?:Bearer\s{1,3})?`,
  String.raw`(?:[@$rbfu]?)`,
  String.raw`[:=]{1,2}`,
  String.raw`[:=]`,
  String.raw`[\"'` + '`' + String.raw`]?`,
  String.raw`[\"'` + '`' + String.raw`]`,
  `["'` + '`' + `]?`,
  `["']?`,
  `["'` + '`' + `]`,
  `["']`,
  String.raw`\\?`,
  String.raw`\s{0,3}`,
  String.raw`\s{0,2}`,
  '>?',
  '=',
  ')',
];
export function onlyOperators(between: string): boolean {
  let rest = between;
  for (let guard = 0; rest.length > 0 && guard < 32; guard++) {
    const t = BETWEEN_TOKENS.find((x) => rest.startsWith(x));
    if (t === undefined) return false;
    rest = rest.slice(t.length);
  }
  return rest.length === 0;
}

/** The class and minimum run the secret value starts with (`[A-Za-z0-9]{64}` → 64), if simple. */
function valueShape(source: string): { cls: Uint8Array; min: number } | undefined {
  const at = source.search(/\(\?P?<secret>/);
  if (at < 0) return undefined;
  const close = closeOf(source, at);
  if (close === -1) return undefined;
  const head = /^\(\?P?<secret>/.exec(source.slice(at))?.[0] ?? '';
  const group = source.slice(at + head.length, close);
  if (hasTopLevelBar(group)) return undefined;
  const m = /^\[((?:\\.|[^\]\\])+)\]\{(\d+)(?:,\d*)?\}/.exec(group);
  if (!m) return undefined;
  const cls = classTable(m[1] as string);
  return cls ? { cls, min: Math.min(48, Number(m[2])) } : undefined;
}

const SKIP_BEFORE_VALUE = new Uint8Array(256);
for (const ch of ' \t\r\n"\'`=:>!?+.@$\\') SKIP_BEFORE_VALUE[ch.charCodeAt(0)] = 1;

/** r, b, f, u in either case: Python-style string prefixes (`r"…"`, `b'…'`). */
const STRING_PREFIX = new Uint8Array(256);
for (const ch of 'rbfuRBFU') STRING_PREFIX[ch.charCodeAt(0)] = 1;

/** Bytes that `\s` matches once a byte is read as Latin-1 (tab..CR, space, NBSP). */
const LATIN1_SPACE = new Uint8Array(256);
for (const c of [9, 10, 11, 12, 13, 32, 0xa0]) LATIN1_SPACE[c] = 1;

/** `word` (lower-case ASCII letters) at buf[at…], in either case, then a space byte. */
function schemeAt(buf: Uint8Array, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const c = buf[at + k];
    const w = word.charCodeAt(k);
    if (c !== w && c !== w - 32) return false;
  }
  return LATIN1_SPACE[buf[at + word.length] ?? 0] === 1;
}

/** Does a value run of `value.cls` (at least `value.min` long) follow the operator at `k`? */
function valueRunAt(buf: Uint8Array, k: number, value: { cls: Uint8Array; min: number }): boolean {
  let v = k;
  while (v < buf.length && v - k < 16 && SKIP_BEFORE_VALUE[buf[v] as number] === 1) v++;
  // r"…", b'…', f"…", u"…" string prefixes; Bearer/Basic/token schemes (read without copying: this
  // runs for every `=` and `:` after a keyword hit).
  if (STRING_PREFIX[buf[v] ?? 0] === 1 && (buf[v + 1] === 34 || buf[v + 1] === 39)) v += 2;
  if (schemeAt(buf, v, 'bearer') || schemeAt(buf, v, 'basic') || schemeAt(buf, v, 'token')) return true;
  for (let n = 0; n < value.min; n++) if (value.cls[buf[v + n] as number] !== 1) return false;
  return true;
}

function assignmentGate(source: string, keyword: string): HitGate | undefined {
  const a = assignmentPrefix(source);
  if (a === undefined || !a.name.toLowerCase().includes(keyword)) return undefined;
  // The value run is checked only when nothing but operators, quotes and spacing sit between.
  const value = onlyOperators(a.between) ? valueShape(source) : undefined;
  return (buf, start) => {
    const end = Math.min(buf.length, start + 200);
    // Each `=` / `:` on the line after the hit may be the assignment (`token: string = "…"`).
    for (let k = start; k < end; k++) {
      const c = buf[k];
      if (c === 10) return false;
      if (c !== 61 && c !== 58) continue;
      if (value === undefined || valueRunAt(buf, k, value)) return true;
    }
    return false;
  };
}

/** A pattern opening with its secret group, after at most a `\b` or a one-character `(?:^|[^…])` head. */
const SECRET_OPEN = /^(\\b|\(\?:\^\|\[\^[^\]]*\]\))?\(\?P?<secret>/;

/**
 * The exact bytes a hit of `keyword` must start with for gateFor's literal gate to pass (the
 * literal's first min(literal, keyword) characters, in their case), or undefined when that gate
 * does not apply. Kept next to gateFor so the two stay derived from the same test.
 */
export function exactPrefixFor(source: string, keyword: string): string | undefined {
  const shape = literalShape(source);
  if (!shape) return undefined;
  const low = shape.literal.toLowerCase();
  if (!(keyword.startsWith(low) || low.startsWith(keyword))) return undefined;
  return shape.literal.slice(0, Math.min(shape.literal.length, keyword.length));
}

/**
 * When every match of the pattern has its secret start at an occurrence of `keyword` that passes
 * the literal gate, the characters the whole match starts before that occurrence (0 for no head or
 * `\b`, 1 for `(?:^|[^…])`, which is `^` only at the window's start); otherwise undefined. True when the
 * secret opens with the literal and the keyword is a prefix of it (case-insensitively: the
 * prefilter reports every occurrence, so every secret start is a hit), and a line break may sit
 * before the literal (a window starts after one; the gate reads the full text there).
 */
export function anchoredHead(source: string, keyword: string): 0 | 1 | undefined {
  if (keyword.length === 0) return undefined;
  const m = SECRET_OPEN.exec(source);
  if (!m) return undefined;
  const prefixes = secretPrefixes(source, m[0].length);
  if (prefixes === undefined || !prefixes.some((p) => p.toLowerCase().startsWith(keyword))) return undefined;
  // Every secret must start with a prefix some keyword of the detector opens: checked by the caller
  // over all its keywords (anchoredCovers). Here: hits of this keyword at a secret start must reach
  // the callback, i.e. its gate is none or the literal gate, which passes there unless a line break
  // before it is refused (a window starts after one).
  const shape = literalShape(source);
  const lit = shape !== undefined && exactPrefixFor(source, keyword) !== undefined;
  if (!lit && gateFor(source, keyword) !== undefined) return undefined;
  if (lit && shape.before !== undefined && shape.before[10] !== 1) return undefined;
  return m[1] !== undefined && m[1] !== '\\b' ? 1 : 0;
}

/** Does every secret of the pattern start with a prefix that one of `keywords` opens (case-insensitively)? */
export function anchoredCovers(source: string, keywords: readonly string[]): boolean {
  const m = SECRET_OPEN.exec(source);
  if (!m) return false;
  const prefixes = secretPrefixes(source, m[0].length);
  return prefixes !== undefined && prefixes.every((p) => keywords.some((k) => k.length > 0 && anchoredHead(source, k) !== undefined && p.toLowerCase().startsWith(k)));
}

/**
 * The literal texts the secret group's body (from `bodyStart` in `source`) must start with: leading literal characters and
 * `(?:a|b)` groups of plain literals and classes of plain letters, expanded (at most 64); undefined when the body opens with
 * anything else or a quantifier follows a literal part (it could be absent).
 */
function secretPrefixes(source: string, bodyStart: number): string[] | undefined {
  // The secret group's body; a top-level `|` in it could open with anything.
  const close = closeOf(source, source.lastIndexOf('(', bodyStart - 1));
  if (close === -1) return undefined;
  const body = source.slice(bodyStart, close);
  if (hasTopLevelBar(body)) return undefined;
  let out = [''];
  let i = 0;
  const LIT = /[A-Za-z0-9_:/=-]/;
  for (;;) {
    const c = body[i];
    if (c === undefined) break;
    if (LIT.test(c)) {
      if (/^[?*{]/.test(body.slice(i + 1))) break;
      out = out.map((p) => p + c);
      i++;
    } else if (c === '\\' && /[.\-_/+:]/.test(body[i + 1] ?? '')) {
      if (/^[?*{]/.test(body.slice(i + 2))) break;
      out = out.map((p) => p + (body[i + 1] as string));
      i += 2;
    } else if (body.startsWith('(?:', i)) {
      const close = body.indexOf(')', i);
      if (close === -1) return undefined;
      const alts = body.slice(i + 3, close).split('|');
      if (alts.some((x) => !/^[A-Za-z0-9_-]/.test(x)) || /^[?*{]/.test(body.slice(close + 1))) break;
      // An alternative that goes on past its literal head (`A3T[A-Z0-9]`) contributes that head
      // (less a character a quantifier makes optional) and ends the expansion.
      let more = true;
      const heads = alts.map((x) => {
        const lit = /^[A-Za-z0-9_-]+/.exec(x)?.[0] ?? '';
        if (lit.length === x.length) return x;
        more = false;
        return /^[?*{]/.test(x.slice(lit.length)) ? lit.slice(0, -1) : lit;
      });
      out = out.flatMap((p) => heads.map((x) => p + x));
      if (out.length > 64) return undefined;
      if (!more) break;
      i = close + 1;
    } else if (c === '[') {
      // A class of plain letters and digits (`xox[abeoprs]-`), taken once: one prefix per member.
      const cls = /^\[([A-Za-z0-9]+)\]/.exec(body.slice(i));
      if (!cls || /^[?*{+]/.test(body.slice(i + cls[0].length))) break;
      const members = [...(cls[1] as string)];
      out = out.flatMap((p) => members.map((x) => p + x));
      if (out.length > 64) return undefined;
      i += cls[0].length;
    } else break;
  }
  return out.every((p) => p.length >= 2) ? out : undefined;
}

/** The gate for hits of `keyword` (lower-case) on a detector with this pattern; undefined = always run. */
export function gateFor(source: string, keyword: string): HitGate | undefined {
  const shape = literalShape(source);
  if (shape) {
    const lit = shape.literal;
    const low = lit.toLowerCase();
    if (keyword.startsWith(low) || low.startsWith(keyword)) {
      const bytes = Buffer.from(lit);
      const before = shape.before;
      const cls = shape.cls;
      const min = shape.min;
      return (buf, start) => {
        if (start + bytes.length + min > buf.length) return false;
        for (let k = 0; k < bytes.length; k++) if (buf[start + k] !== bytes[k]) return false;
        if (before && start > 0 && before[buf[start - 1] as number] !== 1) return false;
        if (cls) {
          const from = start + bytes.length;
          for (let k = 0; k < min; k++) if (cls[buf[from + k] as number] !== 1) return false;
        }
        return true;
      };
    }
  }
  return assignmentGate(source, keyword) ?? anchorGate(source, keyword);
}

const NAME_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) NAME_CHAR[c] = /[\w.-]/.test(String.fromCharCode(c)) || c >= 128 ? 1 : 0;

/**
 * Patterns that open with an anchor character before the key name (`<name…>` XML elements,
 * `"name…"` quoted arguments): the name run holding the hit must start right after that anchor.
 */
function anchorGate(source: string, keyword: string): HitGate | undefined {
  const m = /^(?:\(\?i\))?(<|\[((?:\\.|[^\]\\])+)\])\[\\w\.-\]\*/.exec(source);
  if (!m || !source.slice(m[0].length, m[0].length + 4000).toLowerCase().includes(keyword)) return undefined;
  const anchor = m[1] === '<' ? classTable('<') : classTable(m[2] as string);
  if (!anchor) return undefined;
  return (buf, start) => {
    let k = start;
    while (k > 0 && start - k < 64 && NAME_CHAR[buf[k - 1] as number] === 1) k--;
    return k > 0 && anchor[buf[k - 1] as number] === 1;
  };
}
