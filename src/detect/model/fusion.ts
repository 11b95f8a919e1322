// Fusion of the rules' decision with the model's probabilities. Strong provider structure
// (prefix + checksum) stays on the rules' decision without the model; generic, password and
// entropy-only candidates reach genuine only when the model agrees (p(genuine) ≥ threshold).
import type { Finding, SecretClass } from '../types.js';
import { FEATURE_NAMES, isStrong, type StrengthLookup } from './features.js';
import { CLASSES, type Thresholds } from './session.js';

/**
 * A provider's test/sandbox key the rules call genuine (signal 'test-mode', src/detect/context/test-mode.ts):
 * a real credential of a test account by the rules' class definition. Kept on the rules' class without the
 * model. Introduced while the model still learnt such keys as placeholders; the model retrained on
 * 2026-12-04 labels them genuine (315/315 on its held-out split) and bench/model measured no finding this
 * rule changes on the peer bench (for the previous model it prevented 18 wrong demotions, 51 → 33). Kept as a
 * guard: the rules already applied the value's placeholder cues, and the model adds nothing here.
 */
export function rulesDecidedTestMode(f: Finding): boolean {
  return f.class === 'genuine' && f.signals.includes('test-mode');
}

/** Does this finding need the model's opinion to settle its class? */
export function needsModel(f: Finding, t: Thresholds, strengthOf?: StrengthLookup): boolean {
  if (rulesDecidedTestMode(f)) return false;
  if (!isStrong(f.type, f.signals, f.detectors, strengthOf)) return true;
  // A strong genuine is re-checked only when demotion to placeholder is configured.
  return f.class === 'genuine' && thresholdsFor(f.pack, t).strongDemotePlaceholder !== null;
}

export type PackThresholds = Required<Omit<Thresholds, 'packs'>>;

export function thresholdsFor(pack: string, t: Thresholds): PackThresholds {
  const o = t.packs[pack];
  const genuine = o?.genuine ?? t.genuine;
  return {
    genuine,
    placeholder: o?.placeholder ?? t.placeholder,
    benign: o?.benign ?? t.benign,
    strongDemotePlaceholder: o?.strongDemotePlaceholder !== undefined ? o.strongDemotePlaceholder : t.strongDemotePlaceholder,
    // A pack's own `genuine` also moves the two directions unless they are set for it.
    promoteGenuine: o?.promoteGenuine ?? (o?.genuine !== undefined ? genuine : (t.promoteGenuine ?? genuine)),
    keepGenuine: o?.keepGenuine ?? (o?.genuine !== undefined ? genuine : (t.keepGenuine ?? genuine)),
    demoteNeedsCue: o?.demoteNeedsCue ?? t.demoteNeedsCue ?? false,
  };
}

// Feature indices of the cues a demotion may rest on (src/detect/model/features.ts computes them).
const at = (name: string): number => {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`feature ${name} missing`);
  return i;
};
const PLACEHOLDER_CUES = ['placeholder_word', 'template_syntax', 'key_cue_fake', 'path_test', 'path_doc', 'kind_doc', 'dict_word', 'sig_placeholder', 'in_comment'].map(at);
const BENIGN_CUES = ['uuid_shape', 'digest_shape', 'key_cue_benign', 'sig_benign'].map(at);

/**
 * Is there a cue, in the features computed from the value, its name, its file and the rules' signals, for
 * demoting a rules-genuine finding to `to`? Without one the model would overrule the rules' genuine on the
 * bytes alone, which is where synthetic training data transfers worst.
 */
export function demotionCue(to: SecretClass, feats: ArrayLike<number>): boolean {
  const cues = to === 'placeholder' ? PLACEHOLDER_CUES : to === 'benign' ? BENIGN_CUES : [];
  return cues.some((i) => (feats[i] ?? 0) > 0);
}

/** The model's own class for probabilities p = [genuine, placeholder, benign]. */
export function modelClass(p: ArrayLike<number>, genuineThreshold: number): SecretClass {
  if ((p[0] ?? 0) >= genuineThreshold) return 'genuine';
  return (p[1] ?? 0) >= (p[2] ?? 0) ? 'placeholder' : 'benign';
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Combine one finding with its probabilities. Adds 'model:<class>' and, when the final class differs
 * from the rules' class, 'rules:<class>' (so disagreements stay visible downstream). `feats`: the encoded
 * features of the finding (needed when demoteNeedsCue is set; without them no demotion is gated).
 */
export function fuse(f: Finding, p: ArrayLike<number>, t: Thresholds, strengthOf?: StrengthLookup, feats?: ArrayLike<number>): Finding {
  const th = thresholdsFor(f.pack, t);
  const mc = modelClass(p, th.genuine);
  let cls: SecretClass;
  if (rulesDecidedTestMode(f)) {
    cls = f.class;
  } else if (isStrong(f.type, f.signals, f.detectors, strengthOf)) {
    // Structure decides; the model may only demote to placeholder when configured and very sure.
    cls = f.class === 'genuine' && th.strongDemotePlaceholder !== null && (p[1] ?? 0) >= th.strongDemotePlaceholder ? 'placeholder' : f.class;
  } else if (f.class === 'genuine') {
    // Weak, rules-genuine: the model demotes below keepGenuine (and, when configured, only with a cue).
    cls = modelClass(p, th.keepGenuine);
    if (cls !== 'genuine' && th.demoteNeedsCue && feats !== undefined && !demotionCue(cls, feats)) cls = 'genuine';
  } else {
    // Weak, rules not genuine: the model promotes at promoteGenuine.
    cls = modelClass(p, th.promoteGenuine);
  }
  const signals = [...f.signals, `model:${mc}`];
  if (cls !== f.class) signals.push(`rules:${f.class}`);
  const confidence = cls === mc ? round2(p[CLASSES.indexOf(cls)] ?? 0) : f.confidence;
  return { ...f, class: cls, confidence: Math.max(0.01, Math.min(0.99, confidence)), signals };
}

/** The rules' finding with a fallback signal (model timeout / unavailable / error). */
export function fallback(f: Finding, signal: 'model:timeout' | 'model:unavailable' | 'model:error'): Finding {
  return f.signals.includes(signal) ? f : { ...f, signals: [...f.signals, signal] };
}
