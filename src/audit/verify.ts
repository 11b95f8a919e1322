// Offline verification of an audit log (SQLite file or JSONL export): recompute every row hash,
// follow the chain, check every signed checkpoint (stored in the log and kept externally), and name
// the first bad row and why. The algorithm is specified in docs/AUDIT-FORMAT.md.
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { LeakgateError } from '../errors.js';
import { canonicalJson, type CanonicalValue } from './canonical.js';
import { noteSignedBy, parseNotes, type ParsedNote } from './checkpoint.js';
import { rowHashHex, ZERO_HASH_HEX } from './hash-chain.js';
import { parsePublicKey, publicKeyFromRaw, rawPublicKey, readPublicKeyFromDir } from './keys.js';
import { EXPORT_ONLY_KEYS, FORMAT_NAME, type GenesisBody } from './rows.js';
import { SqliteStore, type ChainHexTuple } from './store.js';

export type TamperKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'bad-signature';

export interface BadRow {
  /** seq of the first bad row (0 = genesis). */
  row: number;
  kind: TamperKind;
  reason: string;
}

export interface VerifyOptions {
  /** Trusted public key (PEM, base64 or hex of raw bytes) or a KeyObject. */
  publicKey?: string | KeyObject;
  /** Key directory whose public key is trusted; default `<file>.keys` when it exists. */
  keyDir?: string;
  /** Externally kept checkpoint note(s) (text of a checkpoint file or sink). */
  checkpointText?: string;
  /** Fail when any row is not covered by a valid signed checkpoint. */
  strict?: boolean;
}

export interface VerifyReport {
  ok: boolean;
  file: string;
  source: 'sqlite' | 'export';
  logId: string | null;
  /** Rows in the log, genesis included. */
  rows: number;
  /** Valid signed checkpoints found in the log. */
  checkpoints: number;
  /** External checkpoints that applied to this log and were checked. */
  externalCheckpoints: number;
  /** Rows covered by the largest valid signed checkpoint. */
  signedThrough: number;
  /** Which key the signatures were checked against. */
  keySource: 'pubkey' | 'key-dir' | 'genesis';
  /** The file this one continues (rotation), as its genesis records it. */
  previous: GenesisBody['previous'];
  firstBad: BadRow | null;
  warnings: string[];
  elapsedMs: number;
  rowsPerSecond: number;
}

const LOOKAHEAD = 16;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True when `s` holds the decimal digits of `n` at `at`, followed by a non-digit (no String(n) per row). */
function decimalAt(s: string, at: number, n: number): boolean {
  let end = at;
  while (isDigit(s.charCodeAt(end))) end++;
  if (end === at || end - at > 16) return false;
  if (s.charCodeAt(at) === 48 && end - at > 1) return false; // no leading zeros in canonical integers
  let v = 0;
  for (let i = at; i < end; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v === n;
}

/** Digits at s[at], s[at+1] as a number, or -1. */
function two(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Milliseconds of the "time" value that starts at body[at] (just after `"time":"`), NaN if unreadable.
 * The writer's form `YYYY-MM-DDTHH:MM:SS.mmmZ` is read digit by digit with the day's epoch cached
 * (Date.parse per row costs more than hashing the row); any other form goes through Date.parse.
 */
class TimeReader {
  #day = '';
  #dayMs = NaN;

  read(body: string, at: number): number {
    const q = body.indexOf('"', at);
    if (q - at === 24 && body.charCodeAt(at + 10) === 84 /* T */ && body.charCodeAt(at + 13) === 58 && body.charCodeAt(at + 16) === 58 &&
        body.charCodeAt(at + 19) === 46 && body.charCodeAt(at + 23) === 90 /* Z */) {
      if (!body.startsWith(this.#day, at) || this.#day === '') {
        this.#day = body.slice(at, at + 10);
        this.#dayMs = Date.parse(`${this.#day}T00:00:00.000Z`);
      }
      const h = two(body, at + 11);
      const m = two(body, at + 14);
      const sec = two(body, at + 17);
      const ms1 = two(body, at + 20);
      const ms2 = body.charCodeAt(at + 22) - 48;
      if (h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60 && ms1 >= 0 && ms2 >= 0 && ms2 <= 9) {
        return this.#dayMs + h * 3_600_000 + m * 60_000 + sec * 1000 + ms1 * 10 + ms2;
      }
    }
    return q < 0 ? NaN : Date.parse(body.slice(at, q));
  }
}

/**
 * Row-by-row chain checker shared by the SQLite and export paths. Hashes are lowercase hex strings
 * throughout: the digest comes out as hex, SQLite hands the stored hash over as hex, and the next
 * row's "prev" is compared as text, so no Buffer is made per row.
 */
class ChainChecker {
  expected = 0;
  prevHex = '';
  genesis: GenesisBody | null = null;
  bad: BadRow | null = null;
  readonly needed: Set<number>;
  /** Hex hash of each row a checkpoint needs (size - 1). */
  readonly kept = new Map<number, string>();
  #mismatch: { row: number; offset: number; seen: number; mixed: boolean } | null = null;
  /** A row whose prev did not link: was the row before it altered, or is this row an intruder? */
  #link: { row: number; prevHex: string } | null = null;

  constructor(needed: Iterable<number>) {
    this.needed = new Set(needed);
  }

  /** False once a verdict is reached (stop feeding rows). */
  get wantsMore(): boolean {
    return this.bad === null || this.#link !== null || this.#mismatch !== null;
  }

  #fail(row: number, kind: TamperKind, reason: string): void {
    if (!this.bad) this.bad = { row, kind, reason };
  }

  /**
   * pos: where the row sits (SQLite seq column, or line order in an export);
   * computed: SHA-256 (hex) of its canonical bytes; stored: the hash (hex) stored beside it.
   */
  row(pos: number, computed: string, stored: string, obj: Record<string, unknown>): void {
    const claimed = obj.seq;
    if (this.#link) {
      // If this row links to the row before the unlinked one, the unlinked one was slipped in.
      const l = this.#link;
      this.#link = null;
      if (obj.prev === l.prevHex) this.#fail(l.row, 'inserted', `row ${l.row} was inserted: it does not link to row ${l.row - 1}, the row after it does`);
      else this.#fail(l.row - 1, 'edited', `row ${l.row - 1} was altered: row ${l.row} links to a different hash`);
      return;
    }
    if (this.#mismatch) {
      const m = this.#mismatch;
      if (typeof claimed !== 'number' || claimed - pos !== m.offset) m.mixed = true;
      if (++m.seen >= LOOKAHEAD || m.mixed) this.finish();
      return;
    }
    if (pos !== this.expected) {
      if (pos > this.expected) {
        this.#fail(this.expected, 'deleted', pos - this.expected === 1 ? `row ${this.expected} is missing` : `rows ${this.expected}..${pos - 1} are missing`);
      } else {
        this.#fail(pos, 'inserted', `row ${pos} appears twice`);
      }
      return;
    }
    if (computed !== stored) {
      this.#fail(pos, 'edited', `row ${pos}: content does not match its stored hash`);
      return;
    }
    if (claimed !== pos) {
      if (typeof claimed !== 'number') {
        this.#fail(pos, 'edited', `row ${pos}: no seq in its signed content`);
        return;
      }
      this.#mismatch = { row: pos, offset: claimed - pos, seen: 0, mixed: false };
      return;
    }
    const prev = obj.prev;
    if (pos === 0) {
      if (obj.kind !== 'genesis' || obj.format !== FORMAT_NAME || typeof obj.log_id !== 'string' || typeof obj.public_key !== 'string') {
        this.#fail(0, 'edited', 'row 0 is not a genesis row of format ' + FORMAT_NAME);
        return;
      }
      const previous = obj.previous as GenesisBody['previous'];
      const wantPrev = previous ? previous.head : ZERO_HASH_HEX;
      if (prev !== wantPrev) {
        this.#fail(0, 'edited', 'genesis prev does not match the previous log it names');
        return;
      }
      this.genesis = obj as unknown as GenesisBody;
    } else {
      if (prev !== this.prevHex) {
        this.#link = { row: pos, prevHex: this.prevHex };
        return;
      }
      if (obj.kind !== 'decision') {
        this.#fail(pos, 'inserted', `row ${pos}: a second genesis or an unknown row kind (${String(obj.kind)})`);
        return;
      }
    }
    this.#accept(pos, computed);
  }

  #accept(pos: number, computed: string): void {
    this.prevHex = computed;
    if (this.needed.has(pos)) this.kept.set(pos, computed);
    this.expected = pos + 1;
  }

  /**
   * Fast path for a decision row that a signed checkpoint claims to cover: its hash matched, and
   * "kind", "prev" and "seq" are read straight from the canonical text. Keys are sorted (kind < prev
   * < seq < time) and in canonical JSON a quote inside a string is always escaped, so `,"kind":"`,
   * `,"prev":"`, `,"seq":` can only be keys; no nested object of a decision row the writer makes has
   * those keys, and the signature over the chain proves the writer made it. Returns the offset just
   * after `,"time":"` when the row was accepted, or -1: the caller then takes the full path
   * (JSON.parse), which also names what is wrong.
   */
  fastRow(pos: number, body: string, computed: string, stored: string): number {
    if (pos === 0 || pos !== this.expected || this.#link !== null || this.#mismatch !== null || computed !== stored) return -1;
    const k = body.indexOf(',"kind":"decision",');
    if (k < 0) return -1;
    const j = body.indexOf(',"prev":"', k + 18);
    if (j < 0 || !body.startsWith(this.prevHex, j + 9) || body.charCodeAt(j + 73) !== 34) return -1;
    const i = body.indexOf(',"seq":', j + 74);
    if (i < 0 || !decimalAt(body, i + 7, pos)) return -1;
    const t = body.indexOf(',"time":"', i + 8);
    if (t < 0) return -1;
    this.#accept(pos, computed);
    return t + 9;
  }

  /** Ends a pending seq-mismatch classification (also called at end of input). */
  finish(): void {
    if (this.#link) {
      const l = this.#link;
      this.#link = null;
      this.#fail(l.row - 1, 'edited', `row ${l.row - 1} was altered (or the last row ${l.row} forged): row ${l.row} links to a different hash`);
    }
    const m = this.#mismatch;
    if (!m) return;
    this.#mismatch = null;
    if (m.mixed) {
      this.#fail(m.row, 'reordered', `row ${m.row} holds the signed content of row ${m.row + m.offset}: rows were moved`);
    } else if (m.offset > 0) {
      const last = m.row + m.offset - 1;
      this.#fail(m.row, 'deleted', m.offset === 1 ? `row ${m.row} was deleted and later rows renumbered` : `rows ${m.row}..${last} were deleted and later rows renumbered`);
    } else {
      const first = m.row + m.offset;
      this.#fail(first, 'inserted', `${-m.offset} row(s) inserted before row ${m.row} (which holds the signed content of row ${m.row + m.offset})`);
    }
  }
}

interface TrustedKey {
  key: KeyObject;
  raw: Buffer;
  source: VerifyReport['keySource'];
}

function checkCheckpoints(
  checker: ChainChecker,
  stored: ParsedNote[],
  external: ParsedNote[],
  trusted: TrustedKey,
  report: VerifyReport,
  strict: boolean,
): void {
  const g = checker.genesis;
  if (!g) return;
  const count = checker.expected;
  let lastGood = 0;
  const check = (note: ParsedNote, where: string): BadRow | null => {
    const cp = note.checkpoint;
    if (!cp) return { row: lastGood, kind: 'bad-signature', reason: `${where}: not a leakgate checkpoint (${note.error ?? 'unreadable'})` };
    if (!noteSignedBy(note, trusted.key, trusted.raw)) {
      return { row: Math.min(cp.size, count) - 1, kind: 'bad-signature', reason: `${where} (size ${cp.size}): signature does not verify with the ${trusted.source === 'genesis' ? "log's own" : 'trusted'} public key` };
    }
    if (cp.logId !== g.log_id) return { row: 0, kind: 'edited', reason: `${where}: signed for log ${cp.logId}, this log is ${g.log_id}` };
    if (cp.size > count) {
      return { row: count, kind: 'truncated', reason: `log has ${count} rows but ${where} signs ${cp.size}: rows ${count}..${cp.size - 1} were removed` };
    }
    const h = checker.kept.get(cp.size - 1);
    if (h === undefined || h !== cp.head.toString('hex')) {
      return { row: lastGood, kind: 'edited', reason: `rows after ${lastGood} were rewritten (hashes recomputed): ${where} signs a different head for size ${cp.size}` };
    }
    return null;
  };
  const storedSorted = stored.slice().sort((a, b) => (a.checkpoint?.size ?? 0) - (b.checkpoint?.size ?? 0));
  for (const note of storedSorted) {
    const bad = check(note, 'checkpoint in the log');
    if (bad) {
      report.firstBad = bad;
      return;
    }
    report.checkpoints++;
    lastGood = Math.max(lastGood, note.checkpoint?.size ?? 0);
  }
  const mine = external.filter((n) => n.checkpoint?.logId === g.log_id);
  if (external.length > 0 && mine.length === 0) {
    report.firstBad = { row: 0, kind: 'edited', reason: `no external checkpoint is for this log (${g.log_id}): the log was replaced` };
    return;
  }
  for (const note of mine.sort((a, b) => (a.checkpoint?.size ?? 0) - (b.checkpoint?.size ?? 0))) {
    const bad = check(note, 'external checkpoint');
    if (bad) {
      report.firstBad = bad;
      return;
    }
    report.externalCheckpoints++;
    lastGood = Math.max(lastGood, note.checkpoint?.size ?? 0);
  }
  report.signedThrough = lastGood;
  if (strict && lastGood < count) {
    report.firstBad = { row: lastGood, kind: 'bad-signature', reason: `rows ${lastGood}..${count - 1} are not covered by a signed checkpoint (--strict)` };
    return;
  }
  if (lastGood === 0) report.warnings.push('no signed checkpoint covers this log yet: only the hash chain was checked');
  else if (lastGood < count) report.warnings.push(`rows ${lastGood}..${count - 1} are not yet covered by a signed checkpoint (log still open, or not closed cleanly)`);
}

function resolveTrust(genesis: GenesisBody, file: string, opts: VerifyOptions, report: VerifyReport): TrustedKey | BadRow {
  let key: KeyObject | null = null;
  let source: TrustedKey['source'] = 'genesis';
  if (opts.publicKey) {
    key = typeof opts.publicKey === 'string' ? parsePublicKey(opts.publicKey) : opts.publicKey;
    source = 'pubkey';
  } else {
    const dir = opts.keyDir ?? `${file}.keys`;
    if (existsSync(dir)) {
      key = readPublicKeyFromDir(dir);
      if (key) source = 'key-dir';
    }
  }
  const genesisRaw = Buffer.from(genesis.public_key, 'base64');
  if (!key) {
    report.warnings.push("no trusted public key given: signatures were checked against the key the log names for itself (pass --pubkey)");
    key = publicKeyFromRaw(genesisRaw);
  }
  const raw = rawPublicKey(key);
  report.keySource = source;
  if (!raw.equals(genesisRaw)) {
    return { row: 0, kind: 'bad-signature', reason: 'the genesis row names a different public key than the trusted one' };
  }
  return { key, raw, source };
}

function isSqlite(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    closeSync(fd);
  }
}

function newReport(file: string, source: VerifyReport['source']): VerifyReport {
  return {
    ok: false, file, source, logId: null, rows: 0, checkpoints: 0, externalCheckpoints: 0, signedThrough: 0,
    keySource: 'genesis', previous: null, firstBad: null, warnings: [], elapsedMs: 0, rowsPerSecond: 0,
  };
}

function finalize(report: VerifyReport, checker: ChainChecker, stored: ParsedNote[], external: ParsedNote[], file: string, opts: VerifyOptions, t0: number): VerifyReport {
  checker.finish();
  report.rows = checker.expected;
  if (!checker.bad && !checker.genesis) checker.bad = { row: 0, kind: 'deleted', reason: 'the log has no genesis row' };
  if (checker.bad) {
    report.firstBad = checker.bad;
  } else if (checker.genesis) {
    const g = checker.genesis;
    report.logId = g.log_id;
    report.previous = g.previous ?? null;
    const trust = resolveTrust(g, file, opts, report);
    if ('row' in trust) report.firstBad = trust;
    else checkCheckpoints(checker, stored, external, trust, report, opts.strict === true);
  }
  report.ok = report.firstBad === null;
  report.elapsedMs = performance.now() - t0;
  report.rowsPerSecond = report.elapsedMs > 0 ? Math.round((report.rows / report.elapsedMs) * 1000) : 0;
  return report;
}

function parseObject(body: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function verifySqlite(file: string, opts: VerifyOptions, external: ParsedNote[]): VerifyReport {
  const t0 = performance.now();
  const report = newReport(file, 'sqlite');
  let store: SqliteStore;
  try {
    store = new SqliteStore(file, { readonly: true });
  } catch (err) {
    throw new LeakgateError('LG_ERR_USAGE', `${file}: cannot open audit database: ${(err as Error).message}`, { cause: err });
  }
  try {
    const storedCps = store.checkpoints();
    const stored = storedCps.map((c) => parseNotes(c.note)[0] ?? { body: '', checkpoint: null, error: 'empty note', signatures: [] });
    const needed = [...stored, ...external].map((n) => (n.checkpoint ? n.checkpoint.size - 1 : -1));
    const checker = new ChainChecker(needed);
    // Rows a stored checkpoint claims to sign take the fast path; the unsigned tail is parsed in full.
    let fastLimit = 0;
    for (const n of stored) fastLimit = Math.max(fastLimit, n.checkpoint?.size ?? 0);
    const times = new TimeReader();
    let from = Number.MIN_SAFE_INTEGER;
    scan: for (;;) {
      const chunk = store.readChainHex(from, CHUNK_ROWS);
      if (chunk.length === 0) break;
      for (let r = 0; r < chunk.length; r++) {
        const [seq, storedHex, raw, timeMs] = chunk[r] as ChainHexTuple;
        // A body stored as a BLOB is hashed as the bytes it holds.
        const body = typeof raw === 'string' ? raw : raw === null ? '' : Buffer.from(raw).toString('utf8');
        const computed = typeof raw === 'string' || raw === null ? rowHashHex(body) : rowHashHex(raw);
        let timeAt = seq < fastLimit ? checker.fastRow(seq, body, computed, storedHex) : -1;
        if (timeAt < 0) {
          checker.row(seq, computed, storedHex, parseObject(body));
          if (!checker.wantsMore) break scan;
          if (seq === 0 || checker.expected !== seq + 1) continue;
          const k = body.indexOf(',"time":"');
          timeAt = k < 0 ? -1 : k + 9;
        }
        // time_ms is an index column (time-range queries); it must agree with the signed "time".
        if (timeAt < 0 || times.read(body, timeAt) !== timeMs) {
          checker.bad = { row: seq, kind: 'edited', reason: `row ${seq}: index column time_ms differs from the signed row` };
          break scan;
        }
      }
      from = (chunk[chunk.length - 1] as ChainHexTuple)[0] + 1;
    }
    return finalize(report, checker, stored, external, file, opts, t0);
  } finally {
    store.close();
  }
}

/** Rows read from SQLite per statement run: all() on a chunk costs less per row than iterate(). */
const CHUNK_ROWS = 1024;
/** Export lines held while waiting for a checkpoint that claims them (fast path); beyond this they are parsed in full. */
const MAX_PENDING_LINES = 65_536;
const EXPORT_HEAD = '{"hash":"';

/**
 * Lines of a text file, read in large chunks (readline costs more per line than the hashing). Lines
 * are decoded one by one from the bytes: checkpoint notes hold a non-ASCII em dash, and decoding a
 * whole chunk at once would make every line a two-byte string (slower to split and to hash).
 */
async function* fileLines(file: string): AsyncGenerator<string[]> {
  let rest: Buffer | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    const lines: string[] = [];
    let at = 0;
    for (let nl = buf.indexOf(10, at); nl !== -1; nl = buf.indexOf(10, at)) {
      lines.push(buf.toString('utf8', at, nl));
      at = nl + 1;
    }
    rest = at < buf.length ? buf.subarray(at) : null;
    yield lines;
  }
  if (rest) yield [rest.toString('utf8')];
}

async function verifyExport(file: string, opts: VerifyOptions, external: ParsedNote[]): Promise<VerifyReport> {
  const t0 = performance.now();
  const report = newReport(file, 'export');
  const stored: ParsedNote[] = [];
  // Checkpoints travel inside the export, so hashes at every row may be needed: keep those the
  // external notes need up front, and add each exported checkpoint's row as it is seen.
  const checker = new ChainChecker(external.map((n) => (n.checkpoint ? n.checkpoint.size - 1 : -1)));
  // Rows below fastLimit are claimed by a checkpoint (external, or one already read from the export).
  let fastLimit = 0;
  for (const n of external) fastLimit = Math.max(fastLimit, n.checkpoint?.size ?? 0);
  const take = (obj: Record<string, unknown>, pos: number): void => {
    const hashHex = obj.hash;
    const cps = obj.checkpoints;
    const plain: Record<string, unknown> = { ...obj };
    for (const k of EXPORT_ONLY_KEYS) delete plain[k];
    if (Array.isArray(cps)) {
      for (const n of cps) {
        const parsed = parseNotes(String(n))[0];
        if (parsed) stored.push(parsed);
        checker.needed.add(pos);
      }
    }
    let computed: string;
    try {
      computed = rowHashHex(canonicalJson(plain as CanonicalValue));
    } catch {
      computed = '';
    }
    checker.row(pos, computed, typeof hashHex === 'string' ? hashHex.toLowerCase() : '-', plain);
  };
  /** Full path for one line; false when verification should stop. */
  const full = (line: string, lineNo: number, pos: number): boolean => {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      checker.bad ??= { row: pos, kind: 'edited', reason: `line ${lineNo} is not valid JSON` };
      return false;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) obj = {};
    if (pos === 0) {
      const g = obj.genesis;
      if (!g || typeof g !== 'object') {
        checker.bad = { row: 0, kind: 'deleted', reason: 'the export does not start with the genesis row' };
        return false;
      }
      take(g as Record<string, unknown>, 0);
      if (!checker.wantsMore) return false;
    }
    const cps = obj.checkpoints;
    if (Array.isArray(cps)) {
      for (const n of cps) fastLimit = Math.max(fastLimit, parseNotes(String(n))[0]?.checkpoint?.size ?? 0);
    }
    take(obj, pos === 0 ? 1 : pos);
    return checker.wantsMore;
  };
  /**
   * Fast path: a plain row line is `{"hash":"<64 hex>",` + the canonical body without its "{", so the
   * body's bytes are hashed as they are (no JSON.parse, no re-serialising). Anything else, or a line
   * whose bytes do not hash to the hash it names, takes the full path.
   */
  const fast = (line: string, lineNo: number, pos: number): boolean => {
    const body = '{' + line.slice(75);
    const timeAt = checker.fastRow(pos, body, rowHashHex(body), line.slice(9, 73));
    return timeAt >= 0 ? true : full(line, lineNo, pos);
  };
  let pending: { line: string; lineNo: number; pos: number }[] = [];
  const flush = (fastOk: boolean): boolean => {
    const list = pending;
    pending = [];
    for (const p of list) if (!(fastOk && p.pos < fastLimit ? fast(p.line, p.lineNo, p.pos) : full(p.line, p.lineNo, p.pos))) return false;
    return true;
  };
  let pos = 0;
  let lineNo = 0;
  read: for await (const lines of fileLines(file)) {
    for (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const plain = pos > 0 && line.startsWith(EXPORT_HEAD) && line.charCodeAt(73) === 34 && line.charCodeAt(74) === 44 &&
        !line.startsWith('"genesis":', 75) && !line.startsWith('"checkpoints":', 75);
      const row = pos === 0 ? 0 : pos;
      pos = pos === 0 ? 2 : pos + 1;
      if (plain && row < fastLimit && pending.length === 0) {
        if (!fast(line, lineNo, row)) break read;
        continue;
      }
      if (plain) {
        pending.push({ line, lineNo, pos: row });
        if (pending.length >= MAX_PENDING_LINES && !flush(false)) break read;
        continue;
      }
      // A line with checkpoints (or the genesis, or anything unusual): its notes may claim the pending rows.
      let claims = 0;
      if (line.includes('"checkpoints":')) {
        try {
          const cps = (JSON.parse(line) as { checkpoints?: unknown }).checkpoints;
          if (Array.isArray(cps)) for (const n of cps) claims = Math.max(claims, parseNotes(String(n))[0]?.checkpoint?.size ?? 0);
        } catch {
          // Reported by the full path below.
        }
      }
      fastLimit = Math.max(fastLimit, claims);
      if (!flush(true)) break read;
      if (!full(line, lineNo, row)) break read;
    }
  }
  if (checker.wantsMore) flush(false);
  if (lineNo === 0) throw new LeakgateError('LG_ERR_USAGE', `${file}: empty export: nothing to verify`);
  return finalize(report, checker, stored, external, file, opts, t0);
}

/** Verifies a SQLite audit database or a JSONL export of one. IO/usage problems throw LeakgateError. */
export async function verifyAuditFile(file: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  if (!existsSync(file)) throw new LeakgateError('LG_ERR_USAGE', `${file}: no such file`);
  const external = opts.checkpointText !== undefined ? parseNotes(opts.checkpointText) : [];
  if (opts.checkpointText !== undefined && external.length === 0) {
    throw new LeakgateError('LG_ERR_USAGE', 'the checkpoint file holds no checkpoint note');
  }
  return isSqlite(file) ? verifySqlite(file, opts, external) : verifyExport(file, opts, external);
}

/** Reads a checkpoint file for verifyAuditFile. */
export function readCheckpointFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new LeakgateError('LG_ERR_USAGE', `${path}: cannot read checkpoint file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
