// The audit log's write side: group commit onto the hash chain, signed checkpoints, rotation.
// record() enqueues; one flush per event-loop turn (setImmediate) writes every decision queued so
// far in a single transaction, so concurrent requests share one commit and the cost per decision
// stays in microseconds. A request's promise resolves only once its row is committed (in the WAL).
import { randomBytes } from 'node:crypto';
import { LeakgateError } from '../errors.js';
import { canonicalJson } from './canonical.js';
import { signCheckpoint } from './checkpoint.js';
import { makeFingerprinter, isFingerprint, type Fingerprinter } from './fingerprint.js';
import { rowHash, ZERO_HASH_HEX, type ChainHead } from './hash-chain.js';
import { KEY_NAME, type AuditKeys } from './keys.js';
import { applyRetention, moveAside, rotatedName, shouldRotate, type RotationPolicy } from './rotation.js';
import { decisionBody, decisionText, FORMAT_NAME, FORMAT_VERSION, type GenesisBody } from './rows.js';
import type { CheckpointSink } from './sink.js';
import type { AuditStore, StoredRow } from './store.js';
import type { AuditDecision, AuditLog } from './types.js';

export interface WriterSettings {
  file: string;
  openStore: (file: string) => AuditStore;
  keys: AuditKeys;
  fail: 'closed' | 'open';
  checkpointEveryRows: number;
  checkpointEverySeconds: number;
  rotation: RotationPolicy;
  sink: CheckpointSink | null;
  onError: (err: Error) => void;
  now: () => number;
}

interface Pending {
  body: ReturnType<typeof decisionBody>;
  timeMs: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class AuditWriter implements AuditLog {
  readonly #s: WriterSettings;
  readonly #fingerprint: Fingerprinter;
  #store: AuditStore;
  #logId = '';
  #genesisMs = 0;
  #head: ChainHead = { seq: -1, hash: Buffer.alloc(32) };
  #headHex = ZERO_HASH_HEX;
  #checkpointedSize = 0;
  #queue: Pending[] = [];
  #scheduled = false;
  #closed = false;
  #healthy = true;
  #timer: NodeJS.Timeout;
  /** Counters for metrics and the benchmark. */
  readonly stats = { rows: 0, batches: 0, checkpoints: 0, failures: 0, rotations: 0 };

  constructor(settings: WriterSettings) {
    this.#s = settings;
    this.#fingerprint = makeFingerprinter(settings.keys.fingerprintKey);
    this.#store = this.#openOrCreate(null);
    this.#recordUncleanShutdown();
    this.#timer = setInterval(() => this.#checkpointIfBehind(), settings.checkpointEverySeconds * 1000);
    this.#timer.unref();
  }

  /**
   * Rows past the last checkpoint on open mean the previous process ended without its shutdown
   * checkpoint (kill -9, power loss, OOM). The chain itself still verifies; this row makes the gap
   * visible to an auditor: which rows were never covered by a signature of the run that wrote them,
   * and that requests in flight then may have a request row and no response row.
   */
  #recordUncleanShutdown(): void {
    const unsealed = this.size - this.#checkpointedSize;
    if (this.size <= 1 || unsealed <= 0) return;
    const from = this.#checkpointedSize;
    const to = this.size - 1;
    void this.record({
      requestId: 'leakgate-restart',
      route: '-',
      upstream: '-',
      tenant: '-',
      direction: 'gateway',
      action: 'allow',
      shadow: false,
      failure: {
        code: 'LG_AUDIT_UNCLEAN_SHUTDOWN',
        reason: `the previous run ended without its shutdown checkpoint: rows ${from}..${to} (${unsealed}) were not signed by it; requests in flight then may lack a response row`,
      },
      rulesetHash: '-',
      modelVersion: '-',
      findings: [],
    }).catch((err: unknown) => this.#s.onError(err as Error));
  }

  get logId(): string {
    return this.#logId;
  }

  get file(): string {
    return this.#s.file;
  }

  /** Rows in the current file (genesis included). */
  get size(): number {
    return this.#head.seq + 1;
  }

  fingerprint(value: string): string {
    return this.#fingerprint(value);
  }

  healthy(): boolean {
    return this.#healthy && !this.#closed;
  }

  record(decision: AuditDecision): Promise<void> {
    if (this.#closed) return Promise.reject(new LeakgateError('LG_ERR_AUDIT_FAILED', 'audit log is closed'));
    for (const f of decision.findings) {
      // A raw value where a fingerprint belongs would be stored in clear: refuse it.
      if (!isFingerprint(f.fingerprint)) {
        return Promise.reject(new LeakgateError('LG_ERR_AUDIT_FAILED', `finding of type ${f.type}: fingerprint is not a hex HMAC-SHA256`));
      }
    }
    const timeMs = this.#s.now();
    const body = decisionBody(decision, timeMs);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ body, timeMs, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  /** Writes everything queued in one transaction. Runs once per event-loop turn while records arrive. */
  readonly #flush = (): void => {
    this.#scheduled = false;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    const rows: StoredRow[] = [];
    const accepted: Pending[] = [];
    let seq = this.#head.seq;
    let prevHex = this.#headHex;
    let hash = this.#head.hash;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as Pending;
      let text: string;
      try {
        text = decisionText(p.body, seq + 1, prevHex);
      } catch (err) {
        // A value canonical JSON cannot hold (NaN offset, …): this decision fails (fail mode decides), not the batch.
        const e = new LeakgateError('LG_ERR_AUDIT_FAILED', `decision could not be serialised: ${(err as Error).message}`, { cause: err });
        this.stats.failures++;
        if (this.#s.fail === 'open') {
          this.#s.onError(e);
          p.resolve();
        } else {
          p.reject(e);
        }
        continue;
      }
      seq++;
      hash = rowHash(text);
      prevHex = hash.toString('hex');
      rows.push({ seq, timeMs: p.timeMs, body: text, hash });
      accepted.push(p);
    }
    if (rows.length === 0) return;
    try {
      this.#store.appendBatch(rows);
    } catch (err) {
      this.#healthy = false;
      this.stats.failures++;
      const e = new LeakgateError('LG_ERR_AUDIT_FAILED', `audit log ${this.#s.file} could not be written: ${(err as Error).message}`, { cause: err });
      if (this.#s.fail === 'open') {
        // Fail open: the request goes on unaudited; the failure is reported, never silent.
        this.#s.onError(e);
        for (const p of accepted) p.resolve();
      } else {
        for (const p of accepted) p.reject(e);
      }
      return;
    }
    this.#head = { seq, hash };
    this.#headHex = prevHex;
    this.#healthy = true;
    this.stats.rows += rows.length;
    this.stats.batches++;
    for (const p of accepted) p.resolve();
    if (this.size - this.#checkpointedSize >= this.#s.checkpointEveryRows) this.#checkpoint();
    if (shouldRotate(this.#s.rotation, () => this.#store.sizeBytes(), this.#genesisMs, this.#s.now())) this.#rotate();
  };

  #checkpointIfBehind(): void {
    if (!this.#closed && this.size > this.#checkpointedSize) this.#checkpoint();
  }

  /** Signs (log id, size, head) and stores the note in the log and the external sink. */
  #checkpoint(): void {
    const k = this.#s.keys;
    const nowMs = this.#s.now();
    const cp = signCheckpoint(
      { logId: this.#logId, size: this.size, head: this.#head.hash, time: new Date(nowMs).toISOString() },
      k.signing,
      k.publicRaw,
    );
    try {
      this.#store.addCheckpoint({ size: cp.size, head: cp.head, timeMs: nowMs, note: cp.note });
    } catch (err) {
      // The rows are committed; a missing checkpoint only delays signature coverage.
      this.#s.onError(new LeakgateError('LG_ERR_AUDIT_FAILED', `audit checkpoint could not be stored: ${(err as Error).message}`, { cause: err }));
      return;
    }
    this.#checkpointedSize = cp.size;
    this.stats.checkpoints++;
    this.#s.sink?.append(cp.note);
  }

  /** Opens the file, writing a genesis row if it is new; a genesis naming another key starts a new file. */
  #openOrCreate(previous: GenesisBody['previous']): AuditStore {
    const store = this.#s.openStore(this.#s.file);
    const head = store.head();
    const k = this.#s.keys;
    if (head) {
      const g = store.rowAt(0);
      const genesis = g ? (JSON.parse(g.body) as GenesisBody) : null;
      if (!genesis || genesis.kind !== 'genesis') {
        store.close();
        throw new LeakgateError('LG_ERR_AUDIT_FAILED', `${this.#s.file}: audit log has no genesis row`);
      }
      this.#logId = genesis.log_id;
      this.#genesisMs = Date.parse(genesis.time);
      this.#head = { seq: head.seq, hash: head.hash };
      this.#headHex = head.hash.toString('hex');
      const cps = store.checkpoints();
      this.#checkpointedSize = cps.length ? (cps[cps.length - 1] as { size: number }).size : 0;
      if (genesis.public_key !== k.publicRaw.toString('base64')) {
        // Signed by a different key from now on: close this file and continue in a new one.
        // No final checkpoint: this key cannot sign for a log whose genesis names another.
        this.#store = store;
        this.#rotate(false);
        return this.#store;
      }
      return store;
    }
    const nowMs = this.#s.now();
    const logId = randomBytes(16).toString('hex');
    const genesis: GenesisBody = {
      v: FORMAT_VERSION, kind: 'genesis', format: FORMAT_NAME, time: new Date(nowMs).toISOString(), log_id: logId,
      public_key: k.publicRaw.toString('base64'), key_name: KEY_NAME, previous,
    };
    const prev = previous ? previous.head : ZERO_HASH_HEX;
    const text = canonicalJson({ ...genesis, seq: 0, prev });
    const hash = rowHash(text);
    store.appendBatch([{ seq: 0, timeMs: nowMs, body: text, hash }]);
    this.#logId = logId;
    this.#genesisMs = nowMs;
    this.#head = { seq: 0, hash };
    this.#headHex = hash.toString('hex');
    this.#checkpointedSize = 0;
    return store;
  }

  #rotate(finalCheckpoint = true): void {
    const old = { log_id: this.#logId, size: this.size, head: this.#headHex };
    if (finalCheckpoint && this.size > this.#checkpointedSize) this.#checkpoint();
    this.#store.close();
    moveAside(this.#s.file, rotatedName(this.#s.file, this.#logId, this.#s.now()));
    this.stats.rotations++;
    this.#store = this.#openOrCreate(old);
    try {
      applyRetention(this.#s.file, this.#s.rotation.retainFiles);
    } catch (err) {
      this.#s.onError(err as Error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Commit whatever is queued before the final checkpoint.
    if (this.#queue.length) this.#flush();
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.size > this.#checkpointedSize) this.#checkpoint();
    this.#store.close();
    await this.#s.sink?.drain();
  }
}
