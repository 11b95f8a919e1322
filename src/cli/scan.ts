// `leakgate scan [options] PATH…|-`: scans files, directories (see scan-walk.ts) or stdin with the
// engine the gateway builds: the configured packs, then the classifier (rules + model fusion; when
// the model is unavailable the rules decide and each finding's signals say 'model:unavailable').
// Exit 0: nothing fails the scan; 1: at least one finding does; 2: usage, configuration or I/O error.
//
// What fails the scan: without --config, any genuine finding (DESIGN.md). With --config, the file's
// policy decides: a finding fails when the action it gets is `redact` or `block` (per class, type
// and pack, as the gateway would decide it) and it is not in shadow mode; `warn` and `allow` report
// only.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeFingerprinter, type Fingerprinter } from '../audit/fingerprint.js';
import { loadConfig, packagePath, type LoadedConfig } from '../config/load.js';
import { createEngine } from '../detect/engine.js';
import { createClassifier, strengthFromPacks, writeDisagreements, type ClassifierOptions, type LeakgateClassifier, type ModelConfig } from '../detect/model/index.js';
import type { Finding, SecretClass } from '../detect/types.js';
import { LeakgateError } from '../errors.js';
import { compilePolicy, decideFinding, type ClassActions, type Scope } from '../policy/decide.js';
import { formatReport, type Format, type Reported } from './scan-report.js';
import { walk, type Source, type WalkIssues } from './scan-walk.js';

interface ScanArgs {
  format: Format;
  redact: boolean;
  minClass: SecretClass;
  packs?: string[];
  config?: string;
  noModel: boolean;
  disagreements?: string;
  deadlineMs?: number;
  paths: string[];
}

const CLASS_RANK: Record<SecretClass, number> = { benign: 0, placeholder: 1, genuine: 2 };
/** A CLI has no request to hold up: the gateway's per-request model deadline is too tight a budget here. */
const SCAN_MIN_DEADLINE_MS = 2000;
/** Files scanned at once: lets the classifier batch candidates across files. */
const CONCURRENCY = 8;

const USAGE = `usage: leakgate scan [options] PATH…|-

  --format text|json|jsonl|sarif   output (default text; text and sarif never show values)
  --redact                         json/jsonl: [REDACTED:<type>] instead of the value
  --min-class genuine|placeholder|benign
                                   report findings of this class and above (default genuine)
  --packs a,b                      only these filter packs (by name)
  --config FILE                    packs, model and policy from a leakgate config file; its policy
                                   decides which findings fail the scan (redact/block fail)
  --no-model                       rules only (no classifier)
  --model-deadline-ms N            time allowed per model call (default: the config's, at least ${SCAN_MIN_DEADLINE_MS})
  --disagreements FILE             write candidates where rules and model disagree (JSONL, no values)

Exit 0: nothing fails the scan; 1: a finding fails it; 2: usage, configuration or I/O error.`;

function usage(msg: string): never {
  throw new LeakgateError('LG_ERR_USAGE', `${msg}\n${USAGE}`);
}

function parseArgs(argv: readonly string[]): ScanArgs | 'help' {
  const a: ScanArgs = { format: 'text', redact: false, minClass: 'genuine', noModel: false, paths: [] };
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
      case '--no-model':
        a.noModel = true;
        break;
      case '--disagreements':
        a.disagreements = value();
        break;
      case '--model-deadline-ms': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n <= 0) usage('--model-deadline-ms takes a positive integer');
        a.deadlineMs = n;
        break;
      }
      case '-h':
      case '--help':
        return 'help';
      case '--':
        a.paths.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (arg !== '-' && arg.startsWith('-')) usage(`unknown option '${arg}'`);
        a.paths.push(arg);
    }
  }
  if (a.paths.length === 0) usage('no PATH given');
  if (a.disagreements !== undefined && a.noModel) usage('--disagreements needs the model (drop --no-model)');
  return a;
}

/** The key of the fingerprints shown: the audit log's (so scan and gateway findings correlate) when set, else per run. */
function fingerprinter(env: NodeJS.ProcessEnv): Fingerprinter {
  const hex = env.LEAKGATE_AUDIT_FINGERPRINT_KEY?.trim();
  if (hex) {
    const key = Buffer.from(hex, 'hex');
    if (key.length < 32 || key.toString('hex') !== hex.toLowerCase()) usage('LEAKGATE_AUDIT_FINGERPRINT_KEY must be at least 64 hex characters');
    return makeFingerprinter(key);
  }
  return makeFingerprinter(randomBytes(32));
}

/** Pack-file default actions (a pack's own `actions`), as the gateway's policy reads them. */
function packDefaults(packs: readonly { name: string; spec: { actions?: ClassActions } }[]): Map<string, ClassActions> {
  const out = new Map<string, ClassActions>();
  for (const p of packs) if (p.spec.actions) out.set(p.name, p.spec.actions);
  return out;
}

/** Injection points for tests (a deterministic classifier, captured output). */
export interface ScanDeps {
  createClassifier?: (config: ModelConfig, opts: ClassifierOptions) => Promise<LeakgateClassifier>;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream;
  readStdin?: () => string;
  env?: NodeJS.ProcessEnv;
}

export async function scanCommand(argv: string[], deps: ScanDeps = {}): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const errOut = deps.stderr ?? process.stderr;
  const env = deps.env ?? process.env;
  let classifier: LeakgateClassifier | undefined;
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      out.write(USAGE + '\n');
      return 0;
    }
    const loaded: LoadedConfig = args.config !== undefined ? loadConfig(args.config, env) : loadConfig(undefined, env);
    const { config } = loaded;
    const fingerprint = fingerprinter(env);
    const useModel = !args.noModel && config.model.enabled;
    if (args.disagreements !== undefined && !useModel) usage('--disagreements needs the model (model.enabled is false in the config)');
    if (useModel) {
      const deadlineMs = args.deadlineMs ?? Math.max(config.model.deadlineMs, SCAN_MIN_DEADLINE_MS);
      classifier = await (deps.createClassifier ?? createClassifier)(
        { ...config.model, deadlineMs },
        // Strength is read from the packs in force, so fusion treats a custom pack's detectors as that pack says.
        { rootDir: packagePath('.'), strengthOf: strengthFromPacks(loaded.packPaths), ...(args.disagreements !== undefined ? { scoreAll: true } : {}) },
      );
      const st = classifier.status();
      if (st.state !== 'ready') errOut.write(`leakgate scan: classifier ${st.state}${st.detail ? `: ${st.detail}` : ''}; rules decide (signal model:unavailable)\n`);
    }
    const engine = createEngine({
      packPaths: loaded.packPaths,
      maxDecodeDepth: config.detect.maxDecodeDepth,
      maxHoldback: config.policy.streamHoldbackChars,
      ...(classifier ? { classifier } : {}),
    });
    const known = new Set(engine.packs.map((p) => p.name));
    for (const p of args.packs ?? []) if (!known.has(p)) usage(`unknown pack '${p}' (have: ${[...known].join(', ')})`);
    if (args.disagreements !== undefined) {
      try {
        writeFileSync(args.disagreements, '', { mode: 0o600 });
      } catch (err) {
        throw new LeakgateError('LG_ERR_USAGE', `${args.disagreements}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    // The policy that decides failure (only with --config); route 'scan' matches no upstream override.
    const scope: Scope | null = args.config !== undefined ? compilePolicy(config, packDefaults(engine.packs)).scopeFor('scan', '') : null;
    const verdict = (f: Finding): { fails: boolean; action: string | null } => {
      if (!scope) return { fails: f.class === 'genuine', action: null };
      const d = decideFinding(f, scope);
      return { fails: !d.shadow && (d.action === 'redact' || d.action === 'block'), action: d.shadow ? `${d.action} (shadow)` : d.action };
    };

    const issues: WalkIssues = { errors: [], skipped: [] };
    function* sources(paths: readonly string[]): Generator<Source> {
      for (const p of paths) {
        if (p !== '-') {
          yield* walk(p, issues);
          continue;
        }
        try {
          yield { path: '-', text: (deps.readStdin ?? (() => readFileSync(0, 'utf8')))() };
        } catch (err) {
          issues.errors.push(`-: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
    }
    // Benign candidates are always asked for: the model may disagree about them, and --min-class filters after.
    const perFile: Finding[][] = [];
    const inflight = new Set<Promise<void>>();
    let n = 0;
    for (const src of sources(args.paths)) {
      const i = n++;
      const ctx = { ...(src.path !== '-' ? { filePath: src.path } : {}), includeBenign: true, ...(args.packs ? { packs: args.packs } : {}) };
      const p: Promise<void> = engine.scan([{ path: src.path, text: src.text }], ctx).then((fs) => {
        perFile[i] = fs;
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p)).catch(() => undefined);
      if (inflight.size >= CONCURRENCY) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    const all = perFile.flat();

    const reported: Reported[] = [];
    let failing = 0;
    for (const f of all) {
      const v = verdict(f);
      if (v.fails) failing++;
      // A failing finding is always shown, whatever --min-class says.
      if (!v.fails && CLASS_RANK[f.class] < CLASS_RANK[args.minClass]) continue;
      reported.push({ f, fingerprint: fingerprint(f.value), fails: v.fails, action: v.action });
    }
    if (args.disagreements !== undefined) {
      const k = env.LEAKGATE_AUDIT_FINGERPRINT_KEY?.trim();
      const written = await writeDisagreements(all, args.disagreements, k ? { key: Buffer.from(k, 'hex') } : {});
      errOut.write(`leakgate scan: ${written} disagreement(s) between rules and model written to ${args.disagreements}\n`);
    }
    for (const s of issues.skipped) errOut.write(`leakgate scan: skipped ${s}\n`);
    for (const e of issues.errors) errOut.write(`leakgate scan: ${e}\n`);
    out.write(formatReport(args.format, { findings: reported, redact: args.redact, errors: issues.errors, color: Boolean(out.isTTY) && !env.NO_COLOR }));
    // A path that cannot be read leaves the scan incomplete: an error, not a clean result.
    if (issues.errors.length > 0) return 2;
    return failing > 0 ? 1 : 0;
  } catch (err) {
    const msg = err instanceof LeakgateError ? `${err.code}: ${err.message}` : (err as Error).message;
    errOut.write(`leakgate scan: ${msg}\n`);
    return 2;
  } finally {
    await classifier?.close().catch(() => undefined);
  }
}
