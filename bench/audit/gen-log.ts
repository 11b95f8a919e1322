// A large, valid audit log for the verify benchmark, written straight to the store: the same row
// shapes (decisionBody), canonical form, hash chain and signed checkpoints (every 1 000 rows) as the
// writer makes, without the per-decision promise and event-loop hop (1M rows through record()
// would take most of a minute on the shared 2-core machine).
import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../../src/audit/canonical.js';
import { signCheckpoint } from '../../src/audit/checkpoint.js';
import { makeFingerprinter } from '../../src/audit/fingerprint.js';
import { rowHash, ZERO_HASH_HEX } from '../../src/audit/hash-chain.js';
import { KEY_NAME, loadKeys } from '../../src/audit/keys.js';
import { decisionBody, FORMAT_NAME, FORMAT_VERSION, type GenesisBody } from '../../src/audit/rows.js';
import { SqliteStore, type StoredRow } from '../../src/audit/store.js';
import type { AuditDecision } from '../../src/audit/types.js';

/** A decision shaped like real traffic: most allow with no finding, some redact with one or two. */
export function benchDecision(i: number, fingerprint: (v: string) => string): AuditDecision {
  const n = i % 10 === 0 ? 2 : i % 5 === 0 ? 1 : 0;
  return {
    requestId: `bench-${i}-${(i * 2654435761 >>> 0).toString(16)}`, route: 'openai', upstream: 'https://api.openai.com',
    tenant: `tenant-${i % 8}`, direction: i % 2 ? 'response' : 'request', action: n ? 'redact' : 'allow', shadow: false,
    rulesetHash: 'ab'.repeat(32), modelVersion: 'lgc-bench', findings: Array.from({ length: n }, (_, j) => ({
      type: 'github-pat', class: 'genuine' as const, confidence: 0.9731, entropy: 5.12, detectors: ['github-pat'],
      signals: ['keyword:token', 'model:genuine'], path: `messages[${j}].content`, start: 10, end: 50, action: 'redact' as const,
      fingerprint: fingerprint(`ghp_${i}_${j}_synthetic`),
    })),
  };
}

/** Writes a log of `rows` rows (genesis included) to `db`, keys in `<db>.keys`. */
export function generateLog(db: string, rows: number, checkpointEvery = 1000): void {
  const keys = loadKeys(`${db}.keys`);
  const fp = makeFingerprinter(keys.fingerprintKey);
  const store = new SqliteStore(db);
  const t0 = Date.now() - rows; // one row per millisecond, ending now
  const genesis: GenesisBody = {
    v: FORMAT_VERSION, kind: 'genesis', format: FORMAT_NAME, time: new Date(t0).toISOString(), log_id: randomBytes(16).toString('hex'),
    public_key: keys.publicRaw.toString('base64'), key_name: KEY_NAME, previous: null,
  };
  const gText = canonicalJson({ ...genesis, seq: 0, prev: ZERO_HASH_HEX });
  let hash = rowHash(gText);
  let prevHex = hash.toString('hex');
  let batch: StoredRow[] = [{ seq: 0, timeMs: t0, body: gText, hash }];
  for (let seq = 1; seq < rows; seq++) {
    const timeMs = t0 + seq;
    const text = canonicalJson({ ...decisionBody(benchDecision(seq, fp), timeMs), seq, prev: prevHex });
    hash = rowHash(text);
    prevHex = hash.toString('hex');
    batch.push({ seq, timeMs, body: text, hash });
    const size = seq + 1;
    if (size % checkpointEvery === 0 || size === rows) {
      store.appendBatch(batch);
      batch = [];
      const cp = signCheckpoint({ logId: genesis.log_id, size, head: hash, time: new Date(timeMs).toISOString() }, keys.signing, keys.publicRaw);
      store.addCheckpoint({ size, head: hash, timeMs, note: cp.note });
    }
  }
  if (batch.length) store.appendBatch(batch);
  store.close();
}
