// Key-name, header and value cues added for the 2026-12-04 detection round: identifier names (…Id),
// data-structure key names (foreignKey, cacheKey), anti-forgery tokens, a value in an Authorization
// header (any scheme, any shape), base64 of example text, the next line's `name=` under an empty value,
// weak user:password pairs, and values of real code that are not credentials (identifiers, prose,
// hex constants, host paths, XML names, JSONPath / format templates).
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/detect/engine.js';
import type { Finding } from '../../src/detect/types.js';
import { benignSignals } from '../../src/detect/context/benign.js';
import { rngFor } from '../../scripts/packs/lib.js';

const engine = createEngine({ maxDecodeDepth: 0 });
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

// Seeded: these tests are about cues, not rates.
const next = rngFor('context-names');
function rand(n: number, alphabet = B62): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

const scan = (text: string): Finding[] => engine.scanRules([{ path: 'p', text }]);
const genuine = (text: string): string[] => scan(text).filter((f) => f.class === 'genuine').map((f) => f.value);

describe('key-name cues', () => {
  it('a name ending in an identifier word (credentialId, token_id) names a credential, it is not one', () => {
    const v = rand(22);
    expect(genuine(`"credentialId": "${v}",`)).toEqual([]);
    expect(genuine(`access_token_id = "${v}"`)).toEqual([]);
    // …unless the name says secret or password (Vault AppRole secret_id is a secret).
    expect(genuine(`secret_id = "${v}"`)).toEqual([v]);
    expect(genuine(`credential = "${v}"`)).toEqual([v]);
  });

  it('data-structure …Key names are not cryptographic keys; primaryKey (Azure access keys) still is', () => {
    const v = rand(30);
    expect(genuine(`foreignKey=${v}`)).toEqual([]);
    expect(genuine(`partition_key = "${v}"`)).toEqual([]);
    expect(genuine(`cacheKey: "${v}"`)).toEqual([]);
    expect(genuine(`primaryKey = "${v}"`)).toEqual([v]);
    expect(genuine(`signingKey = "${v}"`)).toEqual([v]);
  });

  it('anti-forgery (CSRF/XSRF) tokens are not credentials; other tokens are', () => {
    const v = `${rand(40)}+${rand(40)}==`;
    expect(genuine(`csrf-token=${v}`)).toEqual([]);
    expect(genuine(`"xsrfToken": "${v}"`)).toEqual([]);
    expect(genuine(`session_token=${v}`)).toEqual([v]);
  });

  it('creds is a secret-like key name', () => {
    const v = rand(30);
    expect(genuine(`creds = ${v}`)).toEqual([v]);
  });
});

describe('Authorization header values', () => {
  it('the word after any scheme is the credential, hex and UUID shapes included', () => {
    const hex = rand(40, HEX);
    expect(genuine(`curl -H "Authorization: Token ${hex}" https://api.vendor.corp`)).toEqual([hex]);
    const uuid = [8, 4, 4, 4, 12].map((n) => rand(n, HEX)).join('-');
    expect(genuine(`curl -H 'Authorization: Api-Key ${uuid}' https://api.vendor.corp`)).toEqual([uuid]);
    const b62 = rand(32);
    expect(genuine(`Authorization: ${b62}`)).toEqual([b62]);
  });

  it('templates, code and plain words after Authorization are not', () => {
    expect(genuine('Authorization: Token <your-token>')).toEqual([]);
    expect(genuine('authorization: ${AUTH_HEADER}')).toEqual([]);
    expect(genuine('headers.authorization = getAuthorizationHeader(request)')).toEqual([]);
    expect(genuine('authorization: required')).toEqual([]);
  });

  it('a bare hex digest not in a header stays benign', () => {
    expect(genuine(`sha = "${rand(40, HEX)}"`)).toEqual([]);
  });
});

describe('value cues', () => {
  it('base64 of text that says it is an example is a placeholder', () => {
    const dummy = Buffer.from('dummy text data data data').toString('base64');
    const found = scan(`ANY_KEY = ${dummy}`);
    expect(found.filter((f) => f.class === 'genuine')).toEqual([]);
    // …while base64 of random bytes under the same name is still reported.
    const real = Buffer.from(rand(30)).toString('base64');
    expect(genuine(`ANY_KEY = ${real}`)).toEqual([real]);
  });

  it("an empty assignment followed by the next line's name=value is not a secret", () => {
    expect(genuine('jdbc.snowflake.password=\njdbc.snowflake.url=jdbc:snowflake://acme.snowflakecomputing.com')).toEqual([]);
    expect(genuine('DB_PASSWORD=\nDB_URL=postgres://db.internal.corp/app')).toEqual([]);
  });
});

describe('values from real code that are not credentials', () => {
  it('camelCase / snake identifiers with a digit or two, and word:word pairs', () => {
    expect(genuine('creds_dict = _ConvertOauth2ClientCredentialsToADC(credentials)')).toEqual([]);
    expect(genuine('auth_view = Base64DecodingYamlAuthorizedViewDefinition')).toEqual([]);
    expect(genuine("P12_SERVICE_ACCOUNT_CREDS_NAME = 'service_account_p12'")).toEqual([]);
    expect(genuine('SUBJECT_TOKEN_TYPE_AUTH = token-type:jwt')).toEqual([]);
    expect(genuine('auth_kind = "samlp:AttributeQuery"')).toEqual([]);
  });

  it('CJK prose, short hex constants, host paths and templates', () => {
    expect(genuine('"Signature_required_4035": "呼び出しターゲットにシグネチャが含まれていません。"')).toEqual([]);
    expect(genuine('readonly PASSWORD_ALIGNMENT: 0x8C2F;')).toEqual([]);
    expect(genuine('auth_api = "authentication.gke.io/v1alpha1"')).toEqual([]);
    expect(genuine("token_path: '{.credential.access_token}'")).toEqual([]);
    expect(genuine('auth_url = "{}/dnsAuthorizations/{}"')).toEqual([]);
  });

  it('a random value under the same names is still reported', () => {
    const v = rand(28);
    expect(genuine(`auth_view = ${v}`)).toEqual([v]);
    const hex = `0x${rand(64, HEX)}`;
    expect(genuine(`PRIVATE_KEY=${hex}`)).toEqual([hex]);
  });

  it('a user:password pair with a weak or bracketed password is a placeholder', () => {
    expect(genuine('curl -u username:token https://api.vendor.corp')).toEqual([]);
    expect(genuine('curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/')).toEqual([]);
    const pw = rand(14);
    expect(genuine(`curl -u deploy:${pw} https://api.vendor.corp`)).toEqual([`deploy:${pw}`]);
  });
});

describe('identifier cues on random values', () => {
  it('random lower-case alphanumeric groups joined by - _ : are rarely taken for word names (< 1%)', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const rates: string[] = [];
    for (const shape of [[4, 4, 4, 4], [5, 5, 5, 5, 5], [6, 6, 6], [8, 4, 4, 4, 12], [10, 10]])
      for (const sep of ['-', '_', ':']) {
        let hit = 0;
        const n = 4000;
        for (let i = 0; i < n; i++) {
          const v = shape.map((len) => rand(len, alphabet)).join(sep);
          if (benignSignals({ value: v, before: 'x = ' }).includes('benign:identifier')) hit++;
        }
        if (hit / n >= 0.01) rates.push(`${shape.join('.')} '${sep}': ${((hit / n) * 100).toFixed(2)}%`);
      }
    expect(rates).toEqual([]);
  });
});
