// Which build of leakgate a benchmark drives. `dist` (the default) is the compiled JavaScript that
// `npm start` and `leakgate scan` run; `src` is the TypeScript through tsx, whose transform wraps
// every function in a name helper (keepNames) and so runs measurably slower than what users run.
// A stale dist/ would measure old code: refuse it with the command that fixes it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Build = 'src' | 'dist';

const root = fileURLToPath(new URL('../../', import.meta.url));

export function parseBuild(v: string | undefined): Build {
  const b = v ?? 'dist';
  if (b !== 'src' && b !== 'dist') throw new Error(`--build: expected 'dist' or 'src', got '${b}'`);
  return b;
}

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (e.name.endsWith(ext)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Throws when dist/ is missing or older than any file under src/. */
export function assertDistFresh(): void {
  let built = 0;
  try {
    built = newestMtime(join(root, 'dist'), '.js');
  } catch {
    built = 0;
  }
  if (built === 0) throw new Error('dist/ is missing: run `npm run build` (or pass --build src)');
  if (newestMtime(join(root, 'src'), '.ts') > built) throw new Error('dist/ is older than src/: run `npm run build` (or pass --build src)');
}

/** Imports src/<rel>.ts or dist/<rel>.js, e.g. load('detect/engine'). */
export async function load<T>(build: Build, rel: string): Promise<T> {
  if (build === 'dist') assertDistFresh();
  const file = build === 'dist' ? join(root, 'dist', `${rel}.js`) : join(root, 'src', `${rel}.ts`);
  return (await import(pathToFileURL(file).href)) as T;
}
