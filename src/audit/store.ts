// The only module that talks to SQLite. A narrow store interface (append a batch, read a range,
// head, checkpoints) so another backend (PostgreSQL) can join later without touching the writer
// or the verifier. Versioned schema, WAL, statements prepared once.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const SCHEMA_VERSION = 1;

/** One row as stored: the canonical body (what the hash covers) plus an index column for time queries. */
export interface StoredRow {
  seq: number;
  /** Index column for time-range queries; verify checks it against the body's "time". */
  timeMs: number;
  body: string;
  hash: Buffer;
}

export interface StoredCheckpoint {
  size: number;
  head: Buffer;
  timeMs: number;
  note: string;
}

export interface RowFilter {
  fromSeq?: number;
  toSeq?: number;
  sinceMs?: number;
  untilMs?: number;
  action?: string;
  type?: string;
  tenant?: string;
  direction?: string;
  requestId?: string;
  /** Only decision rows (skip the genesis row, seq 0). */
  decisionsOnly?: boolean;
  /** Newest first (for tail). */
  newestFirst?: boolean;
  limit?: number;
}

/** seq, hash, body, time_ms */
export type ChainTuple = [number, Buffer, string, number];
/**
 * seq, lowercase hex of the stored hash, body, time_ms: what the verifier reads. The hash comes as
 * hex text from SQLite (hex() costs less than a Buffer per row); body is a Buffer only if someone
 * stored it as a BLOB, null if someone nulled it.
 */
export type ChainHexTuple = [number, string, string | Buffer | null, number];

export interface AuditStore {
  readonly file: string;
  /** Last row (seq, hash), or null for a store with no rows yet. */
  head(): { seq: number; hash: Buffer } | null;
  /** Appends rows in one transaction; all or nothing. Throws on any write error. */
  appendBatch(rows: readonly StoredRow[]): void;
  /** Rows in seq order (or newest first), filtered. */
  readRange(filter?: RowFilter): IterableIterator<StoredRow>;
  /** Raw (seq, hash, body, time_ms) tuples in seq order for the verifier's fast path. */
  readChain(): IterableIterator<ChainTuple>;
  rowAt(seq: number): StoredRow | undefined;
  addCheckpoint(cp: StoredCheckpoint): void;
  checkpoints(): StoredCheckpoint[];
  /** Logical size of the log in bytes (what rotation by size compares). */
  sizeBytes(): number;
  close(): void;
}

export interface SqliteStoreOptions {
  synchronous?: 'NORMAL' | 'FULL';
  readonly?: boolean;
  /** How long a write waits for a lock held by another connection (ms). */
  busyTimeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rows (
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  hash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS rows_time ON rows(time_ms);
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, head BLOB NOT NULL, time_ms INTEGER NOT NULL, note TEXT NOT NULL);
`;

type RawRow = { seq: number; time_ms: number; body: string; hash: Buffer };

function fromRaw(r: RawRow): StoredRow {
  return { seq: r.seq, timeMs: r.time_ms, body: r.body, hash: r.hash };
}

export class SqliteStore implements AuditStore {
  readonly file: string;
  readonly #db: Database.Database;
  readonly #insertBatch: ((rows: readonly StoredRow[]) => void) | null;
  readonly #addCp: Database.Statement | null;
  readonly #head: Database.Statement;
  readonly #rowAt: Database.Statement;
  readonly #chain: Database.Statement;
  readonly #chainHex: Database.Statement;
  readonly #cps: Database.Statement;
  readonly #pageCount: Database.Statement;
  readonly #pageSize: number;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.file = file;
    if (opts.readonly) {
      this.#db = new Database(file, { readonly: true, fileMustExist: true });
    } else {
      if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
      this.#db = new Database(file);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma(`synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      const version = this.#db.pragma('user_version', { simple: true }) as number;
      if (version === 0) {
        this.#db.exec(SCHEMA);
        this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
      } else if (version > SCHEMA_VERSION) {
        this.#db.close();
        throw new Error(`${file}: audit schema version ${version} is newer than this leakgate (${SCHEMA_VERSION})`);
      }
    }
    this.#db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 2000))}`);
    // Readers (verify, export, query) scan the whole file: memory-mapped pages save a copy per page.
    if (opts.readonly) this.#db.pragma('mmap_size = 1073741824');
    if (opts.readonly) {
      this.#insertBatch = null;
      this.#addCp = null;
    } else {
      const ins = this.#db.prepare('INSERT INTO rows (seq, time_ms, body, hash) VALUES (?, ?, ?, ?)');
      this.#insertBatch = this.#db.transaction((rows: readonly StoredRow[]) => {
        for (const r of rows) ins.run(r.seq, r.timeMs, r.body, r.hash);
      });
      this.#addCp = this.#db.prepare('INSERT OR REPLACE INTO checkpoints (size, head, time_ms, note) VALUES (?, ?, ?, ?)');
    }
    this.#head = this.#db.prepare('SELECT seq, hash FROM rows ORDER BY seq DESC LIMIT 1');
    this.#rowAt = this.#db.prepare('SELECT seq, time_ms, body, hash FROM rows WHERE seq = ?');
    this.#chain = this.#db.prepare('SELECT seq, hash, body, time_ms FROM rows WHERE seq >= ? ORDER BY seq LIMIT 4096').raw(true);
    this.#chainHex = this.#db.prepare('SELECT seq, lower(hex(hash)), body, time_ms FROM rows WHERE seq >= ? ORDER BY seq LIMIT ?').raw(true);
    this.#cps = this.#db.prepare('SELECT size, head, time_ms, note FROM checkpoints ORDER BY size');
    this.#pageCount = this.#db.prepare('PRAGMA page_count').pluck(true);
    this.#pageSize = this.#db.pragma('page_size', { simple: true }) as number;
  }

  head(): { seq: number; hash: Buffer } | null {
    const r = this.#head.get() as { seq: number; hash: Buffer } | undefined;
    return r ? { seq: r.seq, hash: r.hash } : null;
  }

  appendBatch(rows: readonly StoredRow[]): void {
    if (!this.#insertBatch) throw new Error('audit store is read-only');
    this.#insertBatch(rows);
  }

  *readRange(f: RowFilter = {}): IterableIterator<StoredRow> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.fromSeq !== undefined) { where.push('seq >= ?'); args.push(f.fromSeq); }
    if (f.toSeq !== undefined) { where.push('seq <= ?'); args.push(f.toSeq); }
    if (f.sinceMs !== undefined) { where.push('time_ms >= ?'); args.push(f.sinceMs); }
    if (f.untilMs !== undefined) { where.push('time_ms <= ?'); args.push(f.untilMs); }
    // Filters read the signed body itself, so a query shows exactly what verification covers.
    if (f.action !== undefined) { where.push("json_extract(body, '$.action') = ?"); args.push(f.action); }
    if (f.tenant !== undefined) { where.push("json_extract(body, '$.tenant') = ?"); args.push(f.tenant); }
    if (f.direction !== undefined) { where.push("json_extract(body, '$.direction') = ?"); args.push(f.direction); }
    if (f.requestId !== undefined) { where.push("json_extract(body, '$.request_id') = ?"); args.push(f.requestId); }
    if (f.type !== undefined) {
      where.push("EXISTS (SELECT 1 FROM json_each(body, '$.findings') AS f WHERE json_extract(f.value, '$.type') = ?)");
      args.push(f.type);
    }
    if (f.decisionsOnly) where.push('seq > 0');
    let sql = 'SELECT seq, time_ms, body, hash FROM rows';
    if (where.length) sql += ' WHERE ' + where.join(' AND ');
    sql += f.newestFirst ? ' ORDER BY seq DESC' : ' ORDER BY seq';
    if (f.limit !== undefined) { sql += ' LIMIT ?'; args.push(f.limit); }
    // Ad-hoc queries (CLI only) are prepared per call; the hot path uses the prepared fields.
    for (const r of this.#db.prepare(sql).iterate(...args)) yield fromRaw(r as RawRow);
  }

  *readChain(): IterableIterator<ChainTuple> {
    // Chunks via all(): cheaper per row than iterate() on long scans.
    let from = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = this.#chain.all(from) as ChainTuple[];
      if (rows.length === 0) return;
      yield* rows;
      from = (rows[rows.length - 1] as ChainTuple)[0] + 1;
    }
  }

  /** Up to `limit` chain rows with seq >= fromSeq, in seq order (empty at the end); see ChainHexTuple. */
  readChainHex(fromSeq: number, limit: number): ChainHexTuple[] {
    return this.#chainHex.all(fromSeq, limit) as ChainHexTuple[];
  }

  rowAt(seq: number): StoredRow | undefined {
    const r = this.#rowAt.get(seq) as RawRow | undefined;
    return r ? fromRaw(r) : undefined;
  }

  addCheckpoint(cp: StoredCheckpoint): void {
    if (!this.#addCp) throw new Error('audit store is read-only');
    this.#addCp.run(cp.size, cp.head, cp.timeMs, cp.note);
  }

  checkpoints(): StoredCheckpoint[] {
    return (this.#cps.all() as { size: number; head: Buffer; time_ms: number; note: string }[]).map((r) => ({
      size: r.size, head: r.head, timeMs: r.time_ms, note: r.note,
    }));
  }

  sizeBytes(): number {
    // Logical size (pages in use, WAL included); the files themselves grow and shrink with WAL checkpoints.
    return (this.#pageCount.get() as number) * this.#pageSize;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
