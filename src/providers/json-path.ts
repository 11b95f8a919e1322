// Stable paths into JSON values ('messages[2].content[0].text', 'a["b.c"]') and copy-on-write rewrites.
// A segment's path always names a string value; rewriting replaces exactly those strings and keeps every
// other value, and every object's key order, as it was. Paths are parsed by a small scanner (no eval).
import type { Json } from './types.js';

export type PathStep = string | number;
type JsonObject = { [key: string]: Json };

// A fixed pattern, not user input: keys written bare after a dot.
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// Keys repeat across bodies ('messages', 'content', 'text'): their path suffix is computed once.
const KEY_SUFFIX = new Map<string, string>();
const KEY_SUFFIX_MAX = 4096;

function keySuffix(key: string): string {
  let suffix = KEY_SUFFIX.get(key);
  if (suffix === undefined) {
    suffix = IDENT.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    if (KEY_SUFFIX.size < KEY_SUFFIX_MAX) KEY_SUFFIX.set(key, suffix);
  }
  return suffix;
}

/** Appends one step to a path string. */
export function childPath(base: string, step: PathStep): string {
  if (typeof step === 'number') return `${base}[${step}]`;
  const suffix = keySuffix(step);
  return base === '' && suffix.charCodeAt(0) === 46 /* '.' */ ? step : base + suffix;
}

export function formatPath(steps: readonly PathStep[]): string {
  let out = '';
  for (const s of steps) out = childPath(out, s);
  return out;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Parses a path written by formatPath. Throws on anything else. */
export function parsePath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  const n = path.length;
  const fail = (why: string): never => {
    throw new Error(`json-path: bad path ${JSON.stringify(path)} at ${i}: ${why}`);
  };
  const ident = (): string => {
    const start = i;
    if (i >= n || !isIdentStart(path.charCodeAt(i))) fail('expected a key');
    while (i < n && isIdentPart(path.charCodeAt(i))) i++;
    return path.slice(start, i);
  };
  if (n > 0 && path[0] !== '[') steps.push(ident());
  while (i < n) {
    const c = path[i];
    if (c === '.') {
      i++;
      steps.push(ident());
    } else if (c === '[') {
      i++;
      if (path[i] === '"') {
        const start = i;
        i++;
        while (i < n && path[i] !== '"') i += path[i] === '\\' ? 2 : 1;
        if (i >= n) fail('unterminated key');
        i++;
        const key: unknown = JSON.parse(path.slice(start, i));
        if (typeof key !== 'string') fail('key is not a string');
        steps.push(key as string);
      } else {
        const start = i;
        while (i < n && path.charCodeAt(i) >= 48 && path.charCodeAt(i) <= 57) i++;
        if (i === start) fail('expected an index or a quoted key');
        steps.push(Number(path.slice(start, i)));
      }
      if (path[i] !== ']') fail("expected ']'");
      i++;
    } else {
      fail("expected '.' or '['");
    }
  }
  return steps;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stepInto(v: Json | undefined, step: PathStep): Json | undefined {
  if (typeof step === 'number') return Array.isArray(v) ? v[step] : undefined;
  return isObject(v) && Object.hasOwn(v, step) ? v[step] : undefined;
}

/** The value at `path`, or undefined when the path does not resolve. */
export function getAt(body: Json, path: string | readonly PathStep[]): Json | undefined {
  const steps = typeof path === 'string' ? parsePath(path) : path;
  let v: Json | undefined = body;
  for (const s of steps) {
    v = stepInto(v, s);
    if (v === undefined) return undefined;
  }
  return v;
}

interface Trie {
  text?: string;
  next?: Map<PathStep, Trie>;
}

// Sets own properties safely: a key named '__proto__' must stay a plain data property.
function setOwn(o: JsonObject, k: string, v: Json): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function rebuild(v: Json | undefined, node: Trie, at: string): Json {
  if (node.text !== undefined) {
    if (node.next) throw new Error(`json-path: rewrite at ${at} also has rewrites below it`);
    if (typeof v !== 'string') throw new Error(`json-path: rewrite target ${at} is not a string`);
    return node.text;
  }
  const next = node.next ?? new Map<PathStep, Trie>();
  if (Array.isArray(v)) {
    const out = v.slice();
    for (const [step, child] of next) {
      if (typeof step !== 'number' || step >= v.length) throw new Error(`json-path: ${childPath(at, step)} does not exist`);
      out[step] = rebuild(v[step], child, childPath(at, step));
    }
    return out;
  }
  if (isObject(v)) {
    for (const step of next.keys()) {
      if (typeof step !== 'string' || !Object.hasOwn(v, step)) throw new Error(`json-path: ${childPath(at, step)} does not exist`);
    }
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      const child = next.get(k);
      setOwn(out, k, child ? rebuild(v[k], child, childPath(at, k)) : (v[k] as Json));
    }
    return out;
  }
  throw new Error(`json-path: ${at || '(root)'} is not a container`);
}

/**
 * Returns a copy of `body` with the string at each path replaced. Only the containers along the rewritten
 * paths are copied; `body` itself is not modified. Throws when a path does not resolve to a string.
 */
export function applyRewrites(body: Json, rewrites: ReadonlyMap<string, string>): Json {
  if (rewrites.size === 0) return body;
  const root: Trie = {};
  for (const [path, text] of rewrites) {
    let node = root;
    for (const step of parsePath(path)) {
      node.next ??= new Map();
      let child = node.next.get(step);
      if (!child) {
        child = {};
        node.next.set(step, child);
      }
      node = child;
    }
    node.text = text;
  }
  return rebuild(body, root, '');
}

export interface CollectOptions {
  /** Leaves out a string field that is structure, not text (called only for string values). */
  skip?: (key: string, value: string, parent: JsonObject) => boolean;
  /** Leaves out `parent[key]` (and all below it) when an adapter has already taken it. */
  covered?: (parent: JsonObject | Json[], key: PathStep) => boolean;
}

/**
 * Appends every string value under `value` (at `base`) as a segment, depth first in key order.
 * Paths are built only for strings and containers, never for numbers, booleans or null.
 */
export function collectStrings(value: Json | undefined, base: string, out: { path: string; text: string }[], opts: CollectOptions = {}): void {
  walk(value, base, out, opts.skip, opts.covered);
}

function walk(
  value: Json | undefined,
  base: string,
  out: { path: string; text: string }[],
  skip: CollectOptions['skip'],
  covered: CollectOptions['covered'],
): void {
  if (typeof value === 'string') {
    out.push({ path: base, text: value });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child = value[i];
      if (typeof child === 'object' ? child === null : typeof child !== 'string') continue;
      if (covered !== undefined && covered(value, i)) continue;
      walk(child, `${base}[${i}]`, out, skip, covered);
    }
    return;
  }
  for (const k of Object.keys(value)) {
    const child = value[k];
    if (typeof child === 'string') {
      if (skip !== undefined && skip(k, child, value)) continue;
    } else if (typeof child !== 'object' || child === null) {
      continue;
    }
    if (covered !== undefined && covered(value, k)) continue;
    walk(child, childPath(base, k), out, skip, covered);
  }
}
