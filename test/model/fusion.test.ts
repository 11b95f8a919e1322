import { describe, expect, it } from 'vitest';
import { demotionCue, fallback, fuse, modelClass, needsModel, thresholdsFor } from '../../src/detect/model/fusion.js';
import { FEATURE_NAMES, NUM_FEATURES } from '../../src/detect/model/features.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_THRESHOLDS, readMeta, type Thresholds } from '../../src/detect/model/session.js';
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

  it('promotion and keeping genuine have their own thresholds (default: the genuine threshold)', () => {
    const th = t({ genuine: 0.4, promoteGenuine: 0.6, keepGenuine: 0.2 });
    // Rules said placeholder: p(genuine) 0.5 is above genuine but below promoteGenuine, so no promotion.
    expect(fuse(finding({ class: 'placeholder' }), [0.5, 0.4, 0.1], th).class).toBe('placeholder');
    expect(fuse(finding({ class: 'benign' }), [0.65, 0.1, 0.25], th).class).toBe('genuine');
    // Rules said genuine: kept down to keepGenuine, demoted below it.
    expect(fuse(finding({}), [0.3, 0.6, 0.1], th).class).toBe('genuine');
    expect(fuse(finding({}), [0.1, 0.8, 0.1], th).class).toBe('placeholder');
    // Absent: both directions use `genuine` (the committed behaviour).
    const d = thresholdsFor('generic', t({ genuine: 0.38 }));
    expect([d.promoteGenuine, d.keepGenuine, d.demoteNeedsCue]).toEqual([0.38, 0.38, false]);
    expect(fuse(finding({ class: 'placeholder' }), [0.4, 0.5, 0.1], t({ genuine: 0.38 })).class).toBe('genuine');
    // A pack's own genuine threshold moves both directions unless they are set for the pack.
    const p = thresholdsFor('strict', t({ genuine: 0.4, promoteGenuine: 0.6, packs: { strict: { genuine: 0.9 } } }));
    expect([p.promoteGenuine, p.keepGenuine]).toEqual([0.9, 0.9]);
  });

  it('demoteNeedsCue: a rules-genuine weak finding is demoted only with a cue for the model class', () => {
    const feats = (...names: string[]): Float32Array => {
      const f = new Float32Array(NUM_FEATURES);
      for (const n of names) f[FEATURE_NAMES.indexOf(n)] = 1;
      return f;
    };
    const th = t({ genuine: 0.4, demoteNeedsCue: true });
    expect(fuse(finding({}), [0.05, 0.9, 0.05], th, undefined, feats()).class).toBe('genuine');
    expect(fuse(finding({}), [0.05, 0.9, 0.05], th, undefined, feats('key_cue_fake')).class).toBe('placeholder');
    // The cue must fit the class: a fake-name cue does not carry a benign demotion.
    expect(fuse(finding({}), [0.05, 0.05, 0.9], th, undefined, feats('key_cue_fake')).class).toBe('genuine');
    expect(fuse(finding({}), [0.05, 0.05, 0.9], th, undefined, feats('digest_shape')).class).toBe('benign');
    expect(demotionCue('genuine', feats('key_cue_fake'))).toBe(false);
    // Promotions are not gated.
    expect(fuse(finding({ class: 'placeholder' }), [0.9, 0.05, 0.05], th, undefined, feats()).class).toBe('genuine');
    // Off: demoted on the probabilities alone.
    expect(fuse(finding({}), [0.05, 0.9, 0.05], t({ genuine: 0.4 }), undefined, feats()).class).toBe('placeholder');
  });

  it('metadata: the optional fusion thresholds are read when well-typed and left out otherwise', async () => {
    const meta = JSON.parse(readFileSync(new URL('../../models/leakgate-classifier.json', import.meta.url), 'utf8')) as { sha256?: string; thresholds: Record<string, unknown> };
    delete meta.sha256;
    const dir = mkdtempSync(join(tmpdir(), 'lg-meta-'));
    const write = (th: Record<string, unknown>): string => {
      const f = join(dir, `m${Math.random()}.json`);
      writeFileSync(f, JSON.stringify({ ...meta, thresholds: { ...meta.thresholds, ...th } }));
      return f;
    };
    const on = await readMeta(write({ promoteGenuine: 0.6, keepGenuine: 0.2, demoteNeedsCue: true }), Buffer.from('x'));
    expect([on.thresholds.promoteGenuine, on.thresholds.keepGenuine, on.thresholds.demoteNeedsCue]).toEqual([0.6, 0.2, true]);
    const bad = await readMeta(write({ promoteGenuine: 'high', keepGenuine: null, demoteNeedsCue: 'yes' }), Buffer.from('x'));
    expect('promoteGenuine' in bad.thresholds || 'keepGenuine' in bad.thresholds || 'demoteNeedsCue' in bad.thresholds).toBe(false);
  });
});
