// The hash chain: each row's hash is SHA-256 over its canonical bytes, and those bytes contain the
// previous row's hash ("prev"), so changing, removing or reordering any row breaks every later link.
import { hash } from 'node:crypto';

/** prev of the genesis row of a log that continues no earlier file. */
export const ZERO_HASH_HEX = '0'.repeat(64);

export function rowHash(canonical: string): Buffer {
  // crypto.hash (one-shot) costs about half of createHash().update().digest() on short rows.
  return hash('sha256', canonical, 'buffer');
}

/** The row hash as lowercase hex (the verifier compares hex text: no Buffer per row). */
export function rowHashHex(canonical: string | Buffer): string {
  return hash('sha256', canonical, 'hex');
}

export interface ChainHead {
  /** seq of the last row (the genesis row is seq 0). */
  seq: number;
  hash: Buffer;
}

/** Rows in a log whose head is `head` (the checkpoint "size"). */
export function sizeOf(head: ChainHead): number {
  return head.seq + 1;
}
