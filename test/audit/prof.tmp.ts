import Database from 'better-sqlite3';
import { hash } from 'node:crypto';
const db = new Database(process.argv[2]!, { readonly: true });
const st = db.prepare('SELECT seq, hash, body FROM rows WHERE seq >= ? ORDER BY seq LIMIT 4096').raw(true);
for (let k = 0; k < 3; k++) {
let t = performance.now(); let n = 0;
const bodies: string[] = [];
let from = 0;
for (;;) { const rows = st.all(from) as unknown[][]; if (!rows.length) break; for (const r of rows) { n++; bodies.push(r[2] as string); } from = (rows[rows.length-1]![0] as number) + 1; }
console.log('all-chunks', n, (performance.now() - t).toFixed(1));
t = performance.now();
for (const b of bodies) JSON.parse(b);
console.log('parse', (performance.now() - t).toFixed(1));
t = performance.now();
for (const b of bodies) hash('sha256', b, 'buffer');
console.log('crypto.hash', (performance.now() - t).toFixed(1));
}
