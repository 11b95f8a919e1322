// Rotation and retention: when a file grows past rotateBytes or its genesis is older than
// rotateSeconds, it is closed with a final checkpoint and renamed; the next file's genesis records
// the previous file's log id, size and head hash, so the files form one chain.
import { readdirSync, renameSync, rmSync, existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface RotationPolicy {
  rotateBytes: number | null;
  rotateSeconds: number | null;
  /** Keep at most this many rotated files (oldest removed first); null keeps all. */
  retainFiles: number | null;
}

export function shouldRotate(p: RotationPolicy, sizeBytes: () => number, genesisMs: number, nowMs: number): boolean {
  if (p.rotateSeconds !== null && nowMs - genesisMs >= p.rotateSeconds * 1000) return true;
  if (p.rotateBytes !== null && sizeBytes() >= p.rotateBytes) return true;
  return false;
}

function stamp(ms: number): string {
  // 20261123T191453123Z: sorts in time order, milliseconds included.
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

/** `audit.db` → `audit.20261123T191453123Z.<log id prefix>.db`; unique, and names sort in rotation order. */
export function rotatedName(db: string, logId: string, nowMs: number): string {
  const ext = extname(db);
  const stem = basename(db, ext);
  const last = rotatedFiles(db).at(-1);
  let ms = nowMs;
  // Two rotations in one millisecond (or a clock step back) must still sort in order.
  while (last !== undefined && join(dirname(db), `${stem}.${stamp(ms)}`) <= last.slice(0, last.length - ext.length - 9)) ms++;
  return join(dirname(db), `${stem}.${stamp(ms)}.${logId.slice(0, 8)}${ext}`);
}

/** Rotated files of `db`, oldest first. */
export function rotatedFiles(db: string): string[] {
  const ext = extname(db);
  const stem = basename(db, ext);
  const dir = dirname(db);
  const re = /^\d{8}T\d{9}Z\.[0-9a-f]{8}$/;
  return readdirSync(dir)
    .filter((f) => f.startsWith(stem + '.') && f.endsWith(ext) && re.test(f.slice(stem.length + 1, f.length - ext.length)))
    .sort()
    .map((f) => join(dir, f));
}

/** Moves a closed database (and any WAL/SHM left beside it) to its rotated name. */
export function moveAside(db: string, to: string): void {
  renameSync(db, to);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(db + suffix)) renameSync(db + suffix, to + suffix);
  }
}

export function applyRetention(db: string, retainFiles: number | null): string[] {
  if (retainFiles === null) return [];
  const files = rotatedFiles(db);
  const drop = files.slice(0, Math.max(0, files.length - retainFiles));
  for (const f of drop) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(f + suffix, { force: true });
  }
  return drop;
}
