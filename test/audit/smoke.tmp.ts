import { openAuditLog } from '../../src/audit/index.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { exportAuditLog } from '../../src/audit/export.js';
import { auditConfig, decision, fakeSecret, tempDir } from './helpers.js';
const { dir } = tempDir();
const log = openAuditLog(auditConfig({ db: `${dir}/a.db`, checkpointEveryRows: 1000 }));
const N = Number(process.argv[2] ?? 200000);
const t0 = performance.now();
const secrets = [fakeSecret(0), fakeSecret(1)];
let inflight: Promise<void>[] = [];
for (let i = 0; i < N; i++) {
  inflight.push(log.record(decision(log, i, i % 5 === 0 ? [secrets[i % 2]!] : [])));
  if (inflight.length >= 256) { await Promise.all(inflight); inflight = []; }
}
await Promise.all(inflight);
const t1 = performance.now();
console.log('record', N, (t1 - t0).toFixed(1), 'ms', ((t1 - t0) * 1000 / N).toFixed(2), 'us/row', log.stats);
await log.close();
for (let k = 0; k < 2; k++) {
const r = await verifyAuditFile(`${dir}/a.db`);
console.log(r.ok, r.rows, r.checkpoints, r.rowsPerSecond);
}
await exportAuditLog(`${dir}/a.db`, `${dir}/a.jsonl`);
const r2 = await verifyAuditFile(`${dir}/a.jsonl`);
console.log(r2.ok, r2.rows, r2.checkpoints, r2.rowsPerSecond);
console.log(dir);
