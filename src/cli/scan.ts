// `leakgate scan [--format text|json|jsonl|sarif] [--redact] [--min-class C] [--packs a,b] [--config FILE] PATH…|-`
// Scans files, directories (skipping .git, node_modules and binaries, honouring .gitignore) or stdin
// with the same engine the gateway uses. Exit 0: no genuine secret; 1: at least one; 2: error.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { loadConfig } from '../config/load.js';
import { createEngine } from '../detect/engine.js';
import type { Finding, SecretClass } from '../detect/types.js';
import { LeakgateError } from '../errors.js';

type Format = 'text' | 'json' | 'jsonl' | 'sarif';

interface ScanArgs {
  format: Format;
  redact: boolean;
  minClass: SecretClass;
  packs?: string[];
  config?: string;
  paths: string[];
}

const USAGE = 'usage: leakgate scan [--format text|json|jsonl|sarif] [--redact] [--min-class genuine|placeholder|benign] [--packs a,b] [--config FILE] PATH…|-';
const CLASS_RANK: Record<SecretClass, number> = { benign: 0, placeholder: 1, genuine: 2 };
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
const MAX_FILE_BYTES = 16 * 1024 * 1024;

function usage(msg: string): never {
  throw new LeakgateError('LG_ERR_USAGE', `${msg}\n${USAGE}`);
}

function parseArgs(argv: readonly string[]): ScanArgs {
  const a: ScanArgs = { format: 'text', redact: false, minClass: 'genuine', paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) usage(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json' && f !== 'jsonl' && f !== 'sarif') usage(`unknown format '${f}'`);
        a.format = f;
        break;
      }
      case '--redact':
        a.redact = true;
        break;
      case '--min-class': {
        const c = value();
        if (c !== 'genuine' && c !== 'placeholder' && c !== 'benign') usage(`unknown class '${c}'`);
        a.minClass = c;
        break;
      }
      case '--packs':
        a.packs = value().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--config':
        a.config = value();
        break;
      case '-h':
      case '--help':
        usage('help');
      // falls through (usage throws)
      default:
        if (arg !== '-' && arg.startsWith('-')) usage(`unknown option '${arg}'`);
        a.paths.push(arg);
    }
  }
  if (a.paths.length === 0) usage('no PATH given');
  return a;
}

function isBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8000);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

interface Source {
  path: string;
  text: string;
}

/** Files under `root` (a file or a directory), honouring .gitignore files on the way down. */
function* walk(root: string, errors: string[]): Generator<Source> {
  let st;
  try {
    st = statSync(root);
  } catch (err) {
    errors.push(`${root}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return;
  }
  if (!st.isDirectory()) {
    const src = readSource(root, errors);
    if (src) yield src;
    return;
  }
  const base = resolve(root);
  const rules: { dir: string; ig: Ignore }[] = [];
  function* dir(abs: string, shown: string): Generator<Source> {
    let gi: string | undefined;
    try {
      gi = readFileSync(join(abs, '.gitignore'), 'utf8');
    } catch {
      gi = undefined;
    }
    if (gi !== undefined) rules.push({ dir: abs, ig: ignore().add(gi) });
    const pushed = gi !== undefined;
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch (err) {
      errors.push(`${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      names = [];
    }
    for (const name of names) {
      if (SKIP_DIRS.has(name)) continue;
      const p = join(abs, name);
      let s;
      try {
        s = statSync(p);
      } catch {
        continue;
      }
      const isDir = s.isDirectory();
      const ignored = rules.some((r) => {
        const rel = relative(r.dir, p).split(sep).join('/');
        return rel !== '' && !rel.startsWith('..') && r.ig.ignores(isDir ? `${rel}/` : rel);
      });
      if (ignored) continue;
      const shownChild = join(shown, name);
      if (isDir) yield* dir(p, shownChild);
      else if (s.isFile()) {
        const src = readSource(p, errors, shownChild);
        if (src) yield src;
      }
    }
    if (pushed) rules.pop();
  }
  yield* dir(base, root);
}

function readSource(p: string, errors: string[], shown = p): Source | undefined {
  let buf: Buffer;
  try {
    const st = statSync(p);
    if (st.size > MAX_FILE_BYTES) return undefined;
    buf = readFileSync(p);
  } catch (err) {
    errors.push(`${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
  if (isBinary(buf)) return undefined;
  return { path: shown, text: buf.toString('utf8') };
}

function readStdin(): string {
  return readFileSync(0, 'utf8');
}

/** Partly masked value for human output: a few leading and trailing characters only. */
function mask(v: string): string {
  const oneLine = v.replace(/\r?\n|\\n/g, '⏎');
  if (oneLine.length <= 8) return '*'.repeat(oneLine.length);
  const keep = oneLine.length >= 24 ? 4 : 2;
  return `${oneLine.slice(0, keep)}${'*'.repeat(Math.min(16, oneLine.length - keep - 2))}${oneLine.slice(-2)}`;
}

function shownValue(f: Finding, redact: boolean): string {
  return redact ? `[REDACTED:${f.type}]` : f.value;
}

function jsonlRecord(f: Finding, redact: boolean): Record<string, unknown> {
  return {
    path: f.path,
    line: f.line,
    column: f.column,
    value: shownValue(f, redact),
    type: f.type,
    class: f.class,
    confidence: f.confidence,
    severity: f.severity,
    detector: f.detectors[0] ?? '',
  };
}

function endPosition(f: Finding): { line: number; column: number } {
  const lines = f.value.split('\n');
  return lines.length === 1 ? { line: f.line, column: f.column + f.value.length } : { line: f.line + lines.length - 1, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function sarif(findings: readonly Finding[], redact: boolean): unknown {
  const rules = new Map<string, Finding>();
  for (const f of findings) if (!rules.has(f.type)) rules.set(f.type, f);
  const level = (f: Finding): string => (f.class === 'genuine' ? (f.severity === 'low' ? 'warning' : 'error') : 'note');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'leakgate',
            informationUri: 'https://github.com/leakgate/leakgate',
            rules: [...rules.entries()].map(([type, f]) => ({
              id: type,
              name: type.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: `Secret of type ${type}` },
              defaultConfiguration: { level: f.severity === 'low' ? 'warning' : 'error' },
              properties: { tags: ['security', 'secrets'], 'security-severity': { low: '3.0', medium: '5.0', high: '8.0', critical: '9.5' }[f.severity] },
            })),
          },
        },
        results: findings.map((f) => {
          const end = endPosition(f);
          return {
            ruleId: f.type,
            level: level(f),
            message: { text: `${f.class} ${f.type} (${redact ? 'redacted' : mask(f.value)}), confidence ${f.confidence}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.path === '-' ? 'stdin' : f.path.split(sep).join('/') },
                  region: { startLine: f.line, startColumn: f.column, endLine: end.line, endColumn: end.column },
                },
              },
            ],
            properties: { class: f.class, confidence: f.confidence, severity: f.severity, detectors: f.detectors, signals: f.signals },
          };
        }),
      },
    ],
  };
}

function textReport(findings: readonly Finding[], redact: boolean, color: boolean): string {
  const c = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines = findings.map((f) => {
    const cls = f.class === 'genuine' ? c('31;1', f.class) : f.class === 'placeholder' ? c('33', f.class) : c('2', f.class);
    const v = redact ? `[REDACTED:${f.type}]` : mask(f.value);
    return `${c('1', `${f.path}:${f.line}:${f.column}`)}  ${cls}  ${f.type}  ${v}  ${c('2', `(${f.severity}, confidence ${f.confidence}, ${f.detectors.join('+')})`)}`;
  });
  const genuine = findings.filter((f) => f.class === 'genuine').length;
  lines.push(`${findings.length} finding(s), ${genuine} genuine`);
  return lines.join('\n') + '\n';
}

export async function scanCommand(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    const loaded = args.config ? loadConfig(args.config) : undefined;
    const engine = createEngine({ packPaths: loaded?.packPaths ?? [], maxDecodeDepth: loaded?.config.detect.maxDecodeDepth ?? 2 });
    const known = new Set(engine.packs.map((p) => p.name));
    for (const p of args.packs ?? []) if (!known.has(p)) usage(`unknown pack '${p}' (have: ${[...known].join(', ')})`);
    const errors: string[] = [];
    const findings: Finding[] = [];
    const includeBenign = args.minClass === 'benign';
    const scanOne = (src: Source): void => {
      const found = engine.scanRules([{ path: src.path, text: src.text }], { filePath: src.path === '-' ? undefined : src.path, includeBenign, packs: args.packs });
      for (const f of found) if (CLASS_RANK[f.class] >= CLASS_RANK[args.minClass]) findings.push(f);
    };
    let missing = 0;
    for (const p of args.paths) {
      if (p !== '-') {
        try {
          statSync(p);
        } catch (err) {
          errors.push(`${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          missing++;
          continue;
        }
      }
      if (p === '-') scanOne({ path: '-', text: readStdin() });
      else for (const src of walk(p, errors)) scanOne(src);
    }
    for (const e of errors) process.stderr.write(`leakgate scan: ${e}\n`);
    const out = process.stdout;
    switch (args.format) {
      case 'jsonl':
        for (const f of findings) out.write(JSON.stringify(jsonlRecord(f, args.redact)) + '\n');
        break;
      case 'json':
        out.write(
          JSON.stringify(
            {
              findings: findings.map((f) => ({ ...jsonlRecord(f, args.redact), end: { line: endPosition(f).line, column: endPosition(f).column }, detectors: f.detectors, pack: f.pack, entropy: f.entropy, signals: f.signals })),
              errors,
            },
            null,
            2,
          ) + '\n',
        );
        break;
      case 'sarif':
        out.write(JSON.stringify(sarif(findings, args.redact), null, 2) + '\n');
        break;
      default:
        out.write(textReport(findings, args.redact, Boolean(out.isTTY) && !process.env.NO_COLOR));
    }
    // A PATH given on the command line that cannot be read is an error (exit 2), not a clean result.
    if (missing > 0) return 2;
    return findings.some((f) => f.class === 'genuine') ? 1 : 0;
  } catch (err) {
    const msg = err instanceof LeakgateError ? `${err.code}: ${err.message}` : (err as Error).message;
    process.stderr.write(`leakgate scan: ${msg}\n`);
    return 2;
  }
}
