// Micro-batching across concurrent callers: candidates submitted in the same turn of the event
// loop, or while a run is in flight, go to the model together (up to maxBatch per run). A caller
// whose deadline passes cancels its queued work so a backlog does not grow behind a slow model.
import type { EncodedCandidate } from './features.js';
import type { ModelSession } from './session.js';

interface Entry {
  items: readonly EncodedCandidate[];
  resolve(probs: Float32Array): void;
  reject(err: unknown): void;
  cancelled: boolean;
}

export interface BatchHandle {
  /** N×3 probabilities for the submitted items, in order. */
  promise: Promise<Float32Array>;
  /** Drop the items if they have not started running yet. */
  cancel(): void;
}

export interface BatcherStats {
  batches: number;
  items: number;
  maxBatchSeen: number;
}

export class Batcher {
  private readonly queue: Entry[] = [];
  private inflight = 0;
  private scheduled = false;
  readonly stats: BatcherStats = { batches: 0, items: 0, maxBatchSeen: 0 };

  constructor(
    private readonly session: ModelSession,
    private readonly maxBatch: number,
    /** Runs allowed at once (onnxruntime runs them on its own threads). */
    private readonly maxInflight = 2,
  ) {}

  submit(items: readonly EncodedCandidate[]): BatchHandle {
    // A caller with more than maxBatch candidates is split into several entries.
    const parts: Entry[] = [];
    const promises: Promise<Float32Array>[] = [];
    for (let i = 0; i < items.length; i += this.maxBatch) {
      const slice = items.slice(i, i + this.maxBatch);
      promises.push(
        new Promise<Float32Array>((resolve, reject) => {
          const e: Entry = { items: slice, resolve, reject, cancelled: false };
          parts.push(e);
          this.queue.push(e);
        }),
      );
    }
    this.schedule();
    const promise =
      promises.length === 1
        ? promises[0]!
        : Promise.all(promises).then((rs) => {
            const out = new Float32Array(items.length * 3);
            let at = 0;
            for (const r of rs) {
              out.set(r, at);
              at += r.length;
            }
            return out;
          });
    return {
      promise,
      cancel: () => {
        for (const p of parts) p.cancelled = true;
      },
    };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate: every refine() started in this turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inflight < this.maxInflight) {
      const batch: Entry[] = [];
      let n = 0;
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.cancelled) {
          this.queue.shift();
          continue;
        }
        if (n > 0 && n + head.items.length > this.maxBatch) break;
        this.queue.shift();
        batch.push(head);
        n += head.items.length;
      }
      if (batch.length === 0) return;
      this.runBatch(batch, n);
    }
  }

  private runBatch(batch: Entry[], n: number): void {
    this.inflight++;
    this.stats.batches++;
    this.stats.items += n;
    if (n > this.stats.maxBatchSeen) this.stats.maxBatchSeen = n;
    const items = batch.length === 1 ? batch[0]!.items : batch.flatMap((e) => e.items);
    let run: Promise<Float32Array>;
    try {
      run = this.session.run(items);
    } catch (err) {
      run = Promise.reject(err);
    }
    run.then(
      (probs) => {
        let at = 0;
        for (const e of batch) {
          e.resolve(probs.subarray(at * 3, (at + e.items.length) * 3));
          at += e.items.length;
        }
      },
      (err: unknown) => {
        for (const e of batch) e.reject(err);
      },
    ).finally(() => {
      this.inflight--;
      if (this.queue.length > 0) this.schedule();
    });
  }
}
