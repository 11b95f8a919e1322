// Streaming hold-back: how much of a text's tail could still be (the start of) a secret. Holding
// every trailing word would delay each event by a token gap, so the rule is the other way round: the
// trailing run (the characters since the last whitespace) is released only when it cannot be the
// start of anything a detector flags: plain lowercase or capitalised words that are neither a prefix
// of a provider's value literal nor hex-like, bare punctuation, whitespace. Everything else is held
// (bounded by maxHold): runs with digits, symbols or mixed case, runs after a secret cue, known
// prefixes, open private-key blocks and values inside an XML element whose closing tag is still due.

export interface HoldbackPolicy {
  holdback(text: string): number;
}

// A value right after one of these may be a secret even when it looks like a plain word.
const CUE_BEFORE =
  /(?:[=:]\s*|\b(?:bearer|basic|token|bot|splunk)\s+|\bauthorization:\s*["'`]?[\w-]+\s+|\b(?:password|passwd|pwd|secret|token|key|apikey|api_key)\s+(?:is\s+)?|(?:^|\s)-u\s+|--user\s+)$/i;
// Opening / closing punctuation around a word ("(see", "word,", "**Note**:") judged without it.
const OPENERS = /^[(\[{"'`<*_~]+/;
const CLOSERS = /[)\]}"'`>*_~.,;:!?]+$/;
// A start marker of a multi-line private-key format and the marker that closes it.
const BLOCKS: readonly { begin: RegExp; end: RegExp }[] = [
  { begin: /-{4,5} ?BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{4,5}/g, end: /-{4,5} ?END [A-Z0-9 ]*-{4,5}/ },
  { begin: /PuTTY-User-Key-File-\d+:/g, end: /Private-MAC: [0-9a-fA-F]+[^0-9a-fA-F]/ },
];
// The text so far could still grow into a BEGIN marker ("-", "-----BEGIN RSA PRIV", "---- BEGIN …--").
const PARTIAL_BEGIN = /(?:-{1,5}|---- )(?:B(?:E(?:G(?:I(?:N(?: [A-Z0-9 ]*-{0,5})?)?)?)?)?)?$/;
// A value after an XML start tag, maybe followed by whitespace and part of the closing tag: the
// element's detectors need the closing tag, so the value is held until it arrives.
const XML_VALUE = /<[\w.:-]+>\s{0,40}([^\s<>]{1,256})\s{0,40}(?:<\/?[\w.:-]*)?$/;
const HEX_WORD = /^[a-f]+$/i;
// A prose word: lower case or capitalised, maybe a contraction ("Here's", "don't", "I'm").
const WORD = /^(?:\p{Lu}?\p{Ll}+|\p{Lu})(?:['’]\p{Ll}{1,2})?$/u;
const VOWEL = /[aeiouy]/i;

export function createHoldback(providerPrefixes: readonly string[], maxHold: number): HoldbackPolicy {
  const keywords = [...new Set(providerPrefixes.map((k) => k.toLowerCase()).filter((k) => k.length >= 2 && !/\s/.test(k)))];
  // Literals a value starts with ("sk-", "xoxb-", "hvs.", "ya29."): they carry a non-letter. Bare
  // words ("heroku", "stream") are names that sit next to a value, not in it, so a prose word that
  // merely begins like one is not held, except when written in capitals (AKIA…, AIza…, EAAA…).
  const literals = keywords.filter((k) => /[^\p{L}]/u.test(k));

  /** `word` (lower case) could still become, or already starts with, one of `list`. */
  function prefixOf(word: string, list: readonly string[]): boolean {
    for (const k of list) if (k.startsWith(word) || word.startsWith(k)) return true;
    return false;
  }

  /** Could this whitespace-free run be (the start of) a secret? */
  function suspicious(run: string, before: string): boolean {
    if (CUE_BEFORE.test(before) && !/^[.,;:!?)\]}]+$/.test(run)) return true;
    const low = run.toLowerCase();
    if (prefixOf(low, literals)) return true;
    const core = run.replace(OPENERS, '').replace(CLOSERS, '');
    if (core.length === 0) return false;
    // Right after an opening quote or backtick a value is likely (`"key": "…`, `` `…` ``): hold it whole.
    if (/["'`]/.test(OPENERS.exec(run)?.[0] ?? '')) return true;
    const lowCore = core.toLowerCase();
    if (lowCore !== low && prefixOf(lowCore, literals)) return true;
    // Capitals: a prose acronym, or a provider prefix such as AKIA / NRAK / GOCSPX.
    if (/^\p{Lu}+$/u.test(core)) return core.length >= 16 || prefixOf(lowCore, keywords) || (core.length > 1 && HEX_WORD.test(core));
    // A plain word (lower case, or capitalised): released unless it could be a hex string or is no
    // word at all (no vowel: "df", "xkcd", "https").
    if (WORD.test(core)) {
      const letters = core.replace(/['’]/g, '');
      if (/[^a-z]/i.test(letters)) return false; // other scripts: not in any secret alphabet
      if (letters.length >= 20) return true;
      return HEX_WORD.test(letters) || !VOWEL.test(letters);
    }
    // Digits, symbols inside the word, mixed case.
    return true;
  }

  function openBlock(text: string): number {
    let from = -1;
    for (const b of BLOCKS) {
      b.begin.lastIndex = Math.max(0, text.length - maxHold - 64);
      let last = -1;
      let lastEnd = 0;
      for (let m = b.begin.exec(text); m; m = b.begin.exec(text)) {
        last = m.index;
        lastEnd = m.index + m[0].length;
      }
      if (last !== -1 && !b.end.test(text.slice(lastEnd)) && (from === -1 || last < from)) from = last;
    }
    return from;
  }

  return {
    holdback(text: string): number {
      if (text.length === 0) return 0;
      const cap = (start: number): number => Math.min(text.length - start, maxHold);
      // An open private-key block is held whole until its END marker arrives.
      const block = openBlock(text);
      if (block !== -1) return cap(block);
      const partial = PARTIAL_BEGIN.exec(text.slice(-80));
      let hold = partial ? partial[0].length : 0;

      const xml = XML_VALUE.exec(text.slice(-400));
      if (xml?.[1] !== undefined) {
        const start = text.length - xml[0].length + xml[0].indexOf(xml[1], xml[0].indexOf('>') + 1);
        if (suspicious(xml[1], '')) hold = Math.max(hold, text.length - start);
      }

      let i = text.length;
      while (i > 0 && !/\s/.test(text[i - 1] ?? ' ') && text.length - i < maxHold) i--;
      if (i < text.length && suspicious(text.slice(i), text.slice(Math.max(0, i - 64), i))) hold = Math.max(hold, text.length - i);
      return Math.min(hold, maxHold);
    },
  };
}
