// Detector strength ('strong': provider structure suffices; 'weak': needs context/model agreement)
// by detector id, read from the filter packs' YAML. Findings do not carry the strength, and fusion
// must not guess it from the type name when the pack says otherwise (many provider detectors are weak).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_PACK_DIR, listPackFiles } from '../packs/load.js';

export type StrengthOf = (detectorId: string) => 'strong' | 'weak' | undefined;

interface RawPack {
  detectors?: { id?: unknown; strength?: unknown }[];
}

/** Build the lookup from pack files/directories (default: the bundled filter-packs/). Unreadable packs are skipped. */
export function strengthFromPacks(paths: readonly string[] = [DEFAULT_PACK_DIR]): StrengthOf {
  const map = new Map<string, 'strong' | 'weak'>();
  let files: string[] = [];
  try {
    files = listPackFiles(paths);
  } catch {
    files = [];
  }
  for (const file of files) {
    try {
      const raw = parse(readFileSync(file, 'utf8')) as RawPack;
      for (const d of raw.detectors ?? []) {
        if (typeof d.id !== 'string') continue;
        // The pack schema's default is 'strong'.
        map.set(d.id, d.strength === 'weak' ? 'weak' : 'strong');
      }
    } catch {
      // A broken pack is the pack loader's error to report; here it only means no strengths from it.
    }
  }
  return (id) => map.get(id);
}
