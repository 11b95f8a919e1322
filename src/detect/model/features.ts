// The classifier's input features, computed here and only here: the training-data generator
// (models/data/generate.ts) writes these exact encodings into its JSONL, and Python never
// re-implements them, so training and serving cannot drift apart. Changing anything in this
// file changes the model's input contract: bump FEATURE_VERSION and retrain (`npm run train`).
import type { Finding, ScanContext } from '../types.js';

export const FEATURE_VERSION = 3;

/** Bytes of the candidate value fed to the value branch (longer values are cut, length stays a feature). */
export const VALUE_LEN = 64;
/** Bytes of text kept before the candidate (up to two lines back). */
export const LEFT_LEN = 104;
/** Bytes of text kept after the candidate (to the end of the next line). */
export const RIGHT_LEN = 55;
/** Context window: LEFT_LEN bytes, one marker where the value was, RIGHT_LEN bytes. */
export const CONTEXT_LEN = LEFT_LEN + 1 + RIGHT_LEN;

/** Token ids: 0 pads, byte b is b + 1, MARK stands where the candidate value sits in the context. */
export const PAD = 0;
export const MARK = 257;
export const VOCAB = 258;

export const FILE_KINDS = ['code', 'env', 'config', 'doc', 'prompt', 'log', 'other'] as const;
export const TYPE_GROUPS = ['password', 'generic', 'entropy', 'provider', 'private-key', 'url', 'jwt'] as const;

export const FEATURE_NAMES: readonly string[] = [
  'len_log',
  'entropy',
  'frac_upper',
  'frac_lower',
  'frac_digit',
  'frac_symbol',
  'is_hex',
  'is_b64_alphabet',
  'distinct_ratio',
  'max_run_ratio',
  'sequential_ratio',
  'placeholder_word',
  'template_syntax',
  'uuid_shape',
  'digest_shape',
  'key_cue_secret',
  'key_cue_fake',
  'key_cue_benign',
  'in_comment',
  'path_test',
  'path_doc',
  ...FILE_KINDS.map((k) => `kind_${k}`),
  ...TYPE_GROUPS.map((t) => `type_${t}`),
  'strong_structure',
  'quoted',
  'assignment',
  'url_like',
  'has_space',
  'dict_word',
  // What the rules already decided and why (the model learns when to trust them).
  'rules_genuine',
  'rules_placeholder',
  'rules_benign',
  'sig_placeholder',
  'sig_benign',
  'sig_keyword',
  'sig_context_path',
  'sig_comment',
];
export const NUM_FEATURES = FEATURE_NAMES.length;

/** One candidate, encoded: int32 token ids (the model's own inputs are int32) and float32 features. */
export interface EncodedCandidate {
  value: Int32Array;
  context: Int32Array;
  feats: Float32Array;
}

/** What the encoder needs from a finding (a Finding satisfies it). */
export type CandidateLike = Pick<Finding, 'value' | 'start' | 'end' | 'type' | 'signals' | 'class'> & { detectors?: readonly string[] };

const enc = new TextEncoder();

// Cues are matched on short, bounded windows with simple literal alternations (linear time).
const PLACEHOLDER_WORD =
  /(your|example|sample|dummy|fake|changeme|change_me|placeholder|redacted|replace|insert|xxx|todo|foobar|lorem|secret_here|here|test|mock|demo|notreal|not_real|default)/i;
const TEMPLATE_SYNTAX = /(\$\{|\{\{|\}\}|<[^>]*>|%\(|%s|\$[A-Z_]{2,}|process\.env|os\.environ|getenv|ENV\[|\*\*\*|\.\.\.)/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY_SECRET = /(pass|pwd|secret|token|api[_-]?key|apikey|auth|credential|private|access[_-]?key|bearer|session|cookie|signing|client[_-]?key)/i;
const KEY_FAKE = /(test|fake|dummy|mock|example|sample|stub|fixture|placeholder|demo)/i;
const KEY_BENIGN =
  /(sha|hash|digest|integrity|checksum|commit|uuid|guid|etag|revision|build|version|public|publishable|nonce|trace|request[_-]?id|correlation|fingerprint|md5|crc|cache|image|data:|font|icon|\bid\b|_id\b)/i;
const COMMENT_START = /^\s*(\/\/|#|--|\/\*|\*|;|<!--|rem\s)/i;
const PATH_TEST = /(^|[/\\._-])(test|tests|spec|specs|__tests__|fixture|fixtures|mock|mocks|testdata|e2e)([/\\._-]|$)/i;
const PATH_DOC = /(readme|changelog|(^|[/\\])docs?[/\\]|\.md$|\.rst$|\.adoc$|example|sample|tutorial)/i;
const DICT_WORD = /(password|secret|admin|welcome|letmein|qwerty|monkey|dragon|master|hello|summer|winter|spring|login)/i;

/** File kind from the context (explicit fileKind wins, else the file path's name). */
export function fileKindOf(ctx?: ScanContext): (typeof FILE_KINDS)[number] {
  const k = (ctx?.fileKind ?? '').toLowerCase();
  if (k !== '') {
    if (k === 'prompt' || k === 'completion' || k === 'chat' || k === 'text') return 'prompt';
    if (k === 'env' || k === 'dotenv') return 'env';
    if (['yaml', 'json', 'ini', 'toml', 'properties', 'xml', 'terraform', 'hcl', 'config'].includes(k)) return 'config';
    if (k === 'markdown' || k === 'doc' || k === 'docs') return 'doc';
    if (k === 'log') return 'log';
    if (k === 'code') return 'code';
  }
  const p = (ctx?.filePath ?? '').toLowerCase();
  if (p === '') return k === '' ? 'prompt' : 'other';
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (base.startsWith('.env') || base.endsWith('.env')) return 'env';
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  if (['yaml', 'yml', 'json', 'ini', 'cfg', 'conf', 'toml', 'properties', 'xml', 'tf', 'tfvars', 'hcl', 'plist'].includes(ext)) return 'config';
  if (['md', 'rst', 'adoc', 'txt', 'html'].includes(ext)) return 'doc';
  if (ext === 'log') return 'log';
  if (ext !== '' || base === 'dockerfile' || base === 'makefile') return 'code';
  return 'other';
}

/** Type group from the finding type (engine type names vary; the group is what the model sees). */
export function typeGroupOf(type: string): (typeof TYPE_GROUPS)[number] {
  const t = type.toLowerCase();
  if (t.includes('private-key')) return 'private-key';
  if (t.includes('jwt')) return 'jwt';
  if (t.includes('password') || t.includes('passwd')) return 'password';
  if (t.includes('entropy')) return 'entropy';
  if (t.includes('url') || t.includes('connection') || t.includes('basic-auth') || t.includes('uri')) return 'url';
  if (t.startsWith('generic')) return 'generic';
  return 'provider';
}

/** Detector strength by id (from the packs; see strength.ts). */
export type StrengthLookup = (detectorId: string) => 'strong' | 'weak' | undefined;

/**
 * True when the provider structure alone is enough (prefix/checksum): an explicit
 * 'strength:strong' / 'checksum:valid' signal; else the deciding detector's strength from its pack;
 * else (no lookup) a provider-specific type. Fusion and the features use this one definition.
 */
export function isStrong(type: string, signals: readonly string[], detectors?: readonly string[], strengthOf?: StrengthLookup): boolean {
  if (signals.includes('strength:strong') || signals.includes('checksum:valid')) return true;
  if (signals.includes('strength:weak') || signals.includes('checksum:invalid')) return false;
  const id = detectors?.[0];
  if (id !== undefined && strengthOf !== undefined) {
    const s = strengthOf(id);
    if (s !== undefined) return s === 'strong';
  }
  const g = typeGroupOf(type);
  return g === 'provider' || g === 'private-key';
}

/** Shannon entropy in bits per character. */
export function shannon(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function writeBytes(dst: Int32Array, at: number, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) dst[at + i] = (bytes[i] ?? 0) + 1;
}

/** Start offset of the line `back` lines above the one holding `pos`. */
function lineStartBack(text: string, pos: number, back: number): number {
  let i = pos;
  for (let n = 0; n <= back; n++) {
    const j = text.lastIndexOf('\n', i - 1);
    if (j < 0) return 0;
    if (n === back) return j + 1;
    i = j;
  }
  return 0;
}

/** End offset of the line `ahead` lines below the one holding `pos`. */
function lineEndAhead(text: string, pos: number, ahead: number): number {
  let i = pos;
  for (let n = 0; n <= ahead; n++) {
    const j = text.indexOf('\n', i);
    if (j < 0) return text.length;
    if (n === ahead) return j;
    i = j + 1;
  }
  return text.length;
}

function valueStats(v: string, f: Float32Array): void {
  const n = v.length || 1;
  let up = 0;
  let lo = 0;
  let dg = 0;
  let sy = 0;
  let hex = true;
  let b64 = true;
  let maxRun = 1;
  let run = 1;
  let seq = 0;
  let space = false;
  const distinct = new Set<number>();
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    distinct.add(c);
    if (c >= 65 && c <= 90) up++;
    else if (c >= 97 && c <= 122) lo++;
    else if (c >= 48 && c <= 57) dg++;
    else sy++;
    if (c === 32) space = true;
    const isHex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (!isHex) hex = false;
    const isB64 = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61 || c === 45 || c === 95;
    if (!isB64) b64 = false;
    if (i > 0) {
      const p = v.charCodeAt(i - 1);
      if (p === c) {
        run++;
        if (run > maxRun) maxRun = run;
      } else run = 1;
      if (c === p + 1) seq++;
    }
  }
  f[0] = Math.log2(v.length + 1) / 8;
  f[1] = shannon(v) / 6;
  f[2] = up / n;
  f[3] = lo / n;
  f[4] = dg / n;
  f[5] = sy / n;
  f[6] = hex && v.length > 0 ? 1 : 0;
  f[7] = b64 && v.length > 0 ? 1 : 0;
  f[8] = distinct.size / n;
  f[9] = maxRun / n;
  f[10] = v.length > 1 ? seq / (v.length - 1) : 0;
  const head = v.length > 200 ? v.slice(0, 200) : v;
  f[11] = PLACEHOLDER_WORD.test(head) ? 1 : 0;
  f[12] = TEMPLATE_SYNTAX.test(head) ? 1 : 0;
  f[13] = UUID.test(v) ? 1 : 0;
  f[14] = hex && [32, 40, 56, 64, 96, 128].includes(v.length) ? 1 : 0;
  f[FEATURE_NAMES.indexOf('has_space')] = space ? 1 : 0;
  f[FEATURE_NAMES.indexOf('dict_word')] = DICT_WORD.test(head) ? 1 : 0;
}

const IDX = {
  keySecret: FEATURE_NAMES.indexOf('key_cue_secret'),
  keyFake: FEATURE_NAMES.indexOf('key_cue_fake'),
  keyBenign: FEATURE_NAMES.indexOf('key_cue_benign'),
  inComment: FEATURE_NAMES.indexOf('in_comment'),
  pathTest: FEATURE_NAMES.indexOf('path_test'),
  pathDoc: FEATURE_NAMES.indexOf('path_doc'),
  kind0: FEATURE_NAMES.indexOf('kind_code'),
  type0: FEATURE_NAMES.indexOf('type_password'),
  strong: FEATURE_NAMES.indexOf('strong_structure'),
  quoted: FEATURE_NAMES.indexOf('quoted'),
  assignment: FEATURE_NAMES.indexOf('assignment'),
  urlLike: FEATURE_NAMES.indexOf('url_like'),
  rules0: FEATURE_NAMES.indexOf('rules_genuine'),
  sigPlaceholder: FEATURE_NAMES.indexOf('sig_placeholder'),
  sigBenign: FEATURE_NAMES.indexOf('sig_benign'),
  sigKeyword: FEATURE_NAMES.indexOf('sig_keyword'),
  sigPath: FEATURE_NAMES.indexOf('sig_context_path'),
  sigComment: FEATURE_NAMES.indexOf('sig_comment'),
};

const RULE_CLASSES = ['genuine', 'placeholder', 'benign'] as const;

function signalFeatures(c: CandidateLike, feats: Float32Array): void {
  const ri = RULE_CLASSES.indexOf(c.class);
  if (ri >= 0) feats[IDX.rules0 + ri] = 1;
  for (const s of c.signals) {
    if (s.startsWith('placeholder:')) feats[IDX.sigPlaceholder] = 1;
    else if (s.startsWith('benign:')) feats[IDX.sigBenign] = 1;
    else if (s.startsWith('keyword:')) feats[IDX.sigKeyword] = 1;
    else if (s === 'test-path' || s === 'example-path' || s === 'doc-path' || s === 'nearby:example') feats[IDX.sigPath] = 1;
    else if (s === 'in-comment') feats[IDX.sigComment] = 1;
  }
}

/**
 * Encode one candidate: value bytes, the context window around it (value replaced by MARK) and
 * the numeric features. `text` is the segment the finding's offsets point into.
 */
export function encodeCandidate(c: CandidateLike, text: string, ctx?: ScanContext, strengthOf?: StrengthLookup): EncodedCandidate {
  const value = new Int32Array(VALUE_LEN);
  const context = new Int32Array(CONTEXT_LEN);
  const feats = new Float32Array(NUM_FEATURES);
  const v = c.value;

  const vb = enc.encode(v.length > VALUE_LEN ? v.slice(0, VALUE_LEN) : v);
  writeBytes(value, 0, vb.subarray(0, VALUE_LEN));

  // Offsets may be stale or absent (e.g. synthetic callers): locate the value when they do not match.
  let start = c.start;
  let end = c.end;
  if (text.slice(start, end) !== v) {
    const at = text.indexOf(v);
    start = at < 0 ? 0 : at;
    end = at < 0 ? 0 : at + v.length;
  }
  const leftFrom = lineStartBack(text, start, 2);
  const leftText = text.slice(Math.max(leftFrom, start - LEFT_LEN * 2), start);
  const lb = enc.encode(leftText);
  const left = lb.length > LEFT_LEN ? lb.subarray(lb.length - LEFT_LEN) : lb;
  writeBytes(context, LEFT_LEN - left.length, left);
  context[LEFT_LEN] = MARK;
  const rightTo = lineEndAhead(text, end, 1);
  const rightText = text.slice(end, Math.min(rightTo, end + RIGHT_LEN * 2));
  const rb = enc.encode(rightText);
  writeBytes(context, LEFT_LEN + 1, rb.subarray(0, RIGHT_LEN));

  valueStats(v, feats);

  // Key-name cues read the candidate's own line, left of it (where a key name or label sits).
  const lineFrom = text.lastIndexOf('\n', start - 1) + 1;
  const sameLineLeft = text.slice(Math.max(lineFrom, start - 80), start);
  const prevLines = text.slice(Math.max(leftFrom, start - 200), start);
  feats[IDX.keySecret] = KEY_SECRET.test(sameLineLeft) ? 1 : 0;
  feats[IDX.keyFake] = KEY_FAKE.test(prevLines) ? 1 : 0;
  feats[IDX.keyBenign] = KEY_BENIGN.test(sameLineLeft) ? 1 : 0;
  feats[IDX.inComment] = COMMENT_START.test(text.slice(lineFrom, Math.min(start, lineFrom + 40))) ? 1 : 0;
  const path = ctx?.filePath ?? '';
  feats[IDX.pathTest] = PATH_TEST.test(path) ? 1 : 0;
  feats[IDX.pathDoc] = PATH_DOC.test(path) ? 1 : 0;
  feats[IDX.kind0 + FILE_KINDS.indexOf(fileKindOf(ctx))] = 1;
  feats[IDX.type0 + TYPE_GROUPS.indexOf(typeGroupOf(c.type))] = 1;
  feats[IDX.strong] = isStrong(c.type, c.signals, c.detectors, strengthOf) ? 1 : 0;
  const before = start > 0 ? text.charCodeAt(start - 1) : 0;
  feats[IDX.quoted] = before === 34 || before === 39 || before === 96 ? 1 : 0;
  feats[IDX.assignment] = /[=:]\s*["'`]?\s*$|=>\s*["'`]?$/.test(sameLineLeft) ? 1 : 0;
  feats[IDX.urlLike] = v.includes('://') || v.includes('@') ? 1 : 0;
  signalFeatures(c, feats);
  return { value, context, feats };
}
