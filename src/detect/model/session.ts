// The ONNX session behind one narrow interface: load once, run a batch of encoded candidates,
// get validated probabilities back. Anything unexpected (missing file, wrong metadata, wrong
// output shape, NaN) is an error here, never a silently wrong class downstream.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
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
  /**
   * A weak finding the rules did *not* call genuine becomes genuine at p(genuine) ≥ this (an override of the
   * rules; picked on the validation split for override precision). Absent: `genuine`.
   */
  promoteGenuine?: number;
  /** A weak finding the rules called genuine stays genuine at p(genuine) ≥ this. Absent: `genuine`. */
  keepGenuine?: number;
  /**
   * When true, a weak rules-genuine finding is demoted only if the encoded features carry a cue for the
   * model's class (fusion.ts demotionCue): the model overrules the rules' genuine only with evidence the
   * rules' own features can see. Absent: false.
   */
  demoteNeedsCue?: boolean;
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
      ...(typeof t.promoteGenuine === 'number' && Number.isFinite(t.promoteGenuine) ? { promoteGenuine: t.promoteGenuine } : {}),
      ...(typeof t.keepGenuine === 'number' && Number.isFinite(t.keepGenuine) ? { keepGenuine: t.keepGenuine } : {}),
      ...(t.demoteNeedsCue === true ? { demoteNeedsCue: true } : {}),
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

export interface LoadOptions {
  /**
   * Run inference in a worker thread (default). onnxruntime-node's run() is synchronous on the
   * calling thread (deferred by a setImmediate), so in-thread inference blocks the event loop for the
   * whole batch and a per-call deadline would measure event-loop lag, not the model.
   */
  worker?: boolean;
}

/** Load the ONNX model and its metadata; throws ModelError on any problem. */
export async function loadOnnxSession(modelPath: string, metaPath: string, threads: number, opts: LoadOptions = {}): Promise<ModelSession> {
  let bytes: Buffer;
  try {
    bytes = await readFile(modelPath);
  } catch (err) {
    throw new ModelError(`model file ${modelPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const meta = await readMeta(metaPath, bytes);
  if (opts.worker !== false) return startWorkerSession(modelPath, bytes, meta, threads);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, sessionOptions(threads));
  } catch (err) {
    throw new ModelError(`onnxruntime could not load ${modelPath}: ${(err as Error).message}`);
  }
  const output = checkIo(session.inputNames, session.outputNames);

  return {
    meta,
    async run(batch) {
      const n = batch.length;
      const { value, context, feats } = pack(batch);
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

function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
}

function checkIo(inputs: readonly string[], outputs: readonly string[]): string {
  for (const name of ['value', 'context', 'feats']) {
    if (!inputs.includes(name)) throw new ModelError(`model has no input '${name}'`);
  }
  const output = outputs[0];
  if (output === undefined) throw new ModelError('model has no output');
  return output;
}

function pack(batch: readonly EncodedCandidate[]): { value: Int32Array; context: Int32Array; feats: Float32Array } {
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
  return { value, context, feats };
}

// The worker is plain CommonJS evaluated from a string, so it runs the same under tsx, vitest and
// the built dist/ (no .ts worker file to resolve); onnxruntime-node is required by absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const { VALUE_LEN, CONTEXT_LEN, NUM_FEATURES } = workerData;
ort.InferenceSession.create(new Uint8Array(workerData.model), workerData.options).then((session) => {
  parentPort.postMessage({ type: 'ready', inputs: session.inputNames, outputs: session.outputNames });
  const output = session.outputNames[0];
  parentPort.on('message', (m) => {
    if (m.type === 'close') {
      // Release the native session here, in its own thread, before the worker goes away.
      session.release().then(() => parentPort.postMessage({ type: 'closed' }), () => parentPort.postMessage({ type: 'closed' }));
      return;
    }
    session.run({
      value: new ort.Tensor('int32', m.value, [m.n, VALUE_LEN]),
      context: new ort.Tensor('int32', m.context, [m.n, CONTEXT_LEN]),
      feats: new ort.Tensor('float32', m.feats, [m.n, NUM_FEATURES]),
    }).then((out) => {
      const t = out[output];
      if (!t) return parentPort.postMessage({ id: m.id, error: 'model returned no output' });
      const data = t.data;
      parentPort.postMessage({ id: m.id, data, dims: Array.from(t.dims) }, data instanceof Float32Array ? [data.buffer] : []);
    }, (e) => parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) }));
  });
}, (e) => parentPort.postMessage({ type: 'fatal', error: String((e && e.message) || e) }));
`;

interface WorkerReply {
  type?: 'ready' | 'fatal' | 'closed';
  id?: number;
  inputs?: string[];
  outputs?: string[];
  data?: unknown;
  dims?: number[];
  error?: string;
}

async function startWorkerSession(modelPath: string, bytes: Buffer, meta: ModelMeta, threads: number): Promise<ModelSession> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const model = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { ortPath, model, options: sessionOptions(threads), VALUE_LEN, CONTEXT_LEN, NUM_FEATURES },
    transferList: [model as ArrayBuffer],
    // The worker only runs onnxruntime; it does not need the parent's loaders (tsx, vitest).
    execArgv: [],
  });
  // An idle classifier must not keep a CLI process alive; in-flight runs are tracked below.
  worker.unref();
  const pending = new Map<number, { n: number; resolve(p: Float32Array): void; reject(e: Error): void }>();
  let nextId = 1;
  let dead: Error | undefined;
  let closing: Promise<void> | undefined;
  const failAll = (err: Error): void => {
    dead ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  await new Promise<void>((resolve, reject) => {
    const onReady = (m: WorkerReply): void => {
      if (m.type === 'ready') {
        try {
          checkIo(m.inputs ?? [], m.outputs ?? []);
          resolve();
        } catch (err) {
          reject(err);
        }
      } else if (m.type === 'fatal') reject(new ModelError(`onnxruntime could not load ${modelPath}: ${m.error ?? ''}`));
    };
    worker.once('message', onReady);
    worker.once('error', (err) => reject(new ModelError(`model worker failed: ${err.message}`)));
    worker.once('exit', (code) => reject(new ModelError(`model worker exited (${code}) while loading`)));
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });

  worker.on('message', (m: WorkerReply) => {
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.error !== undefined) p.reject(new ModelError(m.error));
    else {
      try {
        p.resolve(checkProbs(m.data, m.dims ?? [], p.n));
      } catch (err) {
        p.reject(err as Error);
      }
    }
  });
  worker.on('error', (err) => failAll(new ModelError(`model worker failed: ${err.message}`)));
  worker.on('exit', (code) => failAll(new ModelError(`model worker exited (${code})`)));

  return {
    meta,
    run(batch) {
      if (dead) return Promise.reject(dead);
      const n = batch.length;
      const { value, context, feats } = pack(batch);
      const id = nextId++;
      return new Promise<Float32Array>((resolve, reject) => {
        pending.set(id, { n, resolve, reject });
        worker.ref();
        worker.postMessage({ id, n, value, context, feats }, [value.buffer as ArrayBuffer, context.buffer as ArrayBuffer, feats.buffer as ArrayBuffer]);
      });
    },
    async close() {
      if (closing) return closing;
      dead ??= new ModelError('model session closed');
      failAll(dead);
      closing = (async () => {
        worker.ref();
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          worker.on('message', (m: WorkerReply) => {
            if (m.type === 'closed') {
              clearTimeout(t);
              resolve();
            }
          });
          worker.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          worker.postMessage({ type: 'close' });
        });
        await worker.terminate();
      })();
      return closing;
    },
  };
}
