import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { noteSignedBy, parseNotes, signCheckpoint } from '../../src/audit/checkpoint.js';
import { rawPublicKey } from '../../src/audit/keys.js';

function keypair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, raw: rawPublicKey(publicKey) };
}

describe('signed checkpoint notes', () => {
  const head = Buffer.alloc(32, 7);
  const cp = { logId: 'abc123', size: 42, head, time: '2026-01-01T00:00:00.000Z' };

  it('formats the documented note and verifies with the signing key only', () => {
    const k = keypair();
    const other = keypair();
    const s = signCheckpoint(cp, k.privateKey, k.raw);
    const lines = s.note.split('\n');
    expect(lines.slice(0, 5)).toEqual(['leakgate-audit/abc123', '42', head.toString('base64'), 'time 2026-01-01T00:00:00.000Z', '']);
    expect(lines[5]).toMatch(/^\u2014 leakgate-audit [A-Za-z0-9+/]+=*$/);
    const [note] = parseNotes(s.note);
    expect(note?.checkpoint).toMatchObject({ logId: 'abc123', size: 42 });
    expect(note?.checkpoint?.head.equals(head)).toBe(true);
    expect(noteSignedBy(note!, k.publicKey, k.raw)).toBe(true);
    expect(noteSignedBy(note!, other.publicKey, other.raw)).toBe(false);
  });

  it('rejects a note whose body was changed after signing', () => {
    const k = keypair();
    const s = signCheckpoint(cp, k.privateKey, k.raw);
    const forged = s.note.replace('\n42\n', '\n41\n');
    const [note] = parseNotes(forged);
    expect(note?.checkpoint?.size).toBe(41);
    expect(noteSignedBy(note!, k.publicKey, k.raw)).toBe(false);
  });

  it('parses a sink file holding many notes', () => {
    const k = keypair();
    const text = [1, 2, 3].map((n) => signCheckpoint({ ...cp, size: n }, k.privateKey, k.raw).note + '\n').join('');
    const notes = parseNotes(text);
    expect(notes.map((n) => n.checkpoint?.size)).toEqual([1, 2, 3]);
    expect(notes.every((n) => noteSignedBy(n, k.publicKey, k.raw))).toBe(true);
  });
});
