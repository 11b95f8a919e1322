// The policy stage over the real detect engine and the bundled filter packs: the streaming
// property (same client text for any chunking, no fragment of a secret released), the verdict
// cache and LEAKGATE_ACTION, end to end through createGuard.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import type { DetectEngine } from '../../src/detect/types.js';
import { createGuard, type PolicyGuard } from '../../src/policy/index.js';
import { HoldbackScanner } from '../../src/policy/holdback-scanner.js';
import { fakeAwsKey, fakeGithubPat, fakePassword, fakePem, seeded, testConfig } from './helpers/fixtures.js';
import { meta } from './helpers/guard.js';
import { MemoryAudit } from './helpers/memory-audit.js';
import { pushAll, splitAt } from './helpers/stream.js';

let engine: DetectEngine;
let guard: PolicyGuard;
beforeAll(() => {
  engine = createEngine({ packPaths: ['filter-packs'] });
  guard = createGuard({ config: testConfig(), engine, audit: new MemoryAudit() });
});

const rand = seeded(2024);
const aws = fakeAwsKey(rand);
const gh = fakeGithubPat(rand);
const pw = fakePassword(rand);
const pem = fakePem(rand);

const CASES: { name: string; text: string; secrets: string[] }[] = [
  { name: 'aws key in prose', text: `Sure! Set it like this: ${aws}. Then restart the service.`, secrets: [aws] },
  { name: 'github token in shell', text: `\`\`\`sh\nexport GITHUB_TOKEN=${gh}\ngh auth status\n\`\`\``, secrets: [gh] },
  { name: 'password assignment', text: `In config.py write:\npassword = "${pw}"\nand keep it out of git.`, secrets: [pw] },
  { name: 'pem block', text: `Here is the key file:\n${pem}\nSave it as id_rsa.`, secrets: [pem] },
];

interface Expected {
  text: string;
  blocked: boolean;
}

/** The whole text scanned at once with the same policy. */
function oneShot(text: string): Expected {
  const r = guard.begin(meta()).openStream().inspectWhole([{ path: 'c', text }]);
  return { text: r.rewrites.get('c') ?? text, blocked: r.decision.action === 'block' };
}

function check(text: string, expected: Expected, secrets: string[], pieces: string[]): void {
  const run = pushAll(guard.begin(meta()).openStream(), 'c', pieces);
  expect(run.blocked).toBe(expected.blocked);
  // A blocked stream stops before the secret: what was released is clean text ahead of it.
  if (expected.blocked) expect(text.startsWith(run.out) && secrets.every((s) => text.indexOf(s) >= run.out.length)).toBe(true);
  else expect(run.out).toBe(expected.text);
  for (const s of secrets) {
    const prefix = s.slice(0, 8);
    for (const c of run.chunks) if (c.includes(prefix)) expect.fail(`chunk ${JSON.stringify(c)} leaks ${prefix}`);
  }
}

describe('real engine: streamed secrets are caught for any chunking', () => {
  for (const { name, text, secrets } of CASES) {
    it(`${name}: one-shot redacts (or, for private keys, blocks) it`, () => {
      const e = oneShot(text);
      if (name === 'pem block') expect(e.blocked).toBe(true); // private-keys pack ships `genuine: block`
      else {
        for (const s of secrets) expect(e.text).not.toContain(s.slice(0, 8));
        expect(e.text).toContain('[REDACTED:');
      }
    });

    it(`${name}: every cut point, one character per event, random chunkings`, () => {
      const expected = oneShot(text);
      for (let cut = 1; cut < text.length; cut++) check(text, expected, secrets, splitAt(text, [cut]));
      check(text, expected, secrets, [...text]);
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 30 }), (cuts) => {
          check(text, expected, secrets, splitAt(text, [...cuts].sort((a, b) => a - b)));
        }),
        { numRuns: 60, seed: 11 },
      );
    });
  }

  it('clean prose is released word by word without delay', () => {
    const sg = guard.begin(meta()).openStream();
    const text = 'The deployment finished in 42 seconds and all checks passed, so you can merge the branch now. ';
    let sent = '';
    let got = '';
    for (const w of text.split(/(?<= )/)) {
      sent += w;
      got += sg.push('c', w).text;
      expect(got).toBe(sent);
    }
  });

  it('memory stays flat on a long clean stream (256 KB in 10-byte chunks)', () => {
    const s = new HoldbackScanner({ engine, channel: 'c', maxHold: 4096, contextChars: 256, decide: (f) => ({ ...f, action: 'redact' }) });
    const para = 'Streaming output with words, numbers like 1234567, a path /usr/local/bin and a URL https://example.com/docs.\n';
    let fed = 0;
    let released = 0;
    let maxHeld = 0;
    for (let p = 0; fed < 256 * 1024; p += 10) {
      const chunk = para.slice(p % para.length, (p % para.length) + 10) || 'x';
      fed += chunk.length;
      released += s.push(chunk).text.length;
      maxHeld = Math.max(maxHeld, s.held);
    }
    released += s.flush().text.length;
    expect(released).toBe(fed);
    expect(maxHeld).toBeLessThanOrEqual(64);
    expect(s.contextLength).toBeLessThanOrEqual(256);
  }, 120_000);
});

describe('real engine: request path', () => {
  it('LEAKGATE_ACTION=block (policy.genuine) wins over the packs\u2019 own defaults', async () => {
    const g = createGuard({ config: testConfig({ policy: { genuine: 'block' } }), engine, audit: new MemoryAudit() });
    const r = await g.begin(meta()).inspect('request', [{ path: 'm', text: `key ${aws}` }]);
    expect(r.decision.action).toBe('block');
    const ph = await g.begin(meta()).inspect('request', [{ path: 'm', text: 'AKIAIOSFODNN7EXAMPLE' }]);
    expect(ph.decision.action).toBe('warn');
  });

  it('redacts every secret kind in a request and caches verdicts across turns', async () => {
    const g = createGuard({ config: testConfig(), engine, audit: new MemoryAudit() });
    const redactable = CASES.filter((c) => c.name !== 'pem block');
    const history = redactable.map((c, i) => ({ path: `messages[${i}].content`, text: c.text }));
    const r1 = await g.begin(meta()).inspect('request', history);
    expect(r1.decision.action).toBe('redact');
    for (const c of redactable) for (const s of c.secrets) for (const t of r1.rewrites.values()) expect(t).not.toContain(s.slice(0, 8));
    expect(r1.rewrites.size).toBe(redactable.length);
    const before = g.cacheStats();
    const r2 = await g.begin(meta()).inspect('request', [...history, { path: 'messages[9].content', text: 'thanks' }]);
    expect(g.cacheStats().hits - before.hits).toBe(redactable.length);
    expect(r2.rewrites).toEqual(r1.rewrites);
    const pemTurn = await g.begin(meta()).inspect('request', [...history, { path: 'messages[9].content', text: CASES[3]!.text }]);
    expect(pemTurn.decision.action).toBe('block');
    expect(pemTurn.rewrites.size).toBe(0);
  });
});
