// The files `leakgate scan` reads: explicit files as given, directories recursively in name order,
// skipping .git, node_modules and other VCS folders, binaries, files over 16 MiB and symbolic links
// met on the way down (git stores links, not their targets, and a link loop would never end), and
// honouring .gitignore files from the enclosing repository's root down, as git does.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface Source {
  /** Path as shown in reports ('-' for stdin). */
  path: string;
  text: string;
}

export interface WalkIssues {
  /** Paths that could not be read (exit 2: the scan is incomplete). */
  errors: string[];
  /** Paths skipped on purpose (reported on stderr, not an error). */
  skipped: string[];
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

function isBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8000);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

function readSource(abs: string, shown: string, issues: WalkIssues): Source | undefined {
  let buf: Buffer;
  try {
    if (statSync(abs).size > MAX_FILE_BYTES) {
      issues.skipped.push(`${shown}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
      return undefined;
    }
    buf = readFileSync(abs);
  } catch (err) {
    issues.errors.push(`${shown}: ${code(err)}`);
    return undefined;
  }
  if (isBinary(buf)) return undefined;
  return { path: shown, text: buf.toString('utf8') };
}

interface Rules {
  dir: string;
  ig: Ignore;
}

function gitignoreAt(dir: string): Rules | null {
  try {
    return { dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) };
  } catch {
    return null;
  }
}

/** .gitignore rules of the directories above `dir` up to its repository root (none outside a repository). */
function enclosingRules(dir: string): Rules[] {
  const chain: string[] = [];
  let d = dirname(dir);
  let prev = dir;
  let root: string | null = existsSync(join(dir, '.git')) ? dir : null;
  while (root === null && d !== prev) {
    chain.push(d);
    if (existsSync(join(d, '.git'))) root = d;
    prev = d;
    d = dirname(d);
  }
  if (root === null || root === dir) return [];
  return chain.reverse().map(gitignoreAt).filter((r): r is Rules => r !== null);
}

function ignored(rules: readonly Rules[], abs: string, isDir: boolean): boolean {
  // Later (deeper) files take precedence in git, and a deeper negation can re-include a path.
  let out = false;
  for (const r of rules) {
    const rel = relative(r.dir, abs).split(sep).join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    const t = r.ig.test(isDir ? `${rel}/` : rel);
    if (t.ignored) out = true;
    else if (t.unignored) out = false;
  }
  return out;
}

/** Sources under `root` (a file or a directory). */
export function* walk(root: string, issues: WalkIssues): Generator<Source> {
  let st;
  try {
    st = statSync(root);
  } catch (err) {
    issues.errors.push(`${root}: ${code(err)}`);
    return;
  }
  if (!st.isDirectory()) {
    // A file named on the command line is always scanned (as `git add -f` would take it).
    const src = readSource(root, root, issues);
    if (src) yield src;
    return;
  }
  const base = resolve(root);
  const rules = enclosingRules(base);
  function* dir(abs: string, shown: string): Generator<Source> {
    const own = gitignoreAt(abs);
    if (own) rules.push(own);
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch (err) {
      issues.errors.push(`${shown}: ${code(err)}`);
      names = [];
    }
    for (const name of names) {
      if (SKIP_DIRS.has(name)) continue;
      const p = join(abs, name);
      let s;
      try {
        s = lstatSync(p);
      } catch (err) {
        issues.errors.push(`${join(shown, name)}: ${code(err)}`);
        continue;
      }
      if (s.isSymbolicLink()) continue;
      const isDir = s.isDirectory();
      if (ignored(rules, p, isDir)) continue;
      const shownChild = join(shown, name);
      if (isDir) yield* dir(p, shownChild);
      else if (s.isFile()) {
        const src = readSource(p, shownChild, issues);
        if (src) yield src;
      }
    }
    if (own) rules.pop();
  }
  yield* dir(base, root);
}
