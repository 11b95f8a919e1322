// Streaming hold-back: how much of a text's tail could still be (the start of) a secret. Holding
// every trailing word would delay each event by a token gap, so the rule is the other way round: the
// trailing run (the characters since the last whitespace) is released only when it cannot be the
// start of anything a detector flags: plain lowercase or capitalised words that are neither a prefix
// of a provider keyword nor hex-like, bare punctuation, whitespace. Everything else is held (bounded
// by maxHold): runs with digits, symbols or mixed case, runs after a secret cue, known prefixes,
// open private-key blocks, values inside an XML element whose closing tag is still due, and a
// random-looking token until its line ends (a keyword later on the line can make it a finding).

export interface HoldbackPolicy {
  holdback(text: string): number;
}

// A value right after one of these may be a secret even when it looks like a plain word (it may
// still grow: `password: sunshine` + `42`). Only runs that would otherwise be released need it.
const CUE_BEFORE =
  /(?:[=:]\s*["'`]?|\b(?:bearer|basic|token|bot|splunk)\s+|\bauthorization:\s*["'`]?[\w-]+\s+|\b(?:password|passwd|pwd|secret|token|key|apikey|api_key)\s+(?:is\s+)?|(?:^|\s)-[up]\s+|--user\s+)$/i;
// Opening / closing punctuation around a word ("(see", "word,", "**Note**") judged without it. A
// trailing `_` or `:` is kept: `ghp_`, `postgresql:` are how values start.
const OPENERS = /^[(\[{"'`<*~]+/;
const CLOSERS = /[)\]}"'`>*~.,;!?]+$/;
// A prose word: lower case or capitalised, maybe a contraction ("Here's", "don't", "I'm").
const WORD = /^(?:\p{Lu}?\p{Ll}+|\p{Lu})(?:['\u2019]\p{Ll}{1,2})?$/u;
const HEX_WORD = /^[a-f]+$/i;
const VOWEL = /[aeiouy]/i;
// Multi-line private-key formats: a start marker and the marker that closes the block.
const BLOCKS: readonly { find: string; begin: RegExp; end: RegExp }[] = [
  { find: 'BEGIN ', begin: /-{4,5} ?BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)? ?-{4,5}/y, end: /-{4,5} ?END [A-Z0-9 ]{0,60}-{4,5}/ },
  { find: 'PuTTY-User-Key-File-', begin: /PuTTY-User-Key-File-\d{1,3}:/y, end: /Private-MAC: [0-9a-fA-F]{16,128}[^0-9a-fA-F]/ },
];
// The text so far could still grow into a BEGIN marker ("-", "-----BEGIN RSA PRIV", "---- BEGIN …--").
const PARTIAL_BEGIN = /(?:-{1,5}|---- )(?:B(?:E(?:G(?:I(?:N(?: [A-Z0-9 ]{0,40}-{0,5})?)?)?)?)?)?$/;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Hangul}\p{P}\p{S}\p{Extended_Pictographic}]/u;
const JSON_PUNCT = new Set(['{', '}', '[', ']', ',', ':']);
// How long a random-looking token is kept after it ends, waiting for the rest of its line.
const LINE_WAIT = 64;

/** All prefixes of a keyword set, for O(word length) "could still become / already starts with". */
class PrefixIndex {
  readonly #prefixes = new Set<string>();
  readonly #words: Set<string>;
  readonly #lengths: number[];

  constructor(words: readonly string[]) {
    this.#words = new Set(words);
    this.#lengths = [...new Set(words.map((w) => w.length))].sort((a, b) => a - b);
    for (const w of words) for (let i = 1; i <= w.length; i++) this.#prefixes.add(w.slice(0, i));
  }

  /** `word` (lower case) is the start of a keyword. */
  begins(word: string): boolean {
    return this.#prefixes.has(word);
  }

  /** `word` (lower case) starts with a whole keyword. */
  extends(word: string): boolean {
    for (const n of this.#lengths) {
      if (n > word.length) break;
      if (this.#words.has(word.slice(0, n))) return true;
    }
    return false;
  }
}

function randomLooking(token: string): boolean {
  for (const part of token.split(/[^A-Za-z0-9]+/)) {
    if (part.length < 16) continue;
    const classes = (/[a-z]/.test(part) ? 1 : 0) + (/[A-Z]/.test(part) ? 1 : 0) + (/[0-9]/.test(part) ? 1 : 0);
    if (classes >= 2 && /[0-9]|[A-Z].*[A-Z].*[A-Z]/.test(part)) return true;
  }
  return false;
}

export function createHoldback(providerKeywords: readonly string[], maxHold: number): HoldbackPolicy {
  const keywords = [...new Set(providerKeywords.map((k) => k.toLowerCase()).filter((k) => k.length >= 2 && !/\s/.test(k)))];
  // Literals carrying a non-letter ("sk-", "xoxb-", "hvs.", "ya29.") start a value: every prefix of
  // one is held. All-letter keywords are provider names or codes ("postgres", "dapi", "akia"); a
  // value may start with one too (URL scheme, prefix code), so a word of three letters or more that
  // begins or extends one is held, and so is any capitalised run that does.
  const literals = new PrefixIndex(keywords.filter((k) => /[^\p{L}]/u.test(k)));
  const names = new PrefixIndex(keywords.filter((k) => /^\p{L}+$/u.test(k)));
  const all = new PrefixIndex(keywords);

  /** Could this whitespace-free run be (the start of) a secret? */
  function suspicious(run: string, before: string): boolean {
    if (CUE_BEFORE.test(before) && !/^[.,;:!?)\]}]+$/.test(run)) return true;
    const low = run.toLowerCase();
    if (literals.begins(low) || literals.extends(low)) return true;
    // Right after an opening quote or backtick a value is likely (`"key": "…`, `` `…` ``): hold it whole.
    if (/["'`]/.test(OPENERS.exec(run)?.[0] ?? '')) return true;
    // "Note:" closes a prose label; a lower-case "word:" may be a URL scheme or a key.
    const core = run.replace(OPENERS, '').replace(CLOSERS, '').replace(/^(\p{Lu}\p{Ll}+):$/u, '$1');
    if (core.length === 0) return false;
    const lowCore = core.toLowerCase();
    // `(sk-…`, `[ghp_…`: a literal after opening punctuation (closing punctuation ends a literal).
    const opened = low.replace(OPENERS, '');
    if (opened !== low && (literals.begins(opened) || literals.extends(opened))) return true;
    // Capitals: a prose acronym, or a provider prefix such as AKIA / NRAK / GOCSPX.
    if (/^\p{Lu}+$/u.test(core)) return core.length >= 16 || all.begins(lowCore) || all.extends(lowCore) || (core.length > 1 && HEX_WORD.test(core));
    // A plain word (lower case, or capitalised): released unless it could be a hex string, is no
    // word at all (no vowel: "df", "xkcd", "https") or begins like a provider name or code.
    if (WORD.test(core)) {
      const letters = core.replace(/['\u2019]/g, '');
      if (/[^a-z]/i.test(letters)) return false; // other scripts: not in any secret alphabet
      const lower = letters.toLowerCase();
      if (letters.length >= 20 || names.extends(lower) || (lower.length >= 3 && names.begins(lower))) return true;
      return HEX_WORD.test(letters) || !VOWEL.test(letters);
    }
    // Digits, symbols inside the word, mixed case.
    return true;
  }

  /** Start of an open private-key block (its END marker not yet seen), or -1. */
  function openBlock(text: string): number {
    const floor = Math.max(0, text.length - maxHold - 64);
    let from = -1;
    for (const b of BLOCKS) {
      // The last few start markers, newest first: one with no END marker after it is open.
      for (let at = text.lastIndexOf(b.find), tries = 0; at >= floor && tries < 8; at = text.lastIndexOf(b.find, at - 1), tries++) {
        const start = b.find === 'BEGIN ' ? Math.max(floor, at - 6) : at;
        const head = text.slice(start, at + b.find.length + 60);
        for (let i = 0; i <= at - start; i++) {
          b.begin.lastIndex = i;
          const m = b.begin.exec(head);
          if (!m) continue;
          if (!b.end.test(text.slice(start + i + m[0].length))) from = from === -1 ? start + i : Math.min(from, start + i);
          break;
        }
        if (from !== -1) break;
      }
    }
    return from;
  }

  /** An XML start tag, a value after it and maybe part of the closing tag: where the value starts, or -1. */
  function xmlValue(text: string): number {
    let end = text.length;
    const lt = text.lastIndexOf('<');
    if (lt !== -1 && lt >= end - 64 && /^<\/?[\w.:-]*$/.test(text.slice(lt))) end = lt;
    let i = end;
    while (i > 0 && end - i <= 40 && /\s/.test(text[i - 1] ?? '')) i--;
    const valueEnd = i;
    while (i > 0 && valueEnd - i <= 256 && !/[\s<>]/.test(text[i - 1] ?? ' ')) i--;
    if (i === valueEnd) return -1;
    const valueStart = i;
    while (i > 0 && valueStart - i <= 40 && /\s/.test(text[i - 1] ?? '')) i--;
    if (text[i - 1] !== '>') return -1;
    const open = text.lastIndexOf('<', i - 1);
    if (open === -1 || i - open > 80 || !/^<[\w.:-]+>$/.test(text.slice(open, i))) return -1;
    return suspicious(text.slice(valueStart, valueEnd), '') ? valueStart : -1;
  }

  /** A random-looking token earlier on the current line, within LINE_WAIT characters: its start, or -1. */
  function lineToken(text: string, runStart: number): number {
    const lineStart = text.lastIndexOf('\n', runStart - 1) + 1;
    const from = Math.max(lineStart, runStart - LINE_WAIT - 256);
    const tokens = /\S+/g;
    tokens.lastIndex = from;
    for (let m = tokens.exec(text); m && m.index < runStart; m = tokens.exec(text)) {
      if (m.index === from && from !== lineStart && !/\s/.test(text[from - 1] ?? ' ')) continue;
      if (runStart - (m.index + m[0].length) <= LINE_WAIT && randomLooking(m[0])) return m.index;
    }
    return -1;
  }

  /**
   * Start of the trailing run: after the last whitespace (or CJK-like letter) or, in minified JSON, after the last quote
   * that opens or closes a member (`{"`, `":"`, `","`, `"}`), so a tool-call argument stream with
   * no spaces is judged value by value rather than held whole.
   */
  function runStart(text: string): number {
    let i = text.length;
    while (i > 0 && text.length - i < maxHold) {
      const c = text[i - 1] ?? ' ';
      // Whitespace ends a run, and so do letters of scripts written without spaces (Chinese,
      // Japanese, Thai…) and non-ASCII punctuation or symbols (`，` `：` `—` emoji), so such text is
      // not one long run. Accented Latin, Greek or Cyrillic letters stay in it (a password may have them).
      if (/\s/.test(c) || (c.charCodeAt(0) > 0x7e && UNSPACED.test(c))) break;
      if (c === '"' && (JSON_PUNCT.has(text[i - 2] ?? '') || JSON_PUNCT.has(text[i] ?? ''))) break;
      i--;
    }
    return i;
  }

  return {
    holdback(text: string): number {
      if (text.length === 0) return 0;
      // An open private-key block is held whole until its END marker arrives.
      const block = openBlock(text);
      if (block !== -1) return Math.min(text.length - block, maxHold);
      let start = text.length;
      const partial = PARTIAL_BEGIN.exec(text.slice(-80));
      if (partial) start = text.length - partial[0].length;
      const xml = xmlValue(text);
      if (xml !== -1) start = Math.min(start, xml);

      const i = runStart(text);
      if (i < text.length && suspicious(text.slice(i), text.slice(Math.max(0, i - 64), i))) start = Math.min(start, i);
      const token = lineToken(text, i);
      if (token !== -1) start = Math.min(start, token);
      return Math.min(text.length - start, maxHold);
    },
  };
}
