import { describe, expect, it } from 'vitest';
import { fallback, fuse, modelClass, needsModel } from '../../src/detect/model/fusion.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/detect/model/session.js';
import { strengthFromPacks } from '../../src/detect/model/strength.js';
import type { Finding } from '../../src/detect/types.js';

const finding = (over: Partial<Finding>): Finding => ({
  path: 'p', start: 0, end: 4, line: 1, column: 1, value: 'abcd', type: 'generic-api-key', class: 'genuine', confidence: 0.6,
  severity: 'high', detectors: ['d'], pack: 'generic', entropy: 2, signals: ['strength:weak'], ...over,
});
const t = (over: Partial<Thresholds> = {}): Thresholds => ({ ...DEFAULT_THRESHOLDS, ...over });

describe('fusion', () => {
  it('weak candidates take the model class, with rules:<class> when it changes', () => {
    const f = fuse(finding({}), [0.1, 0.8, 0.1], t());
    expect(f.class).toBe('placeholder');
    expect(f.confidence).toBe(0.8);
    expect(f.signals).toEqual(['strength:weak', 'model:placeholder', 'rules:genuine']);
    const g = fuse(finding({ class: 'benign' }), [0.7, 0.2, 0.1], t());
    expect(g.class).toBe('genuine');
    expect(g.signals).toContain('rules:benign');
  });

  it('genuine needs p(genuine) at or above the threshold, per pack when set', () => {
    expect(modelClass([0.55, 0.3, 0.15], 0.6)).toBe('placeholder');
    expect(modelClass([0.6, 0.3, 0.1], 0.6)).toBe('genuine');
    expect(modelClass([0.4, 0.2, 0.4], 0.6)).toBe('benign');
    const th = t({ genuine: 0.5, packs: { strict: { genuine: 0.9 } } });
    expect(fuse(finding({ pack: 'strict' }), [0.8, 0.1, 0.1], th).class).toBe('placeholder');
    expect(fuse(finding({ pack: 'other' }), [0.8, 0.1, 0.1], th).class).toBe('genuine');
  });

  it('strong structure stays on the rules class unless demotion is configured and sure', () => {
    const strong = finding({ type: 'github-pat', signals: ['checksum:valid'] });
    expect(needsModel(strong, t())).toBe(false);
    expect(needsModel(strong, t({ strongDemotePlaceholder: 0.9 }))).toBe(true);
    expect(needsModel({ ...strong, class: 'placeholder' }, t({ strongDemotePlaceholder: 0.9 }))).toBe(false);
    expect(fuse(strong, [0.05, 0.85, 0.1], t({ strongDemotePlaceholder: 0.9 })).class).toBe('genuine');
    const demoted = fuse(strong, [0.02, 0.95, 0.03], t({ strongDemotePlaceholder: 0.9 }));
    expect(demoted.class).toBe('placeholder');
    expect(demoted.signals).toContain('rules:genuine');
    // Never promoted or turned benign by the model.
    expect(fuse(strong, [0.01, 0.01, 0.98], t({ strongDemotePlaceholder: 0.9 })).class).toBe('genuine');
  });

  it('type names without strength signals: provider types are strong, generic/entropy/password weak', () => {
    expect(needsModel(finding({ type: 'aws-access-key-id', signals: [] }), t())).toBe(false);
    expect(needsModel(finding({ type: 'aws-access-key-id', signals: ['strength:weak'] }), t())).toBe(true);
    expect(needsModel(finding({ type: 'high-entropy-base64', signals: [] }), t())).toBe(true);
    expect(needsModel(finding({ type: 'generic-password', signals: [] }), t())).toBe(true);
  });

  it("the pack's detector strength wins over the type name", () => {
    const lookup = (id: string): 'strong' | 'weak' | undefined => (id === 'acme-key' ? 'weak' : id === 'acme-pat' ? 'strong' : undefined);
    expect(needsModel(finding({ type: 'acme-key', detectors: ['acme-key'], signals: [] }), t(), lookup)).toBe(true);
    expect(needsModel(finding({ type: 'generic-acme', detectors: ['acme-pat'], signals: [] }), t(), lookup)).toBe(false);
    // The bundled packs: the lookup reads their YAML (default strength 'strong').
    const packs = strengthFromPacks();
    expect(packs('aws-access-key-id')).toBe('strong');
    expect(packs('generic-password')).toBe('weak');
    expect(packs('no-such-detector')).toBeUndefined();
  });

  it('fallback adds its signal once and keeps the class', () => {
    const f = fallback(fallback(finding({ class: 'placeholder' }), 'model:timeout'), 'model:timeout');
    expect(f.class).toBe('placeholder');
    expect(f.signals.filter((s) => s === 'model:timeout')).toHaveLength(1);
  });

  it("a provider test-mode key the rules call genuine stays genuine (weak or strong, even with demotion on)", () => {
    const weak = finding({ type: 'stripe-secret-key', signals: ['strength:weak', 'test-mode'] });
    const strong = finding({ type: 'stripe-secret-key', signals: ['strength:strong', 'test-mode'] });
    const th = t({ strongDemotePlaceholder: 0.9 });
    expect(needsModel(weak, th)).toBe(false);
    expect(needsModel(strong, th)).toBe(false);
    // scan --disagreements scores everything: the model's vote is recorded, the class is not changed.
    const w = fuse(weak, [0.02, 0.96, 0.02], th);
    expect(w.class).toBe('genuine');
    expect(w.signals).toContain('model:placeholder');
    expect(w.signals).not.toContain('rules:genuine');
    expect(fuse(strong, [0.02, 0.96, 0.02], th).class).toBe('genuine');
    // Without the rules' genuine decision the signal alone does not bypass the model.
    expect(needsModel({ ...weak, class: 'placeholder' }, th)).toBe(true);
  });
});
