// Real-code corpora for the detect benchmarks: files of the kinds leakgate scans, read in sorted
// order up to a byte budget, so every run (and every engine version) sees the same texts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusFile {
  path: string;
  text: string;
}

/** Files under `dir` (sorted walk) until `budget` bytes (UTF-8) are collected. */
export function collectCorpus(dir: string, budget: number): { files: CorpusFile[]; bytes: number } {
  const files: CorpusFile[] = [];
  let used = 0;
  const walk = (d: string): void => {
    if (used >= budget) return;
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      if (used >= budget) return;
      const p = join(d, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (/\.(py|js|mjs|cjs|ts|json|md|txt|cfg|toml|ya?ml)$/.test(n) && st.size < 2_000_000) {
        const text = readFileSync(p, 'utf8');
        files.push({ path: p, text });
        used += Buffer.byteLength(text);
      }
    }
  };
  walk(dir);
  return { files, bytes: used };
}
