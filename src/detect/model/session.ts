// The ONNX session behind one narrow interface: load once, run a batch of encoded candidates,
// get validated probabilities back. Anything unexpected (missing file, wrong metadata, wrong
// output shape, NaN) is an error here, never a silently wrong class downstream.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { CONTEXT_LEN, FEATURE_VERSION, NUM_FEATURES, VALUE_LEN, type EncodedCandidate } from './features.js';

export const CLASSES = ['genuine', 'placeholder', 'benign'] as const;

/** Thresholds from the model metadata (models/leakgate-classifier.json). */
export interface Thresholds {
  /** p(genuine) at or above which a weak candidate is genuine. */
  genuine: number;
  placeholder: number;
  benign: number;
  /** When set, a strong (prefix/checksum) genuine is demoted to placeholder at p(placeholder) ≥ this. null: never. */
  strongDemotePlaceholder: number | null;
  /** Per-pack overrides of the above. */
  packs: Record<string, Partial<Omit<Thresholds, 'packs'>>>;
}

export interface ModelMeta {
  version: string;
  sha256: string;
  thresholds: Thresholds;
}

/** What the batcher needs from a model: run a batch, return N×3 probabilities (row-major). */
export interface ModelSession {
  readonly meta: ModelMeta;
  run(batch: readonly EncodedCandidate[]): Promise<Float32Array>;
  close(): Promise<void>;
}

export class ModelError extends Error {}

export const DEFAULT_THRESHOLDS: Thresholds = { genuine: 0.5, placeholder: 0.5, benign: 0.5, strongDemotePlaceholder: null, packs: {} };

interface MetaFile {
  version?: unknown;
  sha256?: unknown;
  features?: { version?: unknown; valueLen?: unknown; contextLen?: unknown; names?: unknown };
  thresholds?: Partial<Thresholds>;
}

function num(x: unknown, fallback: number): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : fallback;
}

/** Read and check the metadata next to the model: the feature contract must match this build. */
export async function readMeta(metaPath: string, modelBytes: Buffer): Promise<ModelMeta> {
  let raw: MetaFile;
  try {
    raw = JSON.parse(await readFile(metaPath, 'utf8')) as MetaFile;
  } catch (err) {
    throw new ModelError(`model metadata ${metaPath}: ${(err as Error).message}`);
  }
  const f = raw.features ?? {};
  if (f.version !== FEATURE_VERSION || f.valueLen !== VALUE_LEN || f.contextLen !== CONTEXT_LEN || !Array.isArray(f.names) || f.names.length !== NUM_FEATURES) {
    throw new ModelError(`model features v${String(f.version)} do not match this build (v${FEATURE_VERSION}); retrain with npm run train`);
  }
  const sha = createHash('sha256').update(modelBytes).digest('hex');
  if (typeof raw.sha256 === 'string' && raw.sha256 !== sha) throw new ModelError('model file sha256 does not match its metadata');
  const t = raw.thresholds ?? {};
  const sd = t.strongDemotePlaceholder;
  return {
    version: typeof raw.version === 'string' ? raw.version : `sha256-${sha.slice(0, 12)}`,
    sha256: sha,
    thresholds: {
      genuine: num(t.genuine, DEFAULT_THRESHOLDS.genuine),
      placeholder: num(t.placeholder, DEFAULT_THRESHOLDS.placeholder),
      benign: num(t.benign, DEFAULT_THRESHOLDS.benign),
      strongDemotePlaceholder: typeof sd === 'number' ? sd : null,
      packs: t.packs && typeof t.packs === 'object' ? t.packs : {},
    },
  };
}

/** Check an output tensor: N×3, finite, each row a distribution. */
export function checkProbs(data: unknown, dims: readonly number[], n: number): Float32Array {
  if (!(data instanceof Float32Array)) throw new ModelError('model output is not float32');
  if (dims.length !== 2 || dims[0] !== n || dims[1] !== CLASSES.length || data.length !== n * CLASSES.length) {
    throw new ModelError(`model output shape [${dims.join(',')}], expected [${n},${CLASSES.length}]`);
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < 3; k++) {
      const p = data[i * 3 + k]!;
      if (!Number.isFinite(p) || p < -1e-4 || p > 1 + 1e-4) throw new ModelError('model output is not a probability');
      s += p;
    }
    if (Math.abs(s - 1) > 1e-2) throw new ModelError('model output rows do not sum to 1');
  }
  return data;
}

/** Load the ONNX model and its metadata; throws ModelError on any problem. */
export async function loadOnnxSession(modelPath: string, metaPath: string, threads: number): Promise<ModelSession> {
  let bytes: Buffer;
  try {
    bytes = await readFile(modelPath);
  } catch (err) {
    throw new ModelError(`model file ${modelPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const meta = await readMeta(metaPath, bytes);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new ModelError(`onnxruntime could not load ${modelPath}: ${(err as Error).message}`);
  }
  for (const name of ['value', 'context', 'feats']) {
    if (!session.inputNames.includes(name)) throw new ModelError(`model has no input '${name}'`);
  }
  const output = session.outputNames[0];
  if (output === undefined) throw new ModelError('model has no output');

  return {
    meta,
    async run(batch) {
      const n = batch.length;
      const value = new Int32Array(n * VALUE_LEN);
      const context = new Int32Array(n * CONTEXT_LEN);
      const feats = new Float32Array(n * NUM_FEATURES);
      for (let i = 0; i < n; i++) {
        const c = batch[i]!;
        value.set(c.value, i * VALUE_LEN);
        context.set(c.context, i * CONTEXT_LEN);
        feats.set(c.feats, i * NUM_FEATURES);
      }
      const out = await session.run({
        value: new ort.Tensor('int32', value, [n, VALUE_LEN]),
        context: new ort.Tensor('int32', context, [n, CONTEXT_LEN]),
        feats: new ort.Tensor('float32', feats, [n, NUM_FEATURES]),
      });
      const t = out[output];
      if (t === undefined) throw new ModelError('model returned no output');
      return checkProbs(t.data, t.dims, n);
    },
    async close() {
      await session.release();
    },
  };
}
