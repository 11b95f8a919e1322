// Audit key material: an Ed25519 signing key (checkpoints) and an HMAC key (fingerprints). Generated
// on first start into a directory of 0600 files, or supplied by path/environment. The private keys
// never enter the log; only the public key does (genesis row), so an auditor needs nothing secret.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LeakgateError } from '../errors.js';

export const SIGNING_KEY_FILE = 'audit-signing.key';
export const PUBLIC_KEY_FILE = 'audit-signing.pub';
export const FINGERPRINT_KEY_FILE = 'audit-fingerprint.key';
/** Name under which checkpoints are signed (signed-note key name). */
export const KEY_NAME = 'leakgate-audit';

export interface AuditKeys {
  dir: string;
  signing: KeyObject;
  publicKey: KeyObject;
  /** 32 raw bytes of the Ed25519 public key. */
  publicRaw: Buffer;
  fingerprintKey: Buffer;
  /** Non-fatal observations (e.g. a key file readable by others). */
  warnings: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where the keys live: explicit option, LEAKGATE_AUDIT_KEY_DIR, config audit.keyDir, else `<db>.keys`. */
export function resolveKeyDir(db: string, configured: string | null | undefined, env: Env = process.env, explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (env.LEAKGATE_AUDIT_KEY_DIR) return resolve(env.LEAKGATE_AUDIT_KEY_DIR);
  if (configured) return resolve(configured);
  return resolve(`${db}.keys`);
}

export function rawPublicKey(pub: KeyObject): Buffer {
  const jwk = pub.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new LeakgateError('LG_ERR_CONFIG_INVALID', 'audit signing key is not an Ed25519 key');
  }
  return Buffer.from(jwk.x, 'base64url');
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key has 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** Parses a public key given as PEM (SPKI), base64 or hex of the 32 raw bytes. */
export function parsePublicKey(text: string): KeyObject {
  const t = text.trim();
  if (t.includes('-----BEGIN')) return createPublicKey(t);
  if (/^[0-9a-fA-F]{64}$/.test(t)) return publicKeyFromRaw(Buffer.from(t, 'hex'));
  const b = Buffer.from(t, 'base64');
  if (b.length === 32) return publicKeyFromRaw(b);
  throw new LeakgateError('LG_ERR_USAGE', 'public key must be PEM, or base64/hex of 32 raw Ed25519 bytes');
}

/** 4-byte key hash of the signed-note format: SHA-256(name || "\n" || 0x01 || raw key)[:4]. */
export function noteKeyHash(name: string, raw: Buffer): Buffer {
  return createHash('sha256').update(name + '\n').update(Buffer.from([0x01])).update(raw).digest().subarray(0, 4);
}

function writeSecretFile(path: string, data: string): void {
  try {
    // 'wx': never overwrite a key another process created a moment ago.
    writeFileSync(path, data, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

function checkMode(path: string, warnings: string[]): void {
  if (process.platform === 'win32') return;
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) warnings.push(`${path} is readable by others (mode ${mode.toString(8)}); expected 0600`);
}

function keyError(msg: string, cause?: unknown): LeakgateError {
  return new LeakgateError('LG_ERR_AUDIT_FAILED', msg, { cause });
}

/**
 * Loads the keys from `dir`, creating any that are missing (unless `create` is false).
 * LEAKGATE_AUDIT_FINGERPRINT_KEY (hex, ≥ 32 bytes) overrides the fingerprint key file, so replicas
 * can share one fingerprint key (correlation across replicas) while each signs with its own key.
 */
export function loadKeys(dir: string, opts: { create?: boolean; env?: Env } = {}): AuditKeys {
  const create = opts.create ?? true;
  const env = opts.env ?? process.env;
  const warnings: string[] = [];
  const signPath = join(dir, SIGNING_KEY_FILE);
  const pubPath = join(dir, PUBLIC_KEY_FILE);
  const fpPath = join(dir, FINGERPRINT_KEY_FILE);
  try {
    if (create) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!existsSync(signPath)) {
        const { privateKey } = generateKeyPairSync('ed25519');
        writeSecretFile(signPath, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
      }
      if (!env.LEAKGATE_AUDIT_FINGERPRINT_KEY && !existsSync(fpPath)) writeSecretFile(fpPath, randomBytes(32).toString('hex') + '\n');
    }
    if (!existsSync(signPath)) throw keyError(`no audit signing key at ${signPath}`);
    checkMode(signPath, warnings);
    const signing = createPrivateKey(readFileSync(signPath, 'utf8'));
    if (signing.asymmetricKeyType !== 'ed25519') throw keyError(`${signPath}: not an Ed25519 private key`);
    const publicKey = createPublicKey(signing);
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    if (create && (!existsSync(pubPath) || readFileSync(pubPath, 'utf8') !== pem)) {
      writeFileSync(pubPath, pem, { mode: 0o644 });
      chmodSync(pubPath, 0o644);
    }
    let fingerprintKey: Buffer;
    if (env.LEAKGATE_AUDIT_FINGERPRINT_KEY) {
      fingerprintKey = Buffer.from(env.LEAKGATE_AUDIT_FINGERPRINT_KEY.trim(), 'hex');
    } else if (existsSync(fpPath)) {
      checkMode(fpPath, warnings);
      fingerprintKey = Buffer.from(readFileSync(fpPath, 'utf8').trim(), 'hex');
    } else {
      throw keyError(`no audit fingerprint key at ${fpPath}`);
    }
    if (fingerprintKey.length < 32) throw keyError('audit fingerprint key must be at least 32 bytes of hex');
    return { dir, signing, publicKey, publicRaw: rawPublicKey(publicKey), fingerprintKey, warnings };
  } catch (err) {
    if (err instanceof LeakgateError) throw err;
    throw keyError(`audit keys in ${dir}: ${(err as Error).message}`, err);
  }
}

/** Reads only the public key of a key directory (for `audit keys` and verification). */
export function readPublicKeyFromDir(dir: string): KeyObject | null {
  const pubPath = join(dir, PUBLIC_KEY_FILE);
  if (existsSync(pubPath)) return parsePublicKey(readFileSync(pubPath, 'utf8'));
  const signPath = join(dir, SIGNING_KEY_FILE);
  if (existsSync(signPath)) return createPublicKey(createPrivateKey(readFileSync(signPath, 'utf8')));
  return null;
}
