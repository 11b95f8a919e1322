// Round-3 rule changes: a quoted or unquoted value assigned to a secret-like name runs over backslash
// escapes inside it (an escape is part of the literal), but still ends at an escaped line break or quote;
// a value whose dotted segments are random is a token even when it ends in `.` (not member access).
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import type { Finding } from '../../src/detect/types.js';
import { rngFor } from '../../scripts/packs/lib.js';

const engine = createEngine({ maxDecodeDepth: 0 });
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const next = rngFor('rules-round3');
function rand(n: number, alphabet = B62): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}
// A random body that carries a few digits (as issued tokens do), so the test never depends on luck.
const body = (n: number): string => rand(n - 3) + rand(3, '0123456789');

const genuine = (text: string): Finding[] => engine.scanRules([{ path: 'p', text }]).filter((f) => f.class === 'genuine');

describe('backslash escapes inside an assigned value', () => {
  it('a quoted token with an escape inside is reported whole, in every quoting style', () => {
    const v = `${body(24)}.${body(10)}\\q${body(9)}`;
    for (const text of [`apiToken = "${v}";`, `api_token: '${v}'`, `token := \`${v}\``, `"auth_token": "${v}"`]) {
      expect(genuine(text).map((f) => f.value)).toEqual([v]);
    }
  });

  it('an unquoted token with an escape inside is reported whole', () => {
    const v = `${body(20)}\\q${body(12)}`;
    expect(genuine(`ACCESS_TOKEN=${v}`).map((f) => f.value)).toEqual([v]);
  });

  it('a quoted password with a backslash is one value, not a fragment', () => {
    const v = `Tq8#${rand(4)}\\d${rand(3)}!9`;
    expect(genuine(`db_password = "${v}"`).map((f) => f.value)).toEqual([v]);
  });

  it('an escaped newline or quote still ends the value (JSON-embedded files)', () => {
    const v = body(24);
    expect(genuine(`{"config.ini": "SERVICE_TOKEN=${v}\\nBACKUP_ENABLED=true"}`).map((f) => f.value)).toEqual([v]);
    expect(genuine(`{"env": "api_token=\\"${v}\\""}`).map((f) => f.value)).toEqual([v]);
  });
});

describe('a trailing dot is not member access when the segments are random', () => {
  it('header.payload. style values stay tokens', () => {
    const v = `${body(28)}.${body(20)}.`;
    expect(genuine(`session_token = "${v}"`).map((f) => f.value)).toEqual([v]);
  });

  it('member access and call chains are still code', () => {
    expect(genuine('api_token = "config.secrets.token."')).toEqual([]);
    expect(genuine('auth_token = settings.apiToken.')).toEqual([]);
  });
});

describe('provider formats widened to what the providers document', () => {
  const HEX = '0123456789abcdef';
  const mixedCase = (s: string): string => [...s].map((c) => (next() < 0.5 ? c.toUpperCase() : c)).join('');
  const typeOf = (text: string): string[] => genuine(text).map((f) => f.type);

  it('Sourcegraph tokens in any hex case, with an instance id or local_', () => {
    for (const v of [`sgp_${mixedCase(rand(40, HEX))}`, `sgp_${mixedCase(rand(16, HEX))}_${mixedCase(rand(40, HEX))}`, `sgp_local_${mixedCase(rand(40, HEX))}`]) {
      expect(genuine(v).map((f) => [f.type, f.value])).toEqual([['sourcegraph-access-token', v]]);
    }
  });

  it('Shopify prefixed tokens take any alphanumeric 32-character body (documented as prefix + 32 characters)', () => {
    for (const p of ['shpat_', 'shpca_', 'shppa_', 'shpss_']) {
      const v = p + body(32);
      expect(genuine(v).map((f) => f.value)).toEqual([v]);
    }
    expect(genuine('shpssSSSSS_SSSS_sssss is not a key')).toEqual([]);
  });

  it('1Password Secret Keys with or without the group dashes', () => {
    const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const groups = [6, 6, 5, 5, 5, 5].map((n) => rand(n - 1, UP) + rand(1, '0123456789'));
    for (const v of [`A3-${groups.join('-')}`, `A3-${groups[0]}-${groups.slice(1).join('')}`, `A3-${groups[0]}-${groups[1]}${groups[2]}-${groups.slice(3).join('-')}`]) {
      expect(genuine(`OP_SECRET_KEY=${v}`).map((f) => [f.type, f.value])).toEqual([['onepassword-secret-key', v]]);
    }
  });

  it('the bare provider name is enough context for Cloudflare-shaped values, a longer name is not', () => {
    const key = rand(37, HEX);
    const tok = body(40);
    expect(typeOf(`cloudflare: "${key}"`)).toEqual(['cloudflare-global-api-key']);
    expect(typeOf(`{"cloudflare": "${tok}"}`)).toEqual(['cloudflare-api-token']);
    expect(typeOf(`cloudflare_zone_digest: "${key}"`)).not.toContain('cloudflare-global-api-key');
  });
});

describe('context cues on names and nearby words', () => {
  it('a secret word running on into an ordinary word is not a secret name; another secret word keeps it', () => {
    const v = body(20);
    expect(genuine(`minisat-master-keying: ${v}`)).toEqual([]);
    expect(genuine(`keyboard_token_layout = "${v}"`).map((f) => f.value)).toEqual([v]);
    expect(genuine(`authorization_token = "${v}"`).map((f) => f.value)).toEqual([v]);
    expect(genuine(`master_key = "${v}"`).map((f) => f.value)).toEqual([v]);
  });

  it('"e.g." before a typed value marks it as an example (the cue used to need a letter right after the dot)', () => {
    const all = (text: string): Finding[] => engine.scanRules([{ path: 'p', text }]);
    const f = all('# e.g.) api_token = "Secr3tTok3n"');
    expect(f.map((x) => x.signals.includes('nearby:example'))).toEqual([true]);
    expect(f.map((x) => x.class)).toEqual(['placeholder']);
  });
});

describe('a provider prefix on a value too short for its format', () => {
  const all = (text: string): Finding[] => engine.scanRules([{ path: 'p', text }]);
  it('a generic match on a cut-off provider-prefixed value is a placeholder, not a genuine secret', () => {
    for (const v of [`sq0csp-${body(10)}`, `ghp_${body(12)}`, `npm_${body(16)}`, `AIza${body(20)}`]) {
      const f = all(`service_token = "${v}"`);
      expect(f.map((x) => [x.value, x.class])).toEqual([[v, 'placeholder']]);
      expect(f[0]?.signals).toContain('placeholder:truncated-format');
    }
  });

  it('a body longer than documented (a lengthened format) and a full-length one are not demoted', () => {
    const longer = `ghp_${body(44)}`;
    expect(genuine(`service_token = "${longer}"`).map((f) => f.value)).toEqual([longer]);
    const sq = `sq0csp-${body(43)}`;
    expect(genuine(`square_secret = "${sq}"`).map((f) => f.value)).toEqual([sq]);
  });
});
