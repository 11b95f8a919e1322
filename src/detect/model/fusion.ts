// Fusion of the rules' decision with the model's probabilities. Strong provider structure
// (prefix + checksum) stays on the rules' decision without the model; generic, password and
// entropy-only candidates reach genuine only when the model agrees (p(genuine) ≥ threshold).
import type { Finding, SecretClass } from '../types.js';
import { isStrong, type StrengthLookup } from './features.js';
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

export function thresholdsFor(pack: string, t: Thresholds): Omit<Thresholds, 'packs'> {
  const o = t.packs[pack];
  return {
    genuine: o?.genuine ?? t.genuine,
    placeholder: o?.placeholder ?? t.placeholder,
    benign: o?.benign ?? t.benign,
    strongDemotePlaceholder: o?.strongDemotePlaceholder !== undefined ? o.strongDemotePlaceholder : t.strongDemotePlaceholder,
  };
}

/** The model's own class for probabilities p = [genuine, placeholder, benign]. */
export function modelClass(p: ArrayLike<number>, genuineThreshold: number): SecretClass {
  if ((p[0] ?? 0) >= genuineThreshold) return 'genuine';
  return (p[1] ?? 0) >= (p[2] ?? 0) ? 'placeholder' : 'benign';
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Combine one finding with its probabilities. Adds 'model:<class>' and, when the final class differs
 * from the rules' class, 'rules:<class>' (so disagreements stay visible downstream).
 */
export function fuse(f: Finding, p: ArrayLike<number>, t: Thresholds, strengthOf?: StrengthLookup): Finding {
  const th = thresholdsFor(f.pack, t);
  const mc = modelClass(p, th.genuine);
  let cls: SecretClass;
  if (rulesDecidedTestMode(f)) {
    cls = f.class;
  } else if (isStrong(f.type, f.signals, f.detectors, strengthOf)) {
    // Structure decides; the model may only demote to placeholder when configured and very sure.
    cls = f.class === 'genuine' && th.strongDemotePlaceholder !== null && (p[1] ?? 0) >= th.strongDemotePlaceholder ? 'placeholder' : f.class;
  } else {
    cls = mc;
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
