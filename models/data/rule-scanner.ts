// The rule engine as the generator uses it: candidates and signals exactly as the product makes
// them. Loaded lazily so the generator still runs (with planted findings) while the engine or the
// packs are unavailable.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, ScanContext } from '../../src/detect/types.js';
import type { StrengthLookup } from '../../src/detect/model/features.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RuleScanner {
  /** The engine's finding that best covers [start, end) of text, if any. */
  findAt(text: string, ctx: ScanContext, start: number, end: number): Finding | undefined;
  /** All candidates (benign included). */
  scanAll(text: string, ctx: ScanContext): Finding[];
  /** Detector strength by id, from the same packs. */
  strengthOf: StrengthLookup;
}

export async function loadRuleScanner(): Promise<RuleScanner | null> {
  const packDir = join(ROOT, 'filter-packs');
  if (!existsSync(join(ROOT, 'src/detect/engine.ts')) || !existsSync(packDir)) return null;
  try {
    const mod = (await import('../../src/detect/engine.js')) as typeof import('../../src/detect/engine.js');
    const load = (await import('../../src/detect/packs/load.js')) as typeof import('../../src/detect/packs/load.js');
    // Pack by pack: one broken pack (being edited) should not cost the others.
    const packs = [];
    for (const file of load.listPackFiles([packDir])) {
      try {
        packs.push(load.loadPackFile(file));
      } catch (err) {
        console.error(`skipping pack ${file}: ${(err as Error).message.slice(0, 160)}`);
      }
    }
    if (packs.length === 0) return null;
    console.error(`rule engine: packs ${packs.map((p) => p.name).join(', ')}`);
    const engine = mod.createEngine({ packs });
    const scanAll = (text: string, ctx: ScanContext): Finding[] => engine.scanRules([{ path: 'gen', text }], { ...ctx, includeBenign: true });
    const strength = new Map(packs.flatMap((p) => p.detectors.map((d) => [d.spec.id, d.spec.strength] as const)));
    return {
      strengthOf: (id) => strength.get(id),
      scanAll,
      findAt(text, ctx, start, end) {
        let best: Finding | undefined;
        let bestOverlap = 0;
        for (const f of scanAll(text, ctx)) {
          const ov = Math.min(end, f.end) - Math.max(start, f.start);
          // The finding must be mostly the planted value (not a neighbour that touches it).
          if (ov <= 0 || ov < 0.6 * (end - start) || ov < 0.6 * (f.end - f.start)) continue;
          if (ov > bestOverlap) {
            best = f;
            bestOverlap = ov;
          }
        }
        return best;
      },
    };
  } catch (err) {
    console.error(`rule engine unavailable, using planted findings: ${(err as Error).message}`);
    return null;
  }
}
