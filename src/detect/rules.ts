// The rule stages for one segment: candidates → overlaps → context cues → class. Pure and
// synchronous; the engine calls it per segment (and per decoded layer).
import type { Candidate, CandidateFinder } from './candidates.js';
import { verifyChecksum } from './checksum.js';
import { benignSignals } from './context/benign.js';
import { classify, HARD_PLACEHOLDER } from './context/classify.js';
import { commentSignals } from './context/comment.js';
import { nearbySignals } from './context/file-cues.js';
import { keywordSignals } from './context/keyword.js';
import { isKeyBlock, keyBlockSignals } from './context/pem.js';
import { placeholderSignals } from './context/placeholder.js';
import { isTestModeKey, testModeSeverity } from './context/test-mode.js';
import { shannonEntropy } from './entropy.js';
import { lineIndex } from './lines.js';
import { resolveOverlaps } from './overlap.js';
import type { CompiledPack } from './packs/load.js';
import type { CompiledPattern, EncodedText } from './regex.js';
import type { Finding, Severity } from './types.js';

export interface RuleContext {
  /** Signals that hold for the whole segment (file path cues). */
  fileSignals: readonly string[];
  packs?: ReadonlySet<string>;
  /** Benign findings will be dropped by the caller: skip the context work for those known benign early. */
  dropBenign?: boolean;
}

// `name = value` / `"name": "value"` with a secret-like name directly before the value; an XML
// element (`<apiToken>`) may hold its value on the next, indented line.
const ASSIGNED = /(?:pass|pwd|secret|token|key|auth|credential|bearer)[\w.-]{0,20}(?:["'`]?(?:\s{1,3}string|\s{0,2}:\s{0,2}(?:string|str))?\s{0,3}(?:[:?+.!]{0,3}=|=>|:|>|["'`]?\s{0,2},)\s{0,3}["'`]?|>\s{0,40})$/i;

export interface RuleSet {
  finder: CandidateFinder;
  packsByName: ReadonlyMap<string, CompiledPack>;
  allow: readonly CompiledPattern[];
}

const ENTROPY_SEVERITY: Severity = 'medium';

// The key name right before an assignment operator or inside an opening XML tag.
const KEY_NAME = /([A-Za-z_][\w.-]{0,80})(?:["'`]?\]?(?:\s{1,3}string|\s{0,2}:\s{0,2}(?:string|String|str))?\s{0,3}(?:[:?+.!]{0,3}=|=>|:|["'`]?\s{0,2},)\s{0,3}["'`]?|>\s{0,40})$/;

function keyNameOf(before: string): string | undefined {
  return KEY_NAME.exec(before.slice(-120))?.[1];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function typeOf(c: Candidate): string {
  return c.detector?.type ?? `high-entropy-${c.entropyRule?.charset ?? 'string'}`;
}

/** The part of a value that should look random: after a known prefix, or a URL's password. */
function bodyOf(value: string, prefix: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@]*)@/i.exec(value);
  if (url?.[1]) return url[1];
  if (prefix && value.length > prefix.length) return value.slice(prefix.length).replace(/^[_-]/, '');
  return value;
}

export function scanSegmentRules(rules: RuleSet, path: string, enc: EncodedText, ctx: RuleContext): Finding[] {
  const cands = rules.finder.find(enc, ctx.packs);
  if (cands.length === 0) return [];
  const text = enc.text;
  const lines = lineIndex(text);
  const out: Finding[] = [];
  for (const { winner: c, ids } of resolveOverlaps(cands)) {
    const value = text.slice(c.start, c.end);
    const [ls, le] = lines.lineBounds(c.start);
    const before = text.slice(Math.max(ls, c.start - 200), c.start);
    const prevLineStart = ls > 0 ? lines.lineBounds(ls - 1)[0] : ls;
    // A value alone on its line (`<apiToken>` / `KEY:` on the line above) is judged with that line.
    const nameText = ls > 0 && c.start - ls <= 40 && /^\s*$/.test(text.slice(ls, c.start)) ? text.slice(Math.max(prevLineStart, c.start - 200), c.start) : before;
    const assigned = ASSIGNED.test(nameText.slice(-64)) || /bearer\s+$/i.test(before.slice(-16));
    // An unknown-format random string not assigned to a secret-like name is benign (classify) unless a
    // hard placeholder cue makes it a placeholder: when benign is dropped anyway, decide that first.
    if (ctx.dropBenign && c.kind === 'entropy' && !assigned && !placeholderSignals({ value, body: value }).some((x) => HARD_PLACEHOLDER.has(x))) continue;
    const around = text.slice(Math.max(prevLineStart, c.start - 300), Math.min(le, c.end + 120));
    const body = bodyOf(value, c.prefix);
    const keyBlock = isKeyBlock(value);
    const signals: string[] = [...ctx.fileSignals];
    signals.push(...keywordSignals(before));
    if (assigned) {
      signals.push('assigned-to-keyword');
      // The key name ends in id/uuid/guid (`api_key_id`, `tokenUuid`): an identifier, not a secret.
      if (/(?:[_.-]|\b|[a-z])(?:id|uuid|guid|Id|ID|Uuid|UUID)(?:["'`]?\s{0,3}(?:[:=]|=>|:=)\s{0,3}["'`]?|>\s{0,40})$/.test(nameText.slice(-64))) signals.push('name:id');
    }
    // Bounded look-behind: minified code has megabyte-long lines.
    signals.push(...commentSignals(c.start - ls > 400 ? text.slice(c.start - 400, c.start) : text.slice(ls, c.start), c.start - ls > 400));
    // Host names like db.example.com say nothing about the credential next to them.
    signals.push(...nearbySignals(around.replace(value, '').replace(/\bexample\.(?:com|org|net|test|invalid)\b/gi, '')));
    // A provider's test/sandbox key is a real credential of a test account (context/test-mode.ts).
    const testMode = c.kind === 'provider' && isTestModeKey(value);
    if (keyBlock) signals.push(...keyBlockSignals(value));
    else {
      for (const sig of placeholderSignals({ value, body })) signals.push(testMode && sig === 'placeholder:test-mode' ? 'test-mode' : sig);
      if (testMode && !signals.includes('test-mode')) signals.push('test-mode');
      signals.push(...benignSignals({ value, before, keyName: assigned ? keyNameOf(nameText) : undefined }));
    }
    const spec = c.detector?.spec;
    const pack = c.detector?.pack ?? c.entropyRule?.pack ?? 'unknown';
    const packAllow = rules.packsByName.get(pack)?.allow ?? [];
    if (packAllow.some((a) => a.test(value)) || rules.allow.some((a) => a.test(value))) signals.push('placeholder:allow-list');
    if (spec?.checksum) signals.push(verifyChecksum(spec.checksum, value) ? 'checksum:valid' : 'checksum:invalid');
    const entropy = shannonEntropy(value);
    const bodyEntropy = body === value ? entropy : shannonEntropy(body);
    const decision = classify({
      kind: c.kind,
      strength: spec?.strength ?? 'weak',
      baseConfidence: spec?.confidence ?? 0.6,
      value,
      entropy,
      bodyEntropy,
      bodyLength: body.length,
      entropyFloor: spec?.entropy,
      signals,
    });
    signals.push(...decision.signals);
    const pos = lines.position(c.start);
    out.push({
      path,
      start: c.start,
      end: c.end,
      line: pos.line,
      column: pos.column,
      value,
      type: typeOf(c),
      class: decision.class,
      confidence: decision.confidence,
      severity: testMode ? testModeSeverity(spec?.severity ?? ENTROPY_SEVERITY) : spec?.severity ?? ENTROPY_SEVERITY,
      detectors: ids,
      pack,
      entropy: round(entropy),
      signals: [...new Set(signals)],
    });
  }
  return out;
}
