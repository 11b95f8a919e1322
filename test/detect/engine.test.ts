// Engine behaviour: exact spans (also after non-ASCII text), classes from context, decoding,
// hold-back, pack validation errors.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import { compilePackText } from '../../src/detect/packs/load.js';
import { LeakgateError } from '../../src/detect/../errors.js';
import { base62, crc32 } from '../../src/detect/checksum.js';

const engine = createEngine({ maxDecodeDepth: 2 });

function randomToken(n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

describe('detect engine', () => {
  it('maps spans to UTF-16 offsets after non-ASCII text', () => {
    const pw = `Q${randomToken(14)}7`;
    const text = `# 設定 ✓ 😀 café\ndb_password = "${pw}"\n`;
    const f = engine.scanRules([{ path: 'p', text }]).find((x) => x.value === pw);
    expect(f).toBeDefined();
    expect(text.slice(f?.start, f?.end)).toBe(pw);
    expect(f?.line).toBe(2);
    expect(f?.column).toBe(text.split('\n')[1]?.indexOf(pw) as number + 1);
  });

  it('classes template and example values as placeholder, and a random value as genuine', () => {
    const real = `K${randomToken(18)}9`;
    const out = engine.scanRules([{ path: 'p', text: `api_key = "${real}"\napi_key = "YOUR_API_KEY_HERE"\ntoken = "\${TOKEN}"\n` }]);
    expect(out.find((f) => f.value === real)?.class).toBe('genuine');
    expect(out.filter((f) => f.line > 1).every((f) => f.class === 'placeholder')).toBe(true);
  });

  it('finds a whole private key block, and a placeholder block is not genuine', () => {
    const body = Buffer.from(randomToken(300)).toString('base64').replace(/(.{64})/g, '$1\n');
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
    const out = engine.scanRules([{ path: 'p', text: `x\n${key}\n` }]);
    expect(out.find((f) => f.value === key)?.class).toBe('genuine');
    const ph = engine.scanRules([{ path: 'p', text: '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----' }]);
    expect(ph.some((f) => f.class === 'genuine')).toBe(false);
  });

  it('reports a secret hidden in base64 at the encoded span with a decoded signal', () => {
    const pw = `Z${randomToken(16)}4`;
    const blob = Buffer.from(`{"password": "${pw}"}`).toString('base64');
    const text = `payload=${blob} end`;
    const f = engine.scanRules([{ path: 'p', text }]).find((x) => x.signals.includes('decoded:base64'));
    expect(f?.value).toBe(blob);
    expect(f?.class).toBe('genuine');
  });

  it('holds back a trailing run that could be a secret, releases an ordinary word', () => {
    expect(engine.holdback('the answer is simple')).toBe(0);
    expect(engine.holdback('password = hunter')).toBe('hunter'.length);
    expect(engine.holdback('Authorization: Bearer abc')).toBe(3);
    expect(engine.holdback(`here: ${randomToken(30)}`)).toBe(30);
    const pem = 'key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA';
    expect(engine.holdback(pem)).toBe(pem.length - 'key:\n'.length);
    expect(engine.holdback('see -----BEG')).toBe('-----BEG'.length);
  });

  it('verifies the GitHub-style CRC32 suffix', () => {
    const random = randomToken(30);
    const good = `ghp_${random}${base62(crc32(random), 6)}`;
    expect(good).toHaveLength(40);
    const pack = compilePackText(
      [
        'pack: t',
        'description: t',
        'detectors:',
        '  - id: gh',
        '    provider: github',
        '    description: t',
        "    pattern: '(?<secret>ghp_[A-Za-z0-9]{36})'",
        '    keywords: [ghp_]',
        '    checksum: github-crc32',
        '    examples: { genuine: [x] }',
      ].join('\n'),
      't.yaml',
    );
    const e = createEngine({ packs: [pack], maxDecodeDepth: 0 });
    expect(e.scanRules([{ path: 'p', text: good }])[0]?.signals).toContain('checksum:valid');
    const bad = `ghp_${random}AAAAAA`;
    expect(e.scanRules([{ path: 'p', text: bad }])[0]?.class).toBe('placeholder');
  });

  it('names file, key path and reason for an invalid pack', () => {
    const bad = 'pack: t\ndescription: t\ndetectors:\n  - id: x\n    provider: p\n    description: d\n    pattern: "(?<secret>a(b"\n    examples: { genuine: [ab] }\n';
    let err: unknown;
    try {
      compilePackText(bad, 'bad.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LeakgateError);
    expect((err as LeakgateError).code).toBe('LG_ERR_PACK_INVALID');
    expect((err as Error).message).toMatch(/^bad\.yaml: detectors\[0\]\.pattern: /);
    expect(() => compilePackText('pack: T!\ndescription: t\n', 'x.yaml')).toThrow(/x\.yaml: pack: /);
  });
});

describe('context rules on hostile values', () => {
  it('stay linear on long repetitive inputs (no catastrophic backtracking)', async () => {
    const { placeholderSignals } = await import('../../src/detect/context/placeholder.js');
    const { benignSignals } = await import('../../src/detect/context/benign.js');
    const { keyBlockSignals } = await import('../../src/detect/context/pem.js');
    const shapes = ['0', 'a', 'a_', 'a.', 'A1', 'x-', '1.', '$a', '%2F', 'your_', '<a', '{{a'];
    for (const unit of shapes) {
      for (const tail of ['', '!', '==', '/']) {
        const v = unit.repeat(3000) + tail;
        const t0 = performance.now();
        placeholderSignals({ value: v, body: v });
        benignSignals({ value: v, before: 'key = ' });
        keyBlockSignals(`-----BEGIN PRIVATE KEY-----\n${v}\n-----END PRIVATE KEY-----`);
        expect(performance.now() - t0, `${unit}×3000${tail}`).toBeLessThan(200);
      }
    }
    const scan = engine.scanRules([{ path: 'p', text: `password = "${'0'.repeat(5000)}/${'0'.repeat(5000)}=="` }]);
    expect(Array.isArray(scan)).toBe(true);
  });

  it('a random AKIA id with a low-entropy body stays genuine; real placeholder cues still demote', () => {
    // A body with few distinct characters but no runs, sequences or periods: random-looking, ~2.8 bits.
    const body = 'Q7KQ2ZK7QZ2K7ZQ2';
    const id = `AKIA${body}`;
    const f = engine.scanRules([{ path: 'p', text: `AWS_ACCESS_KEY_ID=${id}\n` }]).find((x) => x.value === id);
    expect(f?.class).toBe('genuine');
    expect(f?.signals).toContain('entropy:low');
    for (const ph of ['AKIAIOSFODNN7EXAMPLE', 'AKIAXXXXXXXXXXXXXXXX', 'AKIA1234567890ABCDEF']) {
      const g = engine.scanRules([{ path: 'p', text: `AWS_ACCESS_KEY_ID=${ph}\n` }]).find((x) => x.value === ph);
      expect(g?.class ?? 'none', ph).not.toBe('genuine');
    }
  });

  it('decoding over its budget fails the scan (LG_ERR_SCAN_FAILED) instead of silently skipping runs', () => {
    const run = '%41%42%43%44%45%46%47%48';
    const text = Array.from({ length: 8000 }, () => run).join(' ');
    let err: unknown;
    try {
      engine.scanRules([{ path: 'p', text }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LeakgateError);
    expect((err as LeakgateError).code).toBe('LG_ERR_SCAN_FAILED');
    // Many decodable runs under the budget: the last one is still decoded.
    const key = `AKIA${randomToken(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    const decoys = Array.from({ length: 200 }, (_, i) => Buffer.from(`Harmless note number ${i}, nothing here.`).toString('base64'));
    const b64 = Buffer.from(`AWS_ACCESS_KEY_ID=${key}\n`).toString('base64');
    const found = engine.scanRules([{ path: 'p', text: `${decoys.join(' ')} ${b64}` }]);
    expect(found.some((x) => x.value === b64 && x.class === 'genuine')).toBe(true);
  });

  it('keyword-hit gates keep values on the next line, typed declarations and URL-encoded keys', () => {
    const hex = randomToken(64, '0123456789abcdef');
    const next = engine.scanRules([{ path: 'p', text: `stream_api_secret:\n  ${hex}\n` }]);
    expect(next.some((f) => f.value === hex && f.class === 'genuine')).toBe(true);
    const tok = `Q${randomToken(22)}7`;
    for (const text of [`var apiToken string = "${tok}"`, `const apiToken: string = "${tok}";`, `API_TOKEN ?= "${tok}"`]) {
      expect(engine.scanRules([{ path: 'p', text }]).some((f) => f.value === tok && f.class === 'genuine'), text).toBe(true);
    }
    // Lower-case 'ac…' words do not open the case-sensitive AC… window; the real format is still found.
    const sid = `AC${randomToken(32, '0123456789abcdef')}`;
    const found = engine.scanRules([{ path: 'p', text: `account access accept\nTWILIO_ACCOUNT_SID=${sid}\n` }]);
    expect(found.some((f) => f.value === sid)).toBe(true);
  });
});
