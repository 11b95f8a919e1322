import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HoldbackScanner } from '../../src/policy/holdback-scanner.js';
import { fakeAwsKey, fakeGithubPat, fakePassword, fakePem, seeded, testConfig } from './helpers/fixtures.js';
import { harness, meta } from './helpers/guard.js';
import { pushAll, splitAt } from './helpers/stream.js';
import { TestEngine } from './helpers/test-engine.js';

const rand = seeded(42);
const aws = fakeAwsKey(rand);
const gh = fakeGithubPat(rand);
const pw = fakePassword(rand);
const pem = fakePem(rand);

/** Texts with secrets, and the secret values that must never leak. */
const CASES: { name: string; text: string; secrets: string[] }[] = [
  { name: 'aws in prose', text: `Here is the key: ${aws}. Keep it safe.`, secrets: [aws] },
  { name: 'aws alone', text: aws, secrets: [aws] },
  { name: 'aws after decoys', text: `AKIA is a prefix; AKIAX too short. id=${aws}\nnext`, secrets: [aws] },
  { name: 'github token', text: `export GITHUB_TOKEN=${gh}\necho done`, secrets: [gh] },
  { name: 'password assignment', text: `config: password = "${pw}" and more text`, secrets: [pw] },
  { name: 'password json', text: `{"user": "bob", "password": "${pw}"}`, secrets: [pw] },
  { name: 'pem block', text: `Key:\n${pem}\nThanks!`, secrets: [pem] },
  { name: 'everything', text: `a ${aws} b ${gh}\npassword: "${pw}"\n${pem}\nend ${aws}`, secrets: [aws, gh, pw, pem] },
];

const shared = harness();
const expected = new Map<string, string>();

/** The same text scanned whole, with the same policy: what any chunking must produce. */
function oneShot(text: string): string {
  let e = expected.get(text);
  if (e === undefined) {
    const r = shared.guard.begin(meta()).openStream().inspectWhole([{ path: 'c', text }]);
    e = r.rewrites.get('c') ?? text;
    expected.set(text, e);
  }
  return e;
}

function check(text: string, secrets: string[], pieces: string[]): void {
  const run = pushAll(shared.guard.begin(meta()).openStream(), 'c', pieces);
  expect(run.blocked).toBe(false);
  expect(run.out).toBe(oneShot(text));
  for (const s of secrets) {
    const prefix = s.slice(0, 8);
    for (const c of run.chunks) if (c.includes(prefix)) expect.fail(`chunk ${JSON.stringify(c)} leaks ${prefix}`);
    expect(run.out.includes(prefix)).toBe(false);
  }
}

describe('StreamGuard: a secret split over any chunking is caught, output independent of chunking', () => {
  for (const { name, text, secrets } of CASES) {
    it(`${name}: one-shot redaction replaces every secret`, () => {
      const r = oneShot(text);
      for (const s of secrets) expect(r).not.toContain(s.slice(0, 8));
      expect(r).toContain('[REDACTED:');
    });

    it(`${name}: every single cut point`, () => {
      for (let cut = 1; cut < text.length; cut++) check(text, secrets, splitAt(text, [cut]));
    });

    it(`${name}: one character per event`, () => {
      check(text, secrets, [...text]);
    });

    it(`${name}: random chunkings (fast-check)`, () => {
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 40 }), (cuts) => {
          check(text, secrets, splitAt(text, [...cuts].sort((a, b) => a - b)));
        }),
        { numRuns: 150, seed: 7 },
      );
    });
  }

  it('negative control: without hold-back the same check catches the leak', () => {
    const leaky = new TestEngine();
    leaky.holdback = () => 0;
    const h = harness(testConfig(), leaky);
    const text = CASES[0]!.text;
    const cut = text.indexOf(aws) + 10;
    const run = pushAll(h.guard.begin(meta()).openStream(), 'c', splitAt(text, [cut]));
    expect(run.chunks[0]).toContain(aws.slice(0, 8));
    expect(run.out).not.toBe(oneShot(text));
  });

  it('every pair of cut points (aws in prose)', () => {
    const text = CASES[0]!.text;
    for (let a = 1; a < text.length; a++) for (let b = a + 1; b < text.length; b++) check(text, [aws], splitAt(text, [a, b]));
  });

  it('interleaved channels are scanned apart', () => {
    const { guard } = harness();
    const sg = guard.begin(meta()).openStream();
    const a = `first ${aws} done`;
    const b = `second ${gh} done`;
    let outA = '';
    let outB = '';
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i < a.length) outA += sg.push('choices[0].content', a[i]!).text;
      if (i < b.length) outB += sg.push('choices[1].content', b[i]!).text;
    }
    outA += sg.flush('choices[0].content').text;
    outB += sg.flush('choices[1].content').text;
    expect(outA).toBe('first [REDACTED:aws-access-key-id] done');
    expect(outB).toBe('second [REDACTED:github-pat] done');
  });
});

describe('StreamGuard: clean text, block, shadow, fail, audit', () => {
  it('clean prose is released at once (no hold-back for ordinary words)', () => {
    const { guard } = harness();
    const sg = guard.begin(meta()).openStream();
    const words = 'The quick brown fox jumps over the lazy dog, then writes 42 lines of code; AKIAS are rare.'.split(/(?<= )/);
    let sent = '';
    let got = '';
    for (const w of words) {
      sent += w;
      got += sg.push('c', w).text;
      expect(got).toBe(sent);
    }
    // Mid-word chunks are released too.
    got += sg.push('c', 'Hel').text;
    expect(got).toBe(sent + 'Hel');
  });

  it('block: the stream stops, no fragment of the secret is released, the audit row says block', async () => {
    const { guard, audit } = harness(testConfig({ policy: { types: { 'aws-access-key-id': 'block' } } }));
    const sg = guard.begin(meta()).openStream();
    const text = `before ${aws} after`;
    const run = pushAll(sg, 'c', [...text]);
    expect(run.blocked).toBe(true);
    expect(run.out).toBe('before ');
    expect(sg.push('c', 'more').action).toBe('block');
    const d = await sg.end('complete');
    expect(d.action).toBe('block');
    expect(audit.rows[0]).toMatchObject({ direction: 'response', action: 'block' });
    expect(audit.rows[0]!.findings).toHaveLength(1);
  });

  it('end(): one response row with all findings of the stream (offsets in the channel), strongest action', async () => {
    const { guard, audit } = harness();
    const sg = guard.begin(meta()).openStream();
    const text = `x\nkey ${aws} and AKIAIOSFODNN7EXAMPLE`;
    pushAll(sg, 'c', splitAt(text, [3, 9, 20]));
    const done = sg.inspectWhole([{ path: 'output[0].text', text }]);
    expect(done.rewrites.get('output[0].text')).toBe('x\nkey [REDACTED:aws-access-key-id] and AKIAIOSFODNN7EXAMPLE');
    const d = await sg.end('complete');
    expect(d.action).toBe('redact');
    const row = audit.rows[0]!;
    expect(row.direction).toBe('response');
    const streamed = row.findings.filter((f) => f.path === 'c');
    expect(streamed.map((f) => [f.type, f.class, f.start, f.end, f.action])).toEqual([
      ['aws-access-key-id', 'genuine', 6, 26, 'redact'],
      ['aws-access-key-id', 'placeholder', 31, 51, 'warn'],
    ]);
    expect(d.findings.find((f) => f.path === 'c')).toMatchObject({ line: 2, column: 5 });
    expect(row.findings.filter((f) => f.path === 'output[0].text')).toHaveLength(2);
    expect(JSON.stringify(audit.rows)).not.toContain(aws);
    expect(await sg.end('complete')).toBe(d);
    expect(audit.rows).toHaveLength(1);
  });

  it('aborted stream: held text is scanned for the record, never released', async () => {
    const { guard, audit } = harness();
    const sg = guard.begin(meta()).openStream();
    const out = sg.push('c', `partial ${aws}`).text;
    expect(out).toBe('partial ');
    const d = await sg.end('aborted');
    expect(d.action).toBe('redact');
    expect(audit.rows[0]!.findings[0]!.type).toBe('aws-access-key-id');
  });

  it('shadow route: released unchanged, decision shows what would have happened', async () => {
    const { guard } = harness(testConfig({ upstreams: { openai: { url: 'http://127.0.0.1:1', api: 'openai', shadow: true } } }));
    const sg = guard.begin(meta()).openStream();
    const text = `key ${aws} end`;
    expect(pushAll(sg, 'c', [...text]).out).toBe(text);
    expect(await sg.end('complete')).toMatchObject({ action: 'redact', shadow: true });
  });

  it('scan failure mid-stream: closed stops the stream, open releases unscanned; audited either way', async () => {
    const closed = harness();
    const sg = closed.guard.begin(meta()).openStream();
    expect(sg.push('c', 'hello ').text).toBe('hello ');
    closed.engine.failWith = new Error('regex engine died');
    expect(sg.push('c', 'world').action).toBe('block');
    expect(await sg.end('complete')).toMatchObject({ action: 'block', failure: { code: 'LG_ERR_SCAN_FAILED' } });
    expect(closed.audit.rows[0]!.failure?.code).toBe('LG_ERR_SCAN_FAILED');

    const open = harness(testConfig({ policy: { fail: 'open' } }));
    const so = open.guard.begin(meta()).openStream();
    open.engine.failWith = new Error('x');
    expect(so.push('c', 'AKIA then')).toEqual({ text: 'AKIA then', action: 'allow' });
    expect(await so.end('complete')).toMatchObject({ action: 'allow', failure: { code: 'LG_ERR_SCAN_FAILED' } });
  });

  it('hold-back cap: an unterminated secret-like run is released at the cap, with a metric', () => {
    const { guard, counters } = harness(testConfig({ policy: { streamHoldbackChars: 64 } }));
    const sg = guard.begin(meta()).openStream();
    let out = '';
    out += sg.push('c', '-----BEGIN RSA PRIVATE KEY-----\n').text;
    expect(out).toBe('');
    for (let i = 0; i < 20; i++) out += sg.push('c', 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n').text;
    expect(counters.capped).toBeGreaterThan(0);
    expect(out.length).toBeGreaterThan(500);
  });
});

describe('HoldbackScanner: bounded work and memory', () => {
  it('a 5 MB clean stream in 10-byte chunks keeps held text and context bounded', () => {
    const engine = new TestEngine();
    const s = new HoldbackScanner({ engine, channel: 'c', maxHold: 4096, contextChars: 256, decide: (f) => ({ ...f, action: 'redact' }) });
    const para = 'Streaming output from a model, with words, numbers like 1234567 and ids such as ghp or AKIA-like words; passwords are discussed but none given.\n';
    const total = 5 * 1024 * 1024;
    let fed = 0;
    let released = 0;
    let maxHeld = 0;
    let maxCtx = 0;
    let p = 0;
    while (fed < total) {
      const chunk = para.slice(p % para.length, (p % para.length) + 10) || para.slice(0, 10);
      p += chunk.length;
      fed += chunk.length;
      const step = s.push(chunk);
      released += step.text.length;
      maxHeld = Math.max(maxHeld, s.held);
      maxCtx = Math.max(maxCtx, s.contextLength);
    }
    released += s.flush().text.length;
    expect(released).toBe(fed);
    expect(maxHeld).toBeLessThanOrEqual(16);
    expect(maxCtx).toBeLessThanOrEqual(256);
  }, 120_000);

  it('reports findings with offsets, line and column in the channel text', () => {
    const engine = new TestEngine();
    const s = new HoldbackScanner({ engine, channel: 'ch', maxHold: 4096, contextChars: 32, decide: (f) => ({ ...f, action: 'redact' }) });
    const text = `line one\nline two is long enough to push context out\n  ${gh}\n`;
    const found = [];
    let out = '';
    for (const c of text) {
      const st = s.push(c);
      out += st.text;
      found.push(...st.findings);
    }
    const f = s.flush();
    out += f.text;
    found.push(...f.findings);
    const start = text.indexOf(gh);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'ch', start, end: start + gh.length, line: 3, column: 3, value: gh });
    expect(out).toBe(text.replace(gh, '[REDACTED:github-pat]'));
  });
});
