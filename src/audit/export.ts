// Portable JSONL export: one decision row a line, each the row's signed canonical object plus its
// "hash". The first line also carries the genesis row ("genesis"), and the row a checkpoint signs
// carries that checkpoint's note ("checkpoints"), so `audit verify` checks an export offline exactly
// as it checks the database. Extra keys are only ever those in EXPORT_ONLY_KEYS.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { LeakgateError } from '../errors.js';
import { SqliteStore, type RowFilter, type StoredRow } from './store.js';

/** The export line of a row: its canonical body with "hash" (and extras) spliced in, no re-serialising. */
export function exportLine(row: StoredRow, extras: { genesis?: string; checkpoints?: string[] } = {}): string {
  let head = `{"hash":"${row.hash.toString('hex')}",`;
  if (extras.genesis !== undefined) head += `"genesis":${extras.genesis},`;
  if (extras.checkpoints && extras.checkpoints.length) head += `"checkpoints":${JSON.stringify(extras.checkpoints)},`;
  return head + row.body.slice(1);
}

export interface ExportResult {
  rows: number;
  checkpoints: number;
}

async function write(out: NodeJS.WritableStream, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

/** Writes the whole log as JSONL to `out` (a path, or stdout when null). */
export async function exportAuditLog(db: string, outPath: string | null): Promise<ExportResult> {
  let store: SqliteStore;
  try {
    store = new SqliteStore(db, { readonly: true });
  } catch (err) {
    throw new LeakgateError('LG_ERR_USAGE', `${db}: cannot open audit database: ${(err as Error).message}`, { cause: err });
  }
  let file: WriteStream | null = null;
  try {
    const bySize = new Map<number, string[]>();
    let cps = 0;
    for (const c of store.checkpoints()) {
      const list = bySize.get(c.size) ?? [];
      list.push(c.note);
      bySize.set(c.size, list);
      cps++;
    }
    const out: NodeJS.WritableStream = outPath ? (file = createWriteStream(outPath, { encoding: 'utf8' })) : process.stdout;
    if (file) await once(file, 'open');
    let genesis: StoredRow | null = null;
    let rows = 0;
    for (const row of store.readRange()) {
      if (row.seq === 0) {
        genesis = row;
        continue;
      }
      const extras: { genesis?: string; checkpoints?: string[] } = {};
      if (genesis) {
        const gcps = bySize.get(1);
        extras.genesis = exportLine(genesis, gcps ? { checkpoints: gcps } : {});
        genesis = null;
      }
      const mine = bySize.get(row.seq + 1);
      if (mine) extras.checkpoints = mine;
      await write(out, exportLine(row, extras) + '\n');
      rows++;
    }
    if (file) {
      file.end();
      await once(file, 'finish');
    }
    return { rows, checkpoints: cps };
  } catch (err) {
    file?.destroy();
    if (err instanceof LeakgateError) throw err;
    throw new LeakgateError('LG_ERR_USAGE', `export failed: ${(err as Error).message}`, { cause: err });
  } finally {
    store.close();
  }
}
