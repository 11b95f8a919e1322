// Loads the YAML configuration, applies the documented environment overrides, validates once
// against ConfigSchema and freezes the result. Errors name the file, the key path and what was expected.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LeakgateError } from '../errors.js';
import { ConfigSchema, type Config } from './schema.js';

/** Package root (dist/config/load.js or src/config/load.ts → two levels up). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CONFIG_PATH = resolve(PACKAGE_ROOT, 'config', 'default.yaml');

export interface LoadedConfig {
  config: Readonly<Config>;
  /** Absolute path of the file it came from. */
  file: string;
  /** Pack files/dirs, resolved to absolute paths. */
  packPaths: string[];
}

type Env = Record<string, string | undefined>;

/** Formats zod issues as "file: key.path: message" lines. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => `${file}: ${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('\n');
}

function applyEnv(raw: Record<string, unknown>, env: Env): void {
  const obj = (key: string): Record<string, unknown> => {
    const v = raw[key];
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    const fresh: Record<string, unknown> = {};
    raw[key] = fresh;
    return fresh;
  };
  if (env.LEAKGATE_HOST) obj('server').host = env.LEAKGATE_HOST;
  if (env.LEAKGATE_PORT !== undefined && env.LEAKGATE_PORT !== '') {
    const port = Number(env.LEAKGATE_PORT);
    // Left for the schema to reject with a clear message when not an integer.
    obj('server').port = Number.isFinite(port) ? port : env.LEAKGATE_PORT;
  }
  for (const name of ['openai', 'anthropic', 'gemini'] as const) {
    const url = env[`LEAKGATE_UPSTREAM_${name.toUpperCase()}`];
    if (!url) continue;
    const ups = obj('upstreams');
    const current = ups[name];
    ups[name] = { ...(current && typeof current === 'object' ? current : { api: name }), url };
  }
  if (env.LEAKGATE_AUDIT_DB) obj('audit').db = env.LEAKGATE_AUDIT_DB;
  if (env.LEAKGATE_ACTION) obj('policy').genuine = env.LEAKGATE_ACTION;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Parses and validates configuration text; `file` is used for messages and relative paths. */
export function parseConfig(text: string, file: string, env: Env = process.env): LoadedConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new LeakgateError('LG_ERR_CONFIG_READ', `${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new LeakgateError('LG_ERR_CONFIG_INVALID', `${file}: (root): expected a mapping of settings`);
  }
  applyEnv(raw as Record<string, unknown>, env);
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LeakgateError('LG_ERR_CONFIG_INVALID', formatIssues(file, parsed.error.issues));
  }
  const dir = dirname(file);
  const packPaths = parsed.data.detect.packs.map((p) => (isAbsolute(p) ? p : resolve(dir, p)));
  if (packPaths.length === 0) packPaths.push(resolve(PACKAGE_ROOT, 'filter-packs'));
  return { config: deepFreeze(parsed.data), file, packPaths };
}

/** Reads the config file (the embedded default when none is given). */
export function loadConfig(file: string = DEFAULT_CONFIG_PATH, env: Env = process.env): LoadedConfig {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new LeakgateError('LG_ERR_CONFIG_READ', `${abs}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfig(text, abs, env);
}

/** Resolves a path from the config that is relative to the package root (model files). */
export function packagePath(p: string): string {
  return isAbsolute(p) ? p : resolve(PACKAGE_ROOT, p);
}
