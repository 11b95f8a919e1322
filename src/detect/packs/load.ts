// Loads filter packs (YAML files or directories of them), validates each against PackSchema and
// compiles every pattern once through regex.ts. Every error is LG_ERR_PACK_INVALID naming
// "<file>: <key.path>: <reason>".
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PACKAGE_ROOT } from '../../config/load.js';
import { LeakgateError } from '../../errors.js';
import { compilePattern, PatternError, type CompiledPattern } from '../regex.js';
import { PackSchema, type DetectorSpec, type PackSpec } from './schema.js';

export const DEFAULT_PACK_DIR = resolve(PACKAGE_ROOT, 'filter-packs');

export interface CompiledDetector {
  readonly spec: DetectorSpec;
  readonly id: string;
  readonly type: string;
  readonly pack: string;
  readonly pattern: CompiledPattern;
  /** Generic key-name detectors lose overlaps to provider detectors. */
  readonly generic: boolean;
}

export interface CompiledEntropy {
  readonly pack: string;
  readonly charset: 'base64' | 'hex' | 'alnum';
  readonly threshold: number;
  readonly minLength: number;
  readonly maxLength: number;
}

export interface CompiledPack {
  readonly name: string;
  readonly file: string;
  readonly spec: PackSpec;
  readonly detectors: readonly CompiledDetector[];
  readonly entropy: readonly CompiledEntropy[];
  readonly allow: readonly CompiledPattern[];
  /** sha256 of the file bytes (feeds the ruleset hash). */
  readonly sha256: string;
}

function fail(file: string, path: string, reason: string): never {
  throw new LeakgateError('LG_ERR_PACK_INVALID', `${file}: ${path}: ${reason}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

/** Expand files and directories (non-recursive, *.yaml / *.yml, sorted) into pack files. */
export function listPackFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new LeakgateError('LG_ERR_PACK_INVALID', `${p}: (root): cannot read: ${(err as Error).message}`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (/\.ya?ml$/i.test(name)) out.push(join(p, name));
      }
    } else out.push(p);
  }
  return out;
}

/** Parse, validate and compile one pack file. */
export function loadPackFile(file: string): CompiledPack {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    fail(file, '(root)', `cannot read: ${(err as Error).message}`);
  }
  return compilePackText(raw, file);
}

/** Validate and compile pack YAML text; `file` names it in errors. */
export function compilePackText(raw: string, file: string): CompiledPack {
  let doc: unknown;
  try {
    doc = parseYaml(raw);
  } catch (err) {
    fail(file, '(root)', `YAML parse error: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = PackSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const msg = parsed.error.issues.map((i) => `${file}: ${formatPath(i.path)}: ${i.message}`).join('\n');
    throw new LeakgateError('LG_ERR_PACK_INVALID', first ? msg : `${file}: (root): invalid pack`);
  }
  const spec = parsed.data;
  const seen = new Set<string>();
  const detectors = spec.detectors.map((d, i): CompiledDetector => {
    if (seen.has(d.id)) fail(file, `detectors[${i}].id`, `duplicate detector id '${d.id}'`);
    seen.add(d.id);
    let pattern: CompiledPattern;
    try {
      pattern = compilePattern(d.pattern, { requireSecret: true });
    } catch (err) {
      if (err instanceof PatternError) fail(file, `detectors[${i}].pattern`, err.message);
      throw err;
    }
    return { spec: d, id: d.id, type: d.type ?? d.id, pack: spec.pack, pattern, generic: d.generic ?? false };
  });
  const allow = spec.allow.map((a, i) => {
    try {
      return compilePattern(a);
    } catch (err) {
      if (err instanceof PatternError) fail(file, `allow[${i}]`, err.message);
      throw err;
    }
  });
  const entropy = spec.entropy.map((e) => ({ pack: spec.pack, ...e }));
  return {
    name: spec.pack,
    file,
    spec,
    detectors,
    entropy,
    allow,
    sha256: createHash('sha256').update(raw).digest('hex'),
  };
}

/** Load every pack under `paths` (default: the bundled filter-packs/). Pack names and detector ids must be unique. */
export function loadPacks(paths: readonly string[] = [DEFAULT_PACK_DIR]): CompiledPack[] {
  const files = listPackFiles(paths.length ? paths : [DEFAULT_PACK_DIR]);
  const packs = files.map(loadPackFile);
  const names = new Map<string, string>();
  const ids = new Map<string, string>();
  for (const p of packs) {
    const other = names.get(p.name);
    if (other !== undefined) fail(p.file, 'pack', `duplicate pack name '${p.name}' (also in ${basename(other)})`);
    names.set(p.name, p.file);
    p.detectors.forEach((d, i) => {
      const o = ids.get(d.id);
      if (o !== undefined) fail(p.file, `detectors[${i}].id`, `detector id '${d.id}' already defined in ${basename(o)}`);
      ids.set(d.id, p.file);
    });
  }
  return packs;
}
