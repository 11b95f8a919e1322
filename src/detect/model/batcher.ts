// Micro-batching across concurrent callers: candidates submitted in the same turn of the event
// loop, or while a run is in flight, go to the model together (up to maxBatch per run). A caller
// whose deadline passes cancels its queued work so a backlog does not grow behind a slow model.
// Entries and runs carry start times so a caller can tell a slow model (a run older than its
// deadline) from a busy event loop (the answer is there but its callback had not run yet).
import type { EncodedCandidate } from './features.js';
import type { ModelSession } from './session.js';

interface Entry {
  items: readonly EncodedCandidate[];
  resolve(probs: Float32Array): void;
  reject(err: unknown): void;
  cancelled: boolean;
  /** performance.now() when the run holding this entry started; undefined while queued. */
  startedAt?: number;
}

export interface BatchHandle {
  /** N×3 probabilities for the submitted items, in order. */
  promise: Promise<Float32Array>;
  /** Drop the items if they have not started running yet. */
  cancel(): void;
  /** When the last of the submitted parts started running (performance.now()); undefined while any part is queued. */
  startedAt(): number | undefined;
}

export interface BatcherStats {
  batches: number;
  items: number;
  maxBatchSeen: number;
}

export class Batcher {
  private readonly queue: Entry[] = [];
  private inflight = 0;
  /** Start times of the runs in flight. */
  private readonly running = new Set<number>();
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
      startedAt: () => {
        let last = -Infinity;
        for (const p of parts) {
          if (p.startedAt === undefined) return undefined;
          last = Math.max(last, p.startedAt);
        }
        return last;
      },
    };
  }

  /** Start time of the oldest run still in flight (performance.now()), or undefined when idle. */
  oldestRunStart(): number | undefined {
    let oldest: number | undefined;
    for (const t of this.running) if (oldest === undefined || t < oldest) oldest = t;
    return oldest;
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
    const t0 = performance.now();
    // Two runs may start in the same millisecond tick; keep each start distinct in the set.
    let key = t0;
    while (this.running.has(key)) key += 1e-6;
    this.running.add(key);
    for (const e of batch) e.startedAt = t0;
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
      this.running.delete(key);
      // Start the next run at once (not on the next check phase): under load the loop's other
      // callbacks would otherwise leave the model idle while queued callers' deadlines run.
      if (this.queue.length > 0) this.flush();
    });
  }
}
