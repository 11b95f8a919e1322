// General context cues: an XML element holding its value on the next line is an assignment; key
// names that say "public" or describe the secret (…_NAME, …Type, ….file) make a generic match benign;
// host names and the next line's `NAME=` are not values; a repeated group is a typed placeholder.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import type { Finding } from '../../src/detect/types.js';
import { rngFor } from '../../scripts/packs/lib.js';

const engine = createEngine({ maxDecodeDepth: 0 });
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Seeded: these tests are about cues, not rates (placeholder-cues.test.ts measures rates on random values).
const next = rngFor('context-cues');
function rand(n: number, alphabet = B62): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

const genuine = (text: string): Finding[] => engine.scanRules([{ path: 'p', text }]).filter((f) => f.class === 'genuine');

describe('context cues', () => {
  it('an XML element with a secret-like name holds its value on the next line: hex and UUID values count', () => {
    const hex = rand(32, '0123456789abcdef');
    expect(genuine(`<herokuToken>\n    ${hex}\n</herokuToken>`).map((f) => f.value)).toEqual([hex]);
    const uuid = [8, 4, 4, 4, 12].map((n) => rand(n, '0123456789abcdef')).join('-');
    expect(genuine(`<apiToken>\n  ${uuid}\n</apiToken>`).map((f) => f.value)).toEqual([uuid]);
    // …but an id element is an identifier.
    expect(genuine(`<UserSecretsId>${uuid}</UserSecretsId>`)).toEqual([]);
  });

  it('public / publishable key names are not secrets; a private one next to them still is', () => {
    const v = rand(43);
    expect(genuine(`public_key = "${v}"`)).toEqual([]);
    expect(genuine(`publicToken = "${v}"`)).toEqual([]);
    expect(genuine(`private_key = "${v}"`).map((f) => f.value)).toEqual([v]);
  });

  it('descriptive key names (name, type, file, expiry) do not make their value a secret', () => {
    expect(genuine('LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"')).toEqual([]);
    expect(genuine('app.keystore.file=env/cert.p12')).toEqual([]);
    expect(genuine(`tokenType = "${rand(20)}"`)).toEqual([]);
    const v = rand(24);
    expect(genuine(`api_token = "${v}"`).map((f) => f.value)).toEqual([v]);
  });

  it('host names and the next assignment name are not values', () => {
    expect(genuine('Authentication-Results: 5h.ca.iphmx.com')).toEqual([]);
    expect(genuine('dev.credentials.url=dev-lb1.api.f4ke.com:5215')).toEqual([]);
    expect(genuine('GITHUB_API_KEY=\nDYNATRACE_API_KEY=')).toEqual([]);
  });

  it('one group repeated three times is a placeholder, random groups are not', () => {
    expect(genuine('token = "xoxp-1234-1234-1234-4ddbc191d40ee098cbaae6f3523ada2d"')).toEqual([]);
    const v = `${rand(6)}-${rand(6)}-${rand(6)}-${rand(12)}`;
    expect(genuine(`token = "${v}"`).map((f) => f.value)).toEqual([v]);
  });

  it('a provider key-name detector takes every assignment form (Go := with backticks, typed, Makefile ?=)', () => {
    const v = `live_${rand(35, '0123456789abcdef')}`;
    for (const text of [`lobToken := \`${v}\``, `var lobToken string = "${v}"`, `LOB_API_KEY ?= ${v}`, `lob_secret += "${v}"`]) {
      const f = engine.scanRules([{ path: 'p', text }]).find((x) => x.value === v);
      expect(f?.type, text).toBe('lob-live-api-key');
      expect(f?.class, text).toBe('genuine');
    }
  });

  it('sidekiq gem-server credentials in a JSON-escaped env line end at the escape', () => {
    const v = `${rand(8, '0123456789abcdef')}:${rand(8, '0123456789abcdef')}`;
    const f = engine.scanRules([{ path: 'p', text: `{"config.ini": "BUNDLE_GEMS__CONTRIBSYS__COM=${v}\\nBACKUP_ENABLED=true"}` }]);
    expect(f.filter((x) => x.class === 'genuine').map((x) => [x.value, x.type])).toEqual([[v, 'sidekiq-enterprise-credentials']]);
  });
});
