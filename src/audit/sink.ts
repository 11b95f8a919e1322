// External checkpoint sink: every signed checkpoint is also appended to a file (or POSTed to a URL)
// kept outside the log, so a later truncation or rewrite of the log contradicts a note held elsewhere.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export class CheckpointSink {
  readonly #target: string;
  readonly #isUrl: boolean;
  readonly #onError: (err: Error) => void;
  #pending: Promise<void> = Promise.resolve();

  constructor(target: string, onError: (err: Error) => void) {
    this.#target = target;
    this.#isUrl = /^https?:\/\//i.test(target);
    this.#onError = onError;
    if (!this.#isUrl) mkdirSync(dirname(target), { recursive: true });
  }

  /** Appends one note. File writes are synchronous (rare, small, ordered); URL posts are chained in order. */
  append(note: string): void {
    if (!this.#isUrl) {
      try {
        // Notes are separated by a blank line (a note ends with "\n").
        appendFileSync(this.#target, note + '\n', { mode: 0o644 });
      } catch (err) {
        this.#onError(new Error(`checkpoint sink ${this.#target}: ${(err as Error).message}`));
      }
      return;
    }
    const url = this.#target;
    this.#pending = this.#pending.then(async () => {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: note });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        await res.arrayBuffer();
      } catch (err) {
        this.#onError(new Error(`checkpoint sink ${url}: ${(err as Error).message}`));
      }
    });
  }

  /** Waits for queued URL posts. */
  drain(): Promise<void> {
    return this.#pending;
  }
}
