// The classifier stage: createClassifier(config.model) loads the ONNX model once and returns a
// Classifier that refines the rules' findings. It never throws and never rejects: a load failure
// gives a degraded classifier that returns the rules' findings marked 'model:unavailable'; a
// timeout or a bad model output gives the rules' findings marked 'model:timeout' / 'model:error'.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/schema.js';
import type { Classifier, Finding, ScanContext } from '../types.js';
import { Batcher, type BatchHandle } from './batcher.js';
import { encodeCandidate, type EncodedCandidate, type StrengthLookup } from './features.js';
import { fallback, fuse, needsModel } from './fusion.js';
import { DEFAULT_THRESHOLDS, loadOnnxSession, type ModelSession } from './session.js';
import { strengthFromPacks } from './strength.js';

export type ModelConfig = Config['model'];

export interface ClassifierOptions {
  /** Root that a relative config.model.path resolves against (default: the package root). */
  rootDir?: string;
  /** Metadata JSON path (default: the model path with .json instead of .onnx). */
  metaPath?: string;
  /** Replace the ONNX loader (tests: stalled or malformed sessions). */
  loadSession?: (modelPath: string, metaPath: string, threads: number) => Promise<ModelSession>;
  /** Also score strong findings (class unchanged; adds 'model:<class>'), for `scan --disagreements`. */
  scoreAll?: boolean;
  /**
   * Detector strength by id. Default: read from the bundled filter-packs/ (pass strengthFromPacks(config.detect.packs)
   * when other packs are configured).
   */
  strengthOf?: StrengthLookup;
  /** Consecutive timeouts/errors after which status() reports degraded (until a success). Default 3. */
  degradeAfter?: number;
  /** Longest a call's candidates may queue behind other runs before it times out. Default 4 × deadlineMs. */
  maxQueueMs?: number;
}

export interface ClassifierStats {
  /** refine() calls. */
  calls: number;
  /** Findings seen. */
  findings: number;
  /** Findings the model scored. */
  scored: number;
  /** Findings left on the rules' decision without the model (strong structure). */
  skipped: number;
  /** Model runs (batches) and the items they held. */
  batches: number;
  batchedItems: number;
  /** Fallbacks, counted per refine() call. */
  timeouts: number;
  errors: number;
  unavailable: number;
  /** Fallbacks counted per finding. */
  fallbackFindings: number;
}

export interface LeakgateClassifier extends Classifier {
  stats(): ClassifierStats;
  close(): Promise<void>;
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function zeroStats(): ClassifierStats {
  return { calls: 0, findings: 0, scored: 0, skipped: 0, batches: 0, batchedItems: 0, timeouts: 0, errors: 0, unavailable: 0, fallbackFindings: 0 };
}

/** A classifier that only ever returns the rules' findings with one signal (disabled / unavailable). */
function passthrough(state: 'disabled' | 'degraded', detail: string | undefined): LeakgateClassifier {
  const stats = zeroStats();
  return {
    version: 'none',
    status: () => (detail === undefined ? { state } : { state, detail }),
    stats: () => ({ ...stats }),
    async refine(findings) {
      stats.calls++;
      stats.findings += findings.length;
      if (state === 'disabled') return findings;
      if (findings.length > 0) stats.unavailable++;
      stats.fallbackFindings += findings.length;
      return findings.map((f) => fallback(f, 'model:unavailable'));
    },
    close: async () => {},
  };
}

/**
 * Wait for a call's probabilities under the per-call deadline. The deadline bounds time spent on the
 * model, not event-loop lag caused by other work: under load a timer fires late, behind other
 * requests' synchronous rule scans, when the answer may already be waiting in the poll queue. So on
 * each timer a setImmediate first lets such answers land; the call then times out only when its own
 * run has gone on for deadlineMs, or it queues behind a run that has (a slow or stalled model), or it
 * has queued for maxQueueMs. Never rejects.
 */
export function awaitModel(handle: BatchHandle, batcher: Pick<Batcher, 'oldestRunStart'>, deadlineMs: number, maxQueueMs: number): Promise<Float32Array | 'timeout' | Error> {
  const submitted = performance.now();
  return new Promise((resolve) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (x: Float32Array | 'timeout' | Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(x);
    };
    handle.promise.then(finish, (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
    const check = (): void => {
      setImmediate(() => {
        if (done) return;
        const now = performance.now();
        const started = handle.startedAt();
        let wait: number;
        if (started !== undefined) wait = started + deadlineMs - now;
        else {
          const oldest = batcher.oldestRunStart();
          const runLeft = oldest === undefined ? deadlineMs : oldest + deadlineMs - now;
          wait = Math.min(runLeft, submitted + maxQueueMs - now);
        }
        if (wait <= 0) finish('timeout');
        else timer = setTimeout(check, Math.max(1, Math.ceil(wait)));
      });
    };
    timer = setTimeout(check, deadlineMs);
  });
}

export async function createClassifier(config: ModelConfig, opts: ClassifierOptions = {}): Promise<LeakgateClassifier> {
  if (!config.enabled) return passthrough('disabled', 'model.enabled is false');
  const root = opts.rootDir ?? PACKAGE_ROOT;
  const modelPath = isAbsolute(config.path) ? config.path : join(root, config.path);
  const metaPath = opts.metaPath ?? modelPath.replace(/\.onnx$/i, '') + '.json';
  let session: ModelSession;
  try {
    session = await (opts.loadSession ?? loadOnnxSession)(modelPath, metaPath, config.threads);
  } catch (err) {
    return passthrough('degraded', `model unavailable: ${(err as Error).message}`);
  }
  const thresholds = session.meta.thresholds ?? DEFAULT_THRESHOLDS;
  const strengthOf = opts.strengthOf ?? strengthFromPacks();
  const batcher = new Batcher(session, config.maxBatch);
  const stats = zeroStats();
  const degradeAfter = opts.degradeAfter ?? 3;
  const maxQueueMs = opts.maxQueueMs ?? 4 * config.deadlineMs;
  let failStreak = 0;
  let lastFailure = '';

  // Warm-up: the first run allocates onnxruntime's buffers; keep that out of request deadlines.
  try {
    const dummy = encodeCandidate({ value: 'warmup0000', start: 0, end: 10, type: 'generic-api-key', signals: [], class: 'genuine' }, 'warmup0000');
    await session.run([dummy]);
  } catch (err) {
    await session.close().catch(() => {});
    return passthrough('degraded', `model unavailable: warm-up failed: ${(err as Error).message}`);
  }

  async function refine(findings: Finding[], segments: ReadonlyMap<string, string>, ctx?: ScanContext): Promise<Finding[]> {
    stats.calls++;
    stats.findings += findings.length;
    const idx: number[] = [];
    const enc: EncodedCandidate[] = [];
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i]!;
      if (!opts.scoreAll && !needsModel(f, thresholds, strengthOf)) continue;
      const text = segments.get(f.path);
      try {
        enc.push(encodeCandidate(f, text ?? f.value, ctx, strengthOf));
        idx.push(i);
      } catch {
        // Defensive: an unencodable finding keeps the rules' class and is not scored.
      }
    }
    stats.skipped += findings.length - idx.length;
    if (idx.length === 0) return findings;

    const handle = batcher.submit(enc);
    const probs = await awaitModel(handle, batcher, config.deadlineMs, maxQueueMs);
    // A late result is dropped; keep its rejection from surfacing as unhandled.
    handle.promise.catch(() => {});

    const out = findings.slice();
    if (probs === 'timeout' || probs instanceof Error) {
      handle.cancel();
      const signal = probs === 'timeout' ? 'model:timeout' : 'model:error';
      if (probs === 'timeout') stats.timeouts++;
      else stats.errors++;
      stats.fallbackFindings += idx.length;
      failStreak++;
      lastFailure = probs === 'timeout' ? `inference exceeded ${config.deadlineMs} ms` : probs.message;
      for (const i of idx) out[i] = fallback(findings[i]!, signal);
      return out;
    }
    failStreak = 0;
    stats.scored += idx.length;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      out[i] = fuse(findings[i]!, probs.subarray(k * 3, k * 3 + 3), thresholds, strengthOf, enc[k]!.feats);
    }
    return out;
  }

  return {
    version: session.meta.version,
    refine,
    status() {
      if (failStreak >= degradeAfter) return { state: 'degraded', detail: `${failStreak} consecutive model failures; last: ${lastFailure}` };
      return { state: 'ready' };
    },
    stats() {
      return { ...stats, batches: batcher.stats.batches, batchedItems: batcher.stats.items };
    },
    close: () => session.close(),
  };
}

export { writeDisagreements } from './disagreements.js';
export { strengthFromPacks } from './strength.js';
