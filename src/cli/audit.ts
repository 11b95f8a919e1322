// `leakgate audit …`: verify, export, tail, query, keys. Exit codes: 0 ok / intact, 1 tampered,
// 2 usage or I/O error.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LeakgateError } from '../errors.js';
import { exportAuditLog } from '../audit/export.js';
import { rawPublicKey, readPublicKeyFromDir, resolveKeyDir, KEY_NAME, noteKeyHash } from '../audit/keys.js';
import { SqliteStore, type RowFilter, type StoredRow } from '../audit/store.js';
import { readCheckpointFile, verifyAuditFile, type VerifyReport } from '../audit/verify.js';

const USAGE = `usage: leakgate audit <command> [options]

commands:
  verify  --db FILE [--pubkey FILE] [--checkpoint FILE] [--key-dir DIR] [--strict] [--json]
          FILE may be the SQLite log or a JSONL export. Exit 0 intact, 1 tampered, 2 usage/IO error.
  export  --db FILE [--out FILE.jsonl]          JSONL, one decision row a line (stdout without --out)
  tail    --db FILE [-n N] [--follow] [--json]
  query   --db FILE [--since T] [--until T] [--action A] [--type T] [--tenant T]
          [--direction request|response|gateway] [--request-id ID] [--limit N] [--json]
          T: ISO-8601 time, or a duration ago such as 15m, 2h, 7d
  keys    [--db FILE | --key-dir DIR] [--json]  print the public key that signs checkpoints

--db defaults to $LEAKGATE_AUDIT_DB, else data/audit.db.
`;

function out(s: string): void {
  process.stdout.write(s);
}

function err(s: string): void {
  process.stderr.write(s);
}

function usage(msg: string): never {
  throw new LeakgateError('LG_ERR_USAGE', `${msg}\n\n${USAGE}`);
}

function dbPath(v: string | undefined): string {
  return v ?? process.env.LEAKGATE_AUDIT_DB ?? 'data/audit.db';
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function parse(argv: string[], options: OptionSpec): Parsed {
  try {
    const r = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    return usage((e as Error).message);
  }
}

/** ISO-8601 time or a duration ago (15m, 2h, 7d, 30s). */
export function parseTime(s: string, nowMs = Date.now()): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(s);
  if (m) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
    return nowMs - Number(m[1]) * unit;
  }
  const t = Date.parse(s);
  if (Number.isNaN(t)) usage(`not a time: ${s}`);
  return t;
}

interface RowJson {
  seq: number;
  time: string;
  request_id: string;
  route: string;
  tenant: string;
  direction: string;
  action: string;
  shadow: boolean;
  failure: { code: string; reason: string } | null;
  findings: { type: string; class: string; action: string; fingerprint: string; path: string; start: number; end: number }[];
}

function human(row: StoredRow): string {
  const r = JSON.parse(row.body) as RowJson;
  const f = r.findings.map((x) => `${x.type}(${x.class},${x.action}) fp=${x.fingerprint.slice(0, 12)} at ${x.path}[${x.start}:${x.end}]`);
  const fail = r.failure ? ` failure=${r.failure.code}` : '';
  return `#${r.seq} ${r.time} ${r.direction.padEnd(8)} ${r.action.padEnd(6)}${r.shadow ? ' (shadow)' : ''} route=${r.route} tenant=${r.tenant} id=${r.request_id}${fail}${f.length ? '\n    ' + f.join('\n    ') : ''}\n`;
}

function jsonLine(row: StoredRow): string {
  return `{"hash":"${row.hash.toString('hex')}",${row.body.slice(1)}\n`;
}

function openRead(db: string): SqliteStore {
  if (!existsSync(db)) throw new LeakgateError('LG_ERR_USAGE', `${db}: no such file`);
  try {
    return new SqliteStore(db, { readonly: true });
  } catch (e) {
    throw new LeakgateError('LG_ERR_USAGE', `${db}: cannot open audit database: ${(e as Error).message}`);
  }
}

function printReport(r: VerifyReport, json: boolean): void {
  if (json) {
    out(JSON.stringify(r) + '\n');
    return;
  }
  for (const w of r.warnings) err(`warning: ${w}\n`);
  if (r.ok) {
    out(
      `intact: ${r.rows} rows in log ${r.logId} (${r.source}); ${r.checkpoints} signed checkpoint(s)` +
        (r.externalCheckpoints ? ` + ${r.externalCheckpoints} external` : '') +
        `, signed through row ${r.signedThrough - 1}; key: ${r.keySource}; ${r.rowsPerSecond} rows/s\n`,
    );
    if (r.previous) out(`continues log ${r.previous.log_id} at size ${r.previous.size}, head ${r.previous.head}\n`);
  } else if (r.firstBad) {
    out(`TAMPERED: first bad row ${r.firstBad.row}: ${r.firstBad.kind}: ${r.firstBad.reason}\n`);
  }
}

async function verifyCmd(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    db: { type: 'string' }, pubkey: { type: 'string' }, checkpoint: { type: 'string' },
    'key-dir': { type: 'string' }, strict: { type: 'boolean' }, json: { type: 'boolean' },
  });
  const file = (values.db as string | undefined) ?? positionals[0] ?? dbPath(undefined);
  let publicKey: string | undefined;
  if (values.pubkey !== undefined) {
    try {
      publicKey = readFileSync(values.pubkey as string, 'utf8');
    } catch (e) {
      throw new LeakgateError('LG_ERR_USAGE', `${String(values.pubkey)}: cannot read public key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const checkpointText = values.checkpoint !== undefined ? readCheckpointFile(values.checkpoint as string) : undefined;
  let report: VerifyReport;
  try {
    report = await verifyAuditFile(file, {
      ...(publicKey !== undefined ? { publicKey } : {}),
      ...(checkpointText !== undefined ? { checkpointText } : {}),
      ...(values['key-dir'] !== undefined ? { keyDir: values['key-dir'] as string } : {}),
      strict: values.strict === true,
    });
  } catch (e) {
    if (e instanceof LeakgateError) throw e;
    throw new LeakgateError('LG_ERR_USAGE', `verify ${file}: ${(e as Error).message}`, { cause: e });
  }
  printReport(report, values.json === true);
  return report.ok ? 0 : 1;
}

async function exportCmd(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { db: { type: 'string' }, out: { type: 'string' } });
  const db = dbPath((values.db as string | undefined) ?? positionals[0]);
  if (!existsSync(db)) throw new LeakgateError('LG_ERR_USAGE', `${db}: no such file`);
  const r = await exportAuditLog(db, (values.out as string | undefined) ?? null);
  if (values.out !== undefined) err(`exported ${r.rows} rows and ${r.checkpoints} checkpoint(s) to ${String(values.out)}\n`);
  return 0;
}

function printRows(rows: Iterable<StoredRow>, json: boolean): number {
  let n = 0;
  for (const row of rows) {
    out(json ? jsonLine(row) : human(row));
    n++;
  }
  return n;
}

async function tailCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    db: { type: 'string' }, lines: { type: 'string', short: 'n' }, follow: { type: 'boolean', short: 'f' },
    json: { type: 'boolean' }, 'interval-ms': { type: 'string' },
  });
  const n = Number(values.lines ?? 20);
  if (!Number.isInteger(n) || n < 0) usage('-n takes a non-negative integer');
  const store = openRead(dbPath(values.db as string | undefined));
  const json = values.json === true;
  try {
    const last = [...store.readRange({ decisionsOnly: true, newestFirst: true, limit: n })].reverse();
    printRows(last, json);
    if (!values.follow) return 0;
    const interval = Number(values['interval-ms'] ?? 500);
    if (!Number.isFinite(interval) || interval <= 0) usage('--interval-ms takes a positive number');
    const stop = new AbortController();
    const onSig = (): void => stop.abort();
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
    try {
      await followRows(store, (store.head()?.seq ?? 0) + 1, interval, (row) => out(json ? jsonLine(row) : human(row)), stop.signal);
    } finally {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    }
    return 0;
  } finally {
    store.close();
  }
}

/** `tail --follow`: polls for decision rows from `fromSeq` on until `signal` aborts; returns the next seq. */
export async function followRows(store: SqliteStore, fromSeq: number, intervalMs: number, onRow: (row: StoredRow) => void, signal: AbortSignal): Promise<number> {
  let next = fromSeq;
  while (!signal.aborted) {
    await new Promise<void>((r) => {
      const t = setTimeout(r, intervalMs);
      signal.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true });
    });
    for (const row of store.readRange({ fromSeq: next, decisionsOnly: true })) {
      onRow(row);
      next = row.seq + 1;
    }
  }
  return next;
}

async function queryCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    db: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, action: { type: 'string' },
    type: { type: 'string' }, tenant: { type: 'string' }, direction: { type: 'string' }, 'request-id': { type: 'string' },
    limit: { type: 'string' }, json: { type: 'boolean' },
  });
  const f: RowFilter = { decisionsOnly: true };
  if (values.since !== undefined) f.sinceMs = parseTime(values.since as string);
  if (values.until !== undefined) f.untilMs = parseTime(values.until as string);
  if (values.action !== undefined) {
    if (!['allow', 'warn', 'redact', 'block'].includes(values.action as string)) usage('--action is one of allow, warn, redact, block');
    f.action = values.action as string;
  }
  if (values.direction !== undefined) {
    if (!['request', 'response'].includes(values.direction as string)) usage('--direction is request or response');
    f.direction = values.direction as string;
  }
  if (values.type !== undefined) f.type = values.type as string;
  if (values.tenant !== undefined) f.tenant = values.tenant as string;
  if (values['request-id'] !== undefined) f.requestId = values['request-id'] as string;
  if (values.limit !== undefined) {
    const l = Number(values.limit);
    if (!Number.isInteger(l) || l < 0) usage('--limit takes a non-negative integer');
    f.limit = l;
  }
  const store = openRead(dbPath(values.db as string | undefined));
  try {
    const n = printRows(store.readRange(f), values.json === true);
    if (values.json !== true) err(`${n} row(s)\n`);
    return 0;
  } finally {
    store.close();
  }
}

async function keysCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, { db: { type: 'string' }, 'key-dir': { type: 'string' }, json: { type: 'boolean' } });
  const dir = resolveKeyDir(dbPath(values.db as string | undefined), null, process.env, values['key-dir'] as string | undefined);
  const key = existsSync(dir) ? readPublicKeyFromDir(dir) : null;
  if (!key) throw new LeakgateError('LG_ERR_USAGE', `no audit key in ${dir} (keys are created when the gateway first opens the log)`);
  const raw = rawPublicKey(key);
  const pem = key.export({ format: 'pem', type: 'spki' }).toString();
  // Verifier key in the signed-note convention: <name>+<key hash hex>+<base64(0x01 || key)>.
  const vkey = `${KEY_NAME}+${noteKeyHash(KEY_NAME, raw).toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`;
  if (values.json === true) out(JSON.stringify({ keyDir: dir, algorithm: 'ed25519', publicKey: raw.toString('base64'), pem, vkey }) + '\n');
  else out(pem);
  return 0;
}

/** Runs `leakgate audit <argv…>` and returns the exit code. */
export async function auditCommand(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'verify': return await verifyCmd(rest);
      case 'export': return await exportCmd(rest);
      case 'tail': return await tailCmd(rest);
      case 'query': return await queryCmd(rest);
      case 'keys': return await keysCmd(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        return usage(`unknown audit command: ${cmd}`);
    }
  } catch (e) {
    if (e instanceof LeakgateError) {
      err(`leakgate audit: ${e.code}: ${e.message}\n`);
      return 2;
    }
    err(`leakgate audit: ${(e as Error).message}\n`);
    return 2;
  }
}
