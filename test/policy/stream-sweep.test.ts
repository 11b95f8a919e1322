// Sweep: every detector's own genuine example, streamed one character per event and in random
// chunkings through the real engine and createGuard, must reach the client exactly as the one-shot
// redaction (or be blocked) without the secret's first 8 characters ever being shown.
// It runs in the default suite with a few random chunkings per example (~5 s); for a deeper run:
// LEAKGATE_STREAM_SWEEP=1 npx vitest run test/policy/stream-sweep.test.ts (15 random chunkings each).
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import { createGuard } from '../../src/policy/index.js';
import { seeded, testConfig } from './helpers/fixtures.js';
import { meta } from './helpers/guard.js';
import { MemoryAudit } from './helpers/memory-audit.js';
import { pushAll, splitAt } from './helpers/stream.js';

const RANDOM_CHUNKINGS = process.env.LEAKGATE_STREAM_SWEEP ? 15 : 4;

describe('stream sweep over every pack example', () => {
  it('no detector example leaks or changes under any chunking', () => {
    const engine = createEngine({ packPaths: ['filter-packs'] });
    const guard = createGuard({ config: testConfig(), engine, audit: new MemoryAudit() });
    const rand = seeded(3);
    const failures: string[] = [];
    let total = 0;
    for (const pack of engine.packs) {
      for (const d of pack.detectors) {
        const ex = d.spec.examples.genuine[0];
        if (ex === undefined) continue;
        const body = typeof ex === 'string' ? ex : ex.text;
        const value = typeof ex === 'string' ? ex : ex.value;
        const text = `Sure, here it is:\n${body}\nLet me know if it works.`;
        const whole = guard.begin(meta()).openStream().inspectWhole([{ path: 'c', text }]);
        if (whole.decision.action === 'warn' || whole.decision.action === 'allow') continue;
        total++;
        const expected = whole.rewrites.get('c') ?? text;
        const blocked = whole.decision.action === 'block';
        const prefix = value.slice(0, 8);
        const chunkings: string[][] = [[...text]];
        for (let i = 0; i < RANDOM_CHUNKINGS; i++) {
          const cuts = Array.from({ length: 1 + (rand() % 12) }, () => 1 + (rand() % (text.length - 1)));
          chunkings.push(splitAt(text, [...new Set(cuts)].sort((a, b) => a - b)));
        }
        for (const pieces of chunkings) {
          const run = pushAll(guard.begin(meta()).openStream(), 'c', pieces);
          // A prefix that also occurs outside the secret (a common word) is not a leak.
          // Markers are stripped first: `[REDACTED:rubygems-api-key]` names the prefix, it does not leak it.
          // A prefix the one-shot text shows too (only part of the value is the secret) is not one either.
          const shown = run.out.replace(/\[REDACTED:[a-z0-9-]+\]/g, '');
          const leak = text.indexOf(prefix) === text.indexOf(value) && shown.includes(prefix) && !expected.includes(prefix);
          const ok = blocked ? run.blocked && !leak : !run.blocked && run.out === expected && !leak;
          if (!ok) {
            failures.push(`${pack.name}/${d.id}: ${leak ? 'leaks a prefix' : 'differs'} with ${pieces.length} chunks: ${JSON.stringify(run.out.slice(18, 90))}`);
            break;
          }
        }
      }
    }
    console.log(`stream sweep: ${total - failures.length}/${total} detector examples pass\n${failures.join('\n')}`);
    expect(failures).toEqual([]);
  }, 300_000);

  // Every genuine example (not only the first), with no cue before it: in bare prose, and as the
  // whole text. One character per event, the hardest chunking. No secret fragment may show; the
  // client text equals the one-shot text, except that a short public format prefix may precede the
  // marker when nothing before the value says it is one (a URL scheme such as `po`stgresql://, a
  // code such as `ci`o… whose first letters are an ordinary word start): see SECURITY.md.
  it('every genuine example in bare prose, one character per event: no fragment shown', () => {
    const engine = createEngine({ packPaths: ['filter-packs'] });
    const guard = createGuard({ config: testConfig(), engine, audit: new MemoryAudit() });
    const leaks: string[] = [];
    const prefixed: string[] = [];
    let total = 0;
    for (const pack of engine.packs) {
      for (const d of pack.detectors) {
        for (const ex of d.spec.examples.genuine) {
          const body = typeof ex === 'string' ? ex : ex.text;
          const value = typeof ex === 'string' ? ex : ex.value;
          for (const text of [`Use ${body} for that.`, body]) {
            const whole = guard.begin(meta()).openStream().inspectWhole([{ path: 'c', text }]);
            if (whole.decision.action === 'warn' || whole.decision.action === 'allow') continue;
            total++;
            const expected = whole.rewrites.get('c') ?? text;
            const run = pushAll(guard.begin(meta()).openStream(), 'c', [...text]);
            const shown = run.out.replace(/\[REDACTED:[a-z0-9-]+\]/g, '');
            const prefix = value.slice(0, 8);
            if (text.indexOf(prefix) === text.indexOf(value) && shown.includes(prefix) && !expected.includes(prefix)) leaks.push(`${d.id}: ${JSON.stringify(run.out.slice(0, 90))}`);
            else if (whole.decision.action === 'block' ? !run.blocked : run.out !== expected) {
              // Tolerated: at most 5 characters (never the secret's first 8) before the marker.
              const trimmed = run.out.replace(/\S{1,5}(?=\[REDACTED:)/g, '');
              if (run.blocked || trimmed !== expected.replace(/\S{1,5}(?=\[REDACTED:)/g, '')) leaks.push(`${d.id}: differs ${JSON.stringify(run.out.slice(0, 90))}`);
              else prefixed.push(`${d.id}: ${JSON.stringify(run.out.slice(0, 60))}`);
            }
          }
        }
      }
    }
    console.log(`bare-prose sweep: ${total} texts, ${leaks.length} failures, ${prefixed.length} with a public prefix before the marker\n${[...leaks, ...prefixed].join('\n')}`);
    expect(leaks).toEqual([]);
    // Regression ceiling for the tolerated case (measured: 6 texts: honeycomb, crates.io).
    expect(prefixed.length).toBeLessThanOrEqual(10);
  }, 300_000);
});
