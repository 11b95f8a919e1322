import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src/detect/types.js';
import { VerdictCache } from '../../src/policy/verdict-cache.js';
import { fakeAwsKey, testConfig } from './helpers/fixtures.js';
import { harness, meta } from './helpers/guard.js';
import { TestEngine } from './helpers/test-engine.js';

/** Turn n of a chat: all previous user/assistant messages resent, plus one new user message. */
function conversation(turn: number, secretAt: number, secret: string): Segment[] {
  const segs: Segment[] = [{ path: 'messages[0].content', text: 'You are a helpful assistant.' }];
  for (let i = 1; i <= turn; i++) {
    segs.push({ path: `messages[${2 * i - 1}].content`, text: i === secretAt ? `here is my key ${secret} ok` : `user message number ${i} with some words` });
    if (i < turn) segs.push({ path: `messages[${2 * i}].content`, text: `assistant reply ${i}` });
  }
  return segs;
}

describe('verdict cache across conversation turns', () => {
  it('turn N of a 50-turn conversation scans only its new segments; earlier secrets are still redacted', async () => {
    const { guard, engine } = harness();
    const secret = fakeAwsKey();
    for (let turn = 1; turn <= 50; turn++) {
      const segs = conversation(turn, 3, secret);
      const before = { segs: engine.scannedSegments, chars: engine.scannedChars };
      const r = await guard.begin(meta()).inspect('request', segs);
      const scanned = engine.scannedSegments - before.segs;
      // Turn 1: system + first user message; after that: previous assistant reply + new user message.
      expect(scanned).toBe(2);
      expect(engine.scannedChars - before.chars).toBeLessThan(200);
      if (turn >= 3) {
        expect(r.decision.action).toBe('redact');
        expect(r.rewrites.get('messages[5].content')).toBe('here is my key [REDACTED:aws-access-key-id] ok');
      }
    }
    expect(engine.scanCalls).toBe(50);
    const stats = guard.cacheStats();
    expect(stats.hits).toBeGreaterThan(1000);
  });

  it('a secret slipped into fabricated earlier history is still found (every message is scanned)', async () => {
    const { guard, engine } = harness();
    for (let turn = 1; turn <= 30; turn++) await guard.begin(meta()).inspect('request', conversation(turn, -1, ''));
    const segs = conversation(31, -1, '');
    const secret = fakeAwsKey();
    segs[4] = { path: segs[4]!.path, text: `assistant reply 2, edited: ${secret}` };
    const before = engine.scannedSegments;
    const r = await guard.begin(meta()).inspect('request', segs);
    expect(engine.scannedSegments - before).toBe(3); // the edited old message + the two new ones
    expect(r.decision.action).toBe('redact');
    expect(r.rewrites.get(segs[4]!.path)).toBe('assistant reply 2, edited: [REDACTED:aws-access-key-id]');
  });

  it('caches findings, not actions: a policy change applies to cached segments', async () => {
    const { guard, engine } = harness();
    const segs = [{ path: 'm', text: `k ${fakeAwsKey()}` }];
    expect((await guard.begin(meta()).inspect('request', segs)).decision.action).toBe('redact');
    guard.setConfig(testConfig({ policy: { genuine: 'block' } }));
    expect((await guard.begin(meta()).inspect('request', segs)).decision.action).toBe('block');
    expect(engine.scanCalls).toBe(1);
  });

  it('a ruleset change (hot reload) invalidates the cache', async () => {
    const { guard, engine } = harness();
    const segs = [{ path: 'm', text: 'some text' }];
    await guard.begin(meta()).inspect('request', segs);
    await guard.begin(meta()).inspect('request', segs);
    expect(engine.scanCalls).toBe(1);
    const next = new TestEngine();
    next.rulesetHash = 'test-ruleset-2';
    guard.setEngine(next);
    await guard.begin(meta()).inspect('request', segs);
    expect(next.scanCalls).toBe(1);
    // Even without setEngine: an engine whose hash changes in place is noticed on the next inspect.
    next.rulesetHash = 'test-ruleset-3';
    await guard.begin(meta()).inspect('request', segs);
    expect(next.scanCalls).toBe(2);
  });

  it('cacheEntries: 0 disables the cache; identical segments in one request are scanned once', async () => {
    const { guard, engine } = harness(testConfig({ policy: { cacheEntries: 0 } }));
    const segs = [{ path: 'a', text: 'same' }, { path: 'b', text: 'same' }];
    await guard.begin(meta()).inspect('request', segs);
    await guard.begin(meta()).inspect('request', segs);
    expect(engine.scannedSegments).toBe(4);
    const cached = harness();
    const key = fakeAwsKey();
    const r = await cached.guard.begin(meta()).inspect('request', [{ path: 'a', text: key }, { path: 'b', text: key }]);
    expect(cached.engine.scannedSegments).toBe(1);
    expect([...r.rewrites.keys()]).toEqual(['a', 'b']);
  });

  it('request and response texts are cached apart (scanned with different hints)', async () => {
    const { guard, engine } = harness();
    const rg = guard.begin(meta());
    await rg.inspect('request', [{ path: 'm', text: 'same text' }]);
    await rg.inspect('response', [{ path: 'c', text: 'same text' }]);
    expect(engine.scanCalls).toBe(2);
  });
});

describe('VerdictCache', () => {
  it('is a bounded LRU', () => {
    const c = new VerdictCache(2);
    c.syncRuleset('r');
    const [a, b, d] = ['a', 'b', 'd'].map((t) => c.keyOf('prompt', t)) as [string, string, string];
    c.set(a, []);
    c.set(b, []);
    expect(c.get(a)).toEqual([]); // a is now most recent
    c.set(d, []);
    expect(c.get(b)).toBeUndefined();
    expect(c.get(a)).toEqual([]);
    expect(c.stats().entries).toBe(2);
  });

  it('keys are keyed hashes: another process key gives another key; the text is not in it', () => {
    const c1 = new VerdictCache(10);
    const c2 = new VerdictCache(10);
    const secret = fakeAwsKey();
    expect(c1.keyOf('p', secret)).not.toBe(c2.keyOf('p', secret));
    expect(c1.keyOf('p', secret)).not.toContain(secret.slice(0, 8));
  });
});
