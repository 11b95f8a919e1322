// Signed checkpoints in a plain-text signed-note format modelled on transparency-log checkpoints
// (C2SP tlog-checkpoint / signed-note):
//
//   leakgate-audit/<log id>\n      origin
//   <size>\n                       rows in the log (genesis included)
//   <base64 head hash>\n           hash of row size-1
//   time <ISO-8601 UTC>\n          extension line
//   \n
//   — <key name> <base64(4-byte key hash || 64-byte Ed25519 signature)>\n
//
// The signature covers the note body: every byte before the blank line, final newline included.
import { sign, verify, type KeyObject } from 'node:crypto';
import { KEY_NAME, noteKeyHash } from './keys.js';

export const ORIGIN_PREFIX = 'leakgate-audit/';
const EM_DASH = '\u2014';

export interface Checkpoint {
  logId: string;
  size: number;
  head: Buffer;
  time: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** The full note text (body, blank line, signature lines). */
  note: string;
}

export function checkpointBody(cp: Checkpoint): string {
  return `${ORIGIN_PREFIX}${cp.logId}\n${cp.size}\n${cp.head.toString('base64')}\ntime ${cp.time}\n`;
}

export function signCheckpoint(cp: Checkpoint, key: KeyObject, publicRaw: Buffer): SignedCheckpoint {
  const body = checkpointBody(cp);
  const sig = sign(null, Buffer.from(body, 'utf8'), key);
  const blob = Buffer.concat([noteKeyHash(KEY_NAME, publicRaw), sig]).toString('base64');
  return { ...cp, note: `${body}\n${EM_DASH} ${KEY_NAME} ${blob}\n` };
}

export interface ParsedNote {
  body: string;
  checkpoint: Checkpoint | null;
  /** Body problem (not a checkpoint of this format), when checkpoint is null. */
  error?: string;
  signatures: { name: string; keyHash: Buffer; sig: Buffer }[];
}

function parseBody(body: string): Checkpoint | string {
  const lines = body.split('\n');
  lines.pop(); // body ends with "\n"
  const [origin, sizeLine, headLine, ...ext] = lines;
  if (!origin?.startsWith(ORIGIN_PREFIX)) return 'origin line is not leakgate-audit/<log id>';
  if (!sizeLine || !/^[1-9][0-9]*$/.test(sizeLine)) return 'size line is not a positive decimal';
  const head = Buffer.from(headLine ?? '', 'base64');
  if (head.length !== 32 || head.toString('base64') !== headLine) return 'head line is not base64 of 32 bytes';
  const timeLine = ext.find((l) => l.startsWith('time '));
  return { logId: origin.slice(ORIGIN_PREFIX.length), size: Number(sizeLine), head, time: timeLine ? timeLine.slice(5) : '' };
}

/** Parses one or more concatenated notes (a checkpoint sink file holds many, separated by blank lines). */
export function parseNotes(text: string): ParsedNote[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const notes: ParsedNote[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i] === '') i++;
    if (i >= lines.length) break;
    const bodyLines: string[] = [];
    while (i < lines.length && lines[i] !== '') bodyLines.push(lines[i++] as string);
    i++; // the blank line
    const signatures: ParsedNote['signatures'] = [];
    while (i < lines.length && (lines[i] as string).startsWith(EM_DASH + ' ')) {
      const parts = (lines[i] as string).slice(2).split(' ');
      i++;
      if (parts.length !== 2) continue;
      const blob = Buffer.from(parts[1] as string, 'base64');
      if (blob.length !== 68) continue;
      signatures.push({ name: parts[0] as string, keyHash: blob.subarray(0, 4), sig: blob.subarray(4) });
    }
    const body = bodyLines.join('\n') + '\n';
    const parsed = parseBody(body);
    if (typeof parsed === 'string') notes.push({ body, checkpoint: null, error: parsed, signatures });
    else notes.push({ body, checkpoint: parsed, signatures });
  }
  return notes;
}

/** True when one of the note's signatures is a valid Ed25519 signature by `pub` (raw `publicRaw`). */
export function noteSignedBy(note: ParsedNote, pub: KeyObject, publicRaw: Buffer): boolean {
  const kh = noteKeyHash(KEY_NAME, publicRaw);
  const data = Buffer.from(note.body, 'utf8');
  for (const s of note.signatures) {
    if (s.name !== KEY_NAME || !s.keyHash.equals(kh)) continue;
    if (verify(null, data, pub, s.sig)) return true;
  }
  return false;
}
