// Property-based fuzzing of request bodies against the REAL guard: for any body (valid chat JSON with
// a planted secret anywhere, random extra JSON, truncations, inserted bytes, odd content types and
// encodings) leakgate never answers with a 5xx of its own and no planted secret reaches the provider.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startRealGateway, type RealGateway } from './helpers/real-gateway.js';
import { KINDS, leaked, plant, type Planted } from './helpers/secrets.js';

let provider: FakeProvider;
let gw: RealGateway;
const planted: Planted[] = [];

beforeAll(async () => {
  provider = await startFakeProvider();
  gw = await startRealGateway({ upstream: provider.url, server: { maxBodyBytes: 256 * 1024, maxJsonDepth: 32 } });
}, 30_000);
afterAll(async () => {
  expect(leaked(gw.logText(), planted)).toEqual([]);
  expect((await gw.verify()).ok).toBe(true);
  await gw.close();
  await provider.close();
}, 30_000);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Puts `secret` into the first string leaf of `v` (or wraps v), so it may sit at any JSON path. */
function embed(v: Json, secret: string, where: number): Json {
  if (typeof v === 'string') return `${v} ${secret} `;
  if (Array.isArray(v) && v.length > 0) {
    const i = where % v.length;
    return v.map((x, j) => (j === i ? embed(x, secret, where) : x));
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length > 0) {
      const k = keys[where % keys.length] as string;
      return { ...v, [k]: embed(v[k] as Json, secret, where) };
    }
  }
  return { note: `token ${secret}`, v };
}

const text = fc.string({ unit: 'binary', maxLength: 40 });
const route = fc.constantFrom(
  { path: '/openai/v1/chat/completions', api: 'openai' as const },
  { path: '/anthropic/v1/messages', api: 'anthropic' as const },
  { path: '/gemini/v1beta/models/echo:generateContent', api: 'gemini' as const },
);
const mutation = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.constant({ kind: 'gzip' as const }),
  fc.constant({ kind: 'bad-type' as const }),
);

function bodyFor(api: 'openai' | 'anthropic' | 'gemini', content: string, extra: Json, inExtra: boolean, secret: string, where: number): Json {
  const x = inExtra ? embed(extra, secret, where) : extra;
  const c = inExtra ? content : `${content} ${secret} ${content}`;
  if (api === 'openai') return { model: 'echo', messages: [{ role: 'user', content: c }], metadata: { x } };
  if (api === 'anthropic') return { model: 'echo', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: c }] }], metadata: { x } };
  return { contents: [{ role: 'user', parts: [{ text: c }] }], generationConfig: { x } };
}

function fuzzSeed(): { seed?: number } {
  const v = process.env.LEAKGATE_FUZZ_SEED;
  if (v === 'random') return {};
  return { seed: v === undefined ? 20261204 : Number(v) };
}

describe('fuzz: request bodies', () => {
  it('never a leakgate 5xx, never a planted secret at the provider', async () => {
    await fc.assert(
      fc.asyncProperty(
        route,
        text,
        fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
        fc.boolean(),
        fc.constantFrom(...KINDS.filter((k) => k !== 'pem')),
        fc.nat(),
        mutation,
        async (r, content, extra, inExtra, kind, where, mut) => {
          const p = plant(kind);
          planted.push(p);
          let bytes = Buffer.from(JSON.stringify(bodyFor(r.api, content, extra, inExtra, p.value, where)));
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (mut.kind === 'truncate') bytes = bytes.subarray(0, mut.at % bytes.length);
          if (mut.kind === 'insert') {
            let at = mut.at % (bytes.length + 1);
            // A byte inserted inside the planted value, or glued to either end of it, makes another
            // string (a Slack token with a broken group, `AAKIA…`, a 17-character key id): not the
            // planted secret. Move it before the separator that precedes the value.
            const v = bytes.indexOf(p.value);
            if (v !== -1 && at >= v && at <= v + p.value.length) at = Math.max(0, v - 1);
            bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([mut.byte]), bytes.subarray(at)]);
          }
          if (mut.kind === 'gzip') {
            bytes = gzipSync(bytes);
            headers['content-encoding'] = 'gzip';
          }
          if (mut.kind === 'bad-type') headers['content-type'] = 'text/plain';
          const before = provider.requests.length;
          const res = await fetch(`${gw.url}${r.path}`, { method: 'POST', headers, body: bytes });
          const answer = await res.text();
          if (res.status >= 500) expect(res.headers.get('x-leakgate-error'), `${res.status} ${answer.slice(0, 200)}`).toBeNull();
          const seen = Buffer.concat(provider.requests.slice(before).map((q) => q.raw));
          expect(leaked(seen, [p]), `${mut.kind} ${r.api} ${kind}`).toEqual([]);
          provider.requests.length = 0;
        },
      ),
      // CI runs a fixed seed (the same inputs every run, so a failure is a regression, not luck);
      // LEAKGATE_FUZZ_SEED=random (or a number) explores other inputs.
      { numRuns: 150, interruptAfterTimeLimit: 8000, ...fuzzSeed() },
    );
  }, 20_000);
});
