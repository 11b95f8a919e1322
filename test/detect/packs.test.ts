// One data-driven test over every pack in filter-packs/: each detector's genuine examples are found
// with the exact value and type (class genuine), and its `not` examples are never reported genuine.
// Each pack runs in its own engine so one pack's detectors cannot mask another's.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import { DEFAULT_PACK_DIR, listPackFiles, loadPackFile, loadPacks, type CompiledPack } from '../../src/detect/packs/load.js';

const files = listPackFiles([DEFAULT_PACK_DIR]);

describe('filter packs', () => {
  it('has packs to test', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('loads together: pack names and detector ids unique across files', () => {
    let msg = '';
    try {
      loadPacks([DEFAULT_PACK_DIR]);
    } catch (err) {
      msg = (err as Error).message;
    }
    expect(msg).toBe('');
  });

  for (const file of files) {
    const name = file.split('/').pop() ?? file;
    describe(name, () => {
      let pack: CompiledPack | undefined;
      let loadError: unknown;
      try {
        pack = loadPackFile(file);
      } catch (err) {
        loadError = err;
      }
      it('validates and compiles', () => {
        expect(loadError === undefined ? '' : String((loadError as Error).message)).toBe('');
      });
      if (!pack) return;
      const engine = createEngine({ packs: [pack], maxDecodeDepth: 0 });
      for (const d of pack.detectors) {
        const examples = d.spec.examples;
        examples.genuine.forEach((ex, i) => {
          const text = typeof ex === 'string' ? ex : ex.text;
          const value = typeof ex === 'string' ? ex : ex.value;
          it(`${d.id}: genuine[${i}] found with exact value and type`, () => {
            const found = engine.scanRules([{ path: 'example', text }], { includeBenign: true });
            const hit = found.find((f) => f.value === value);
            const summary = found.map((f) => `${f.type}/${f.class}/${f.detectors.join('+')}: ${f.value.slice(0, 60)} [${f.signals.join(',')}]`);
            expect(hit, `no finding with the exact value; got ${JSON.stringify(summary)}`).toBeDefined();
            expect(hit?.type, JSON.stringify(summary)).toBe(d.type);
            expect(hit?.class, JSON.stringify(summary)).toBe('genuine');
            expect(text.slice(hit?.start, hit?.end)).toBe(value);
          });
        });
        examples.not.forEach((text, i) => {
          it(`${d.id}: not[${i}] not reported as genuine`, () => {
            const found = engine.scanRules([{ path: 'example', text }]);
            const genuine = found.filter((f) => f.class === 'genuine').map((f) => `${f.type}: ${f.value.slice(0, 60)}`);
            expect(genuine).toEqual([]);
          });
        });
      }
    });
  }
});
