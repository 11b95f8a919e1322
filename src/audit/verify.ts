// Offline verification of an audit log (SQLite file or JSONL export): recompute every row hash,
// follow the chain, check every signed checkpoint (stored in the log and kept externally), and name
// the first bad row and why. The algorithm is specified in docs/AUDIT-FORMAT.md.
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { KeyObject } from 'node:crypto';
import { LeakgateError } from '../errors.js';
import { canonicalJson, type CanonicalValue } from './canonical.js';
import { noteSignedBy, parseNotes, type ParsedNote } from './checkpoint.js';
import { rowHash, ZERO_HASH_HEX } from './hash-chain.js';
import { parsePublicKey, publicKeyFromRaw, rawPublicKey, readPublicKeyFromDir } from './keys.js';
import { EXPORT_ONLY_KEYS, FORMAT_NAME, type GenesisBody } from './rows.js';
import { SqliteStore } from './store.js';

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

/** Row-by-row chain checker shared by the SQLite and export paths. */
class ChainChecker {
  expected = 0;
  prevHex = '';
  genesis: GenesisBody | null = null;
  bad: BadRow | null = null;
  /** Rows below this seq may take the fast path (a stored checkpoint claims to sign them). */
  fastLimit = 0;
  readonly needed: Set<number>;
  readonly kept = new Map<number, Buffer>();
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
   * computed: SHA-256 of its canonical bytes; stored: the hash stored beside it.
   */
  row(pos: number, computed: Buffer, stored: Buffer, obj: Record<string, unknown>): void {
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
    if (!computed.equals(stored)) {
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
    this.prevHex = computed.toString('hex');
    if (this.needed.has(pos)) this.kept.set(pos, computed);
    this.expected = pos + 1;
  }

  /**
   * Fast path for a stored body: hash it and read "seq" and "prev" straight from the canonical text.
   * In canonical JSON a quote inside a string is always escaped, so `,"seq":` and `,"prev":"` can only
   * be keys, and no nested object of a decision row has those keys. Anything unusual (genesis,
   * a broken link, a pending classification) takes the full path with JSON.parse.
   */
  rowText(pos: number, body: string, stored: Buffer): void {
    const computed = rowHash(body);
    if (pos !== 0 && pos < this.fastLimit && pos === this.expected && this.#link === null && this.#mismatch === null && computed.equals(stored)) {
      const i = body.indexOf(',"seq":');
      const j = body.indexOf(',"prev":"');
      if (i > 0 && j > 0 && body.startsWith(String(pos), i + 7) && !isDigit(body.charCodeAt(i + 7 + String(pos).length)) &&
          body.startsWith(this.prevHex, j + 9) && body.charCodeAt(j + 73) === 34 && body.includes(',"kind":"decision",')) {
        this.prevHex = computed.toString('hex');
        if (this.needed.has(pos)) this.kept.set(pos, computed);
        this.expected = pos + 1;
        return;
      }
    }
    this.row(pos, computed, stored, parseObject(body));
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
    if (!h || !h.equals(cp.head)) {
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
    checker.fastLimit = Math.max(0, ...stored.map((n) => n.checkpoint?.size ?? 0));
    for (const [seq, hash, body, timeMs] of store.readChain()) {
      checker.rowText(seq, body, hash);
      if (!checker.wantsMore) break;
      // time_ms is an index column (time-range queries); it must agree with the signed "time".
      if (seq > 0 && checker.expected === seq + 1) {
        const k = body.indexOf(',"time":"');
        if (k < 0 || Date.parse(body.slice(k + 9, body.indexOf('"', k + 9))) !== timeMs) {
          checker.bad = { row: seq, kind: 'edited', reason: `row ${seq}: index column time_ms differs from the signed row` };
          break;
        }
      }
    }
    return finalize(report, checker, stored, external, file, opts, t0);
  } finally {
    store.close();
  }
}

async function verifyExport(file: string, opts: VerifyOptions, external: ParsedNote[]): Promise<VerifyReport> {
  const t0 = performance.now();
  const report = newReport(file, 'export');
  const stored: ParsedNote[] = [];
  // Checkpoints travel inside the export, so hashes at every row may be needed: keep those the
  // external notes need up front, and add each exported checkpoint's row as it is seen.
  const checker = new ChainChecker(external.map((n) => (n.checkpoint ? n.checkpoint.size - 1 : -1)));
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
    let computed: Buffer;
    try {
      computed = rowHash(canonicalJson(plain as CanonicalValue));
    } catch {
      computed = Buffer.alloc(32);
    }
    checker.row(pos, computed, Buffer.from(typeof hashHex === 'string' ? hashHex : '', 'hex'), plain);
  };
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let pos = 0;
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      checker.bad ??= { row: pos, kind: 'edited', reason: `line ${lineNo} is not valid JSON` };
      break;
    }
    if (pos === 0) {
      const g = obj.genesis;
      if (!g || typeof g !== 'object') {
        checker.bad = { row: 0, kind: 'deleted', reason: 'the export does not start with the genesis row' };
        break;
      }
      take(g as Record<string, unknown>, 0);
      pos = 1;
      if (!checker.wantsMore) break;
    }
    take(obj, pos++);
    if (!checker.wantsMore) break;
  }
  rl.close();
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
