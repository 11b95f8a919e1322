// The stdout logger's buffer is bounded: when nothing reads stdout fast enough (a stalled log
// shipper), the gateway drops log lines past log.maxBufferBytes and counts them, instead of
// growing its heap for as long as the load lasts. Runs in a child whose stdout pipe nobody reads.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOG = fileURLToPath(new URL('../../src/proxy/log.ts', import.meta.url));
const METRICS = fileURLToPath(new URL('../../src/proxy/metrics.ts', import.meta.url));

const CHILD = `
import { createLogger, droppedLogLines } from ${JSON.stringify(LOG)};
import { createMetrics } from ${JSON.stringify(METRICS)};
const logger = createLogger('info', undefined, { maxBufferBytes: 65536 });
const pad = 'x'.repeat(150);
for (let i = 0; i < 20000; i++) logger.info({ i, pad }, 'request');
await new Promise((r) => setTimeout(r, 300));
const text = await createMetrics().registry.metrics();
const m = /^leakgate_log_dropped_lines_total (\\d+)/m.exec(text);
process.stderr.write('RESULT ' + JSON.stringify({ dropped: droppedLogLines(), metric: m ? Number(m[1]) : null }) + '\\n');
process.exit(0);
`;

describe('stdout log buffer', () => {
  it('drops and counts lines beyond log.maxBufferBytes when stdout is not read', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Nobody reads stdout until the child has reported: the pipe (64 KiB) fills, then the buffer.
    child.stdout.pause();
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    child.stdout.resume();
    expect(code, err).toBe(0);
    const result = JSON.parse(/RESULT (.*)/.exec(err)?.[1] ?? 'null') as { dropped: number; metric: number | null };
    // ~200-byte lines: at most the pipe plus the 64 KiB buffer (~700 lines) got through; the rest is dropped.
    expect(result.dropped).toBeGreaterThan(18_000);
    expect(result.dropped).toBeLessThan(20_000);
    expect(result.metric).toBe(result.dropped);
    expect(err).toMatch(/stdout is not keeping up with the log; dropped \d+ log line/);
  }, 30_000);
});
