import { verifyAuditFile } from '../../src/audit/verify.js';
const r = await verifyAuditFile(process.argv[2]!);
console.log(r.ok, r.rows, r.rowsPerSecond);
