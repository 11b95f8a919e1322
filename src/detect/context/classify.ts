// The rule-based decision: combine the cues into a class and a confidence. This must stand on its
// own (the classifier refines it; the gateway falls back to it when the model is unavailable).
import type { SecretClass } from '../types.js';
import { truncatedFormat } from './truncated.js';

export type CandidateKind = 'provider' | 'generic' | 'entropy';

export interface ClassifyInput {
  kind: CandidateKind;
  strength: 'strong' | 'weak';
  baseConfidence: number;
  value: string;
  entropy: number;
  /** Entropy of the random body (value minus known prefix). */
  bodyEntropy: number;
  bodyLength: number;
  /** Detector entropy floor, if any. */
  entropyFloor?: number;
  signals: readonly string[];
}

export interface ClassDecision {
  class: SecretClass;
  confidence: number;
  /** Extra signals the decision itself adds (e.g. 'entropy:low'). */
  signals: string[];
}

/** Cues that on their own make a value a placeholder, whatever matched it. */
export const HARD_PLACEHOLDER: ReadonlySet<string> = new Set([
  'placeholder:template-var',
  'placeholder:angle-brackets',
  'placeholder:your-value',
  'placeholder:example-value',
  'placeholder:weak-word',
  'placeholder:test-mode',
  'placeholder:redacted',
  'placeholder:repeated',
  'placeholder:sequential',
  'placeholder:periodic',
  'placeholder:few-chars',
  'placeholder:allow-list',
  'placeholder:empty-key-body',
]);

/** Benign cues that hold for any detector (public material, publishable keys, data URIs). */
const HARD_BENIGN = new Set(['benign:public-key', 'benign:publishable-key', 'benign:data-uri']);

/** Benign cues that only overrule a generic/entropy match (a provider format is more specific). */
const SOFT_BENIGN = new Set([
  'benign:uuid',
  'benign:hex-digest',
  'benign:digest',
  'benign:file-path',
  'benign:url',
  'benign:email',
  'benign:number',
  'benign:code',
  'benign:identifier',
  'benign:urn',
  'benign:hostname',
  'benign:public-name',
  'benign:descriptive-name',
  'benign:id-name',
  'benign:csrf-token',
  'benign:prose',
]);

const CONTEXT_PLACEHOLDER = new Set(['test-path', 'example-path', 'doc-path', 'nearby:example']);

function clamp(x: number): number {
  return Math.max(0.01, Math.min(0.99, Math.round(x * 100) / 100));
}

export function classify(input: ClassifyInput): ClassDecision {
  const s = new Set(input.signals);
  const added: string[] = [];
  const has = (set: ReadonlySet<string>): boolean => input.signals.some((x) => set.has(x));
  let conf = input.baseConfidence;

  if (has(HARD_BENIGN)) return { class: 'benign', confidence: 0.9, signals: added };
  // A generic/entropy match on a provider-prefixed value too short for that provider's format (context/truncated.ts).
  const truncated = input.kind !== 'provider' && truncatedFormat(input.value);
  if (truncated) added.push('placeholder:truncated-format');
  const hardPlaceholder = truncated || has(HARD_PLACEHOLDER);
  // A hex string assigned to a token/secret/key name is the common shape of API secrets (32/40/64
  // hex); it stays a digest only when the key name itself says hash/digest/checksum (benign:digest).
  const assigned = s.has('assigned-to-keyword');
  // Likewise a UUID assigned to a token/secret/key name (HubSpot, Heroku, Sendbird… keys are UUIDs),
  // unless the name says it is an id.
  const secretUuid = assigned && !s.has('name:id');
  const softBenign = input.signals.some((x) => SOFT_BENIGN.has(x) && !(assigned && x === 'benign:hex-digest') && !(secretUuid && x === 'benign:uuid'));
  if (input.kind !== 'provider' && softBenign && !hardPlaceholder) return { class: 'benign', confidence: 0.8, signals: added };
  if (hardPlaceholder) return { class: 'placeholder', confidence: clamp(0.85), signals: added };
  if (s.has('checksum:invalid')) return { class: 'placeholder', confidence: 0.7, signals: added };

  // Digits carry at most log2(10) ≈ 3.32 bits per character: a long random numeric secret (client
  // secrets, numeric keys) sits near 3.0, so a per-character floor meant for mixed alphabets is eased.
  const digitsOnly = input.bodyLength >= 16 && /^\d+$/.test(input.value);
  const floor = input.entropyFloor !== undefined && digitsOnly ? Math.min(input.entropyFloor, 2.5) : input.entropyFloor;
  const strongProvider = input.kind === 'provider' && input.strength === 'strong';
  // A fixed prefix was stripped from the body: the rest is the issued random part.
  const prefixed = input.bodyLength < input.value.length;
  if (floor !== undefined && input.bodyEntropy < floor) {
    added.push('entropy:low');
    // A strong provider format (fixed prefix, fixed length and alphabet) is issued at random: a
    // uniformly random body falls under a per-character entropy floor now and then (≈0.3% of AKIA
    // ids under 3 bits). Only real placeholder cues (example words, x-runs, repeats, sequences,
    // template variables: the hard cues above) demote it; low entropy alone only lowers confidence.
    // Without a known prefix (a password-like value after a key name) the floor still decides.
    if (!(strongProvider && prefixed)) return { class: input.kind === 'provider' ? 'placeholder' : 'benign', confidence: 0.7, signals: added };
    conf -= 0.1;
  }

  if (s.has('checksum:valid')) conf = Math.max(conf, 0.99);
  const contextCues = input.signals.filter((x) => CONTEXT_PLACEHOLDER.has(x)).length;
  const inComment = s.has('in-comment');

  if (strongProvider) {
    conf -= 0.1 * contextCues + (inComment ? 0.05 : 0);
    return { class: 'genuine', confidence: clamp(conf), signals: added };
  }

  // Weak provider, generic and entropy candidates: need the value to look issued, not typed.
  if (input.kind === 'generic' || input.kind === 'entropy' || input.strength === 'weak') {
    // Test/example/doc context turns a typed-looking value into a placeholder; a long random one
    // stays genuine (real keys do get pasted into tests and docs), with lower confidence.
    const typed = input.bodyLength < 16 || input.bodyEntropy < 3.5;
    if (contextCues > 0 && input.kind !== 'provider' && typed) return { class: 'placeholder', confidence: 0.7, signals: added };
    if (input.kind === 'entropy') {
      // An unknown-format random string is a secret only when it is assigned to a secret-like name.
      const assigned = input.signals.includes('assigned-to-keyword');
      if (!assigned || inComment || contextCues > 0) return { class: 'benign', confidence: 0.6, signals: added };
    }
    conf -= 0.1 * contextCues + (inComment ? 0.1 : 0);
  }
  return { class: 'genuine', confidence: clamp(conf), signals: added };
}
