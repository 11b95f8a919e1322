// Placeholder cues: the value is a template, an example, a test-mode key, a redacted form or a
// weak made-up string rather than an issued credential. Each cue is one signal.
import { shapeOf } from '../entropy.js';

/** Documented example values published by providers (their docs use them verbatim). */
const EXAMPLE_MARKERS = /EXAMPLE|SAMPLE|DUMMY|PLACEHOLDER|REDACTED|CHANGEME|CHANGE_ME|REPLACE|INSERT|FAKE|MOCK/i;
// `{.status.token}` is a kubectl JSONPath template; `{}` / `{0}` are Python/.NET format slots.
const TEMPLATE = /\$\{[^}]*\}|\{\{[^}]*\}\}|\$\([^)]*\)|<%[^%]*%>|%\([a-z_]+\)s|%[sd]\b|^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_]+%$|^\{\.?[A-Za-z_][\w.-]*\}$|^#\{[^}]*\}$|\{\d{0,2}\}/;
const ANGLE = /^<[^<>]{1,80}>$|<[A-Za-z_][\w .-]{1,60}>/;
// Separators are mandatory between the middle words so the pattern stays linear (no nested ambiguity).
const YOUR = /(?:^|[^a-z])(?:your|my|enter|insert|replace|put|add|some|paste)[-_ ]?(?:[a-z]{1,20}[-_ ]){0,3}(?:key|token|secret|password|pass|pwd|here|id|value|api)/i;
const WEAK_WORDS =
  /^(?:password|passw0rd|p@ssw0rd|p@ssword|secret|changeme|changeit|letmein|admin|administrator|root|test|testing|tester|default|example|sample|qwerty|abc123|hunter2|foobar|foo|bar|baz|demo|guest|user|username|pass|token|apikey|api_key|secretkey|null|none|undefined|true|false|empty|string|value|xxx+|todo|tbd|fixme|required|optional|not[-_ ]?set|unset|n\/a|na)$/i;
const TEST_MODE = /^(?:sk|rk|pk)_test_|^sk-test-|^test[-_]|[-_]test[-_]|_sandbox_|^sandbox[-_]|^dev[-_]test/i;
const REDACTED = /\*{3,}|•{3,}|…|\.{3,}|\[redacted|<redacted|x{3,}[^x]{0,4}$/i;

/** Longest run of one repeated character. */
function longestRun(s: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    run = i > 0 && s[i] === s[i - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** Longest ascending/descending run like 123456 or abcdef (step ±1 in char code). */
function longestSequence(s: string): number {
  let best = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    best = Math.max(best, up, down);
  }
  return best;
}

/** A short repeating unit (abcabcabc, 1a2b1a2b…) covering most of the string. */
function periodic(s: string): boolean {
  if (s.length < 12) return false;
  for (let p = 1; p <= 8; p++) {
    let same = 0;
    for (let i = p; i < s.length; i++) if (s[i] === s[i - p]) same++;
    if (same >= (s.length - p) * 0.85) return true;
  }
  return false;
}

/** The same separated group of 3+ characters three times or more. */
function repeatedGroup(s: string): boolean {
  const seen = new Map<string, number>();
  for (const g of s.split(/[-_.:/]/)) {
    if (g.length < 3) continue;
    const n = (seen.get(g) ?? 0) + 1;
    if (n >= 3) return true;
    seen.set(g, n);
  }
  return false;
}

/** A short base64 value that decodes to printable ASCII text, or undefined. */
function printableBase64(value: string): string | undefined {
  if (value.length < 8 || value.length > 200 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]+$/.test(decoded) ? decoded : undefined;
}

/** base64("user:password") whose password is a weak word (`dXNlcm5hbWU6cGFzc3dvcmQ=` = username:password). */
function weakBasicPair(decoded: string | undefined): boolean {
  const colon = decoded?.indexOf(':') ?? -1;
  return decoded !== undefined && colon > 0 && WEAK_WORDS.test(decoded.slice(colon + 1));
}

/** A `user:password` pair (curl -u) whose password is a weak word or a bracketed name (`user:pass`, `neo4j:[PASSWORD]`). */
function weakPair(value: string): boolean {
  const m = /^[^\s:/@]{1,64}:([^\s:/@]{1,64})$/.exec(value);
  return m !== null && (WEAK_WORDS.test(m[1] ?? '') || /^\[[A-Za-z][\w -]{0,40}\]$/.test(m[1] ?? ''));
}

export interface PlaceholderInput {
  value: string;
  /** The value with a known provider prefix removed (the random body), when known. */
  body: string;
}

/** Signals (`placeholder:*`) found in the value itself. */
export function placeholderSignals({ value, body }: PlaceholderInput): string[] {
  const out: string[] = [];
  if (TEMPLATE.test(value)) out.push('placeholder:template-var');
  if (ANGLE.test(value)) out.push('placeholder:angle-brackets');
  if (YOUR.test(value)) out.push('placeholder:your-value');
  // A URL is judged by its userinfo: a real password on an `example.com`-style host is still real.
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@\s/]*)@/i.exec(value)?.[1];
  // base64 of readable text saying it is an example (`ZHVtbXkgdGV4dC…` = "dummy text …") counts as that text.
  const decoded = printableBase64(value);
  if (EXAMPLE_MARKERS.test(userinfo ?? value) || (decoded !== undefined && EXAMPLE_MARKERS.test(decoded))) out.push('placeholder:example-value');
  if (WEAK_WORDS.test(value) || WEAK_WORDS.test(body) || weakBasicPair(decoded) || weakPair(value)) out.push('placeholder:weak-word');
  if (TEST_MODE.test(value)) out.push('placeholder:test-mode');
  if (REDACTED.test(value)) out.push('placeholder:redacted');
  const b = body.length >= 8 ? body : value;
  if (b.length >= 6) {
    const run = longestRun(b);
    // A 3-character run is common in short random values (≈4% of 7 random digits): runs of 4+ only.
    if (run >= 6 || (run >= 4 && run >= b.length * 0.4)) out.push('placeholder:repeated');
    const seq = longestSequence(b);
    if (seq >= 8 || (seq >= 5 && seq >= b.length * 0.4)) out.push('placeholder:sequential');
    if (periodic(b)) out.push('placeholder:periodic');
    // One group repeated (`1234-1234-1234`, `ABCD-ABCD-ABCD`): typed, not issued.
    if (repeatedGroup(b)) out.push('placeholder:repeated');
    const sh = shapeOf(b);
    if (b.length >= 12 && sh.distinct <= 4) out.push('placeholder:few-chars');
  }
  return out;
}
