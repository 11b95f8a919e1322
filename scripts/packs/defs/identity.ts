// Identity providers and secret managers. Formats from the providers' public documentation.
// (age secret keys are in private-keys.yaml; Supabase is in databases.yaml; JWT signing secrets are generic.)
import type { Def } from '../build.js';
import { CS, draw, r, raw, uuidSeg } from '../lib.js';

const UUID = uuidSeg();
/** A JWT header segment: base64url JSON with alg/typ/kid, as the jwt checksum expects. */
const jwtHeader = (alg: string): Def['body'][number] =>
  raw('eyJ[A-Za-z0-9_-]{10,400}', (g) => Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid: draw(g, CS.alnum.chars, 16) })).toString('base64url'), 'A-Za-z0-9_-');
const doppler = (kind: string, id: string, what: string, env: string, mid: Def['body'] = []): Def => ({
  id, provider: 'doppler', desc: `Doppler ${what} (dp.${kind}.)`, env, body: [`dp.${kind}.`, ...mid, r('alnum', 40, 44, 43)], keywords: [`dp.${kind}.`], severity: 'critical',
});
const vault = (p: string, id: string, what: string, min: number, gen: number): Def => ({
  id, provider: 'hashicorp', desc: `HashiCorp Vault ${what} (${p})`, env: 'VAULT_TOKEN', body: [p, r('b64url', min, 400, gen)], keywords: [p], severity: 'critical',
});

/** An optional group separator (generated with the dash). */
const DASH = raw('-?', () => '-', '-');

export const identity: Def[] = [
  { id: 'okta-api-token', provider: 'okta', desc: 'Okta API token (00 + 40) next to an Okta key name or SSWS scheme', env: 'OKTA_API_TOKEN',
    ctx: 'okta_?(?:api_?|client_?)?token|okta_?api_?key', ctxAlt: '\\bSSWS\\s{1,3}',
    ex2: (v) => `curl -H "Authorization: SSWS ${v}" https://acme.okta.com/api/v1/users`, body: ['00', r('b64url', 40)], keywords: ['okta', 'ssws'], confidence: 0.85, strength: 'strong', severity: 'critical' },
  { id: 'okta-client-secret', provider: 'okta', desc: 'Okta OIDC client secret (40-64 url-safe) next to an Okta key name', env: 'OKTA_CLIENT_SECRET',
    ctx: 'okta_?(?:oauth2?_?)?client_?secret', body: [r('b64url', 40, 64, 64)], keywords: ['okta'] },
  { id: 'auth0-client-secret', provider: 'auth0', desc: 'Auth0 application client secret (64 url-safe) next to an Auth0 key name', env: 'AUTH0_CLIENT_SECRET',
    ctx: 'auth0_?(?:client_?|app_?)?secret', body: [r('b64url', 64)], keywords: ['auth0'], confidence: 0.8 },
  { id: 'auth0-management-token', provider: 'auth0', desc: 'Auth0 Management API token (JWT) next to an Auth0 key name', env: 'AUTH0_MANAGEMENT_API_TOKEN',
    ctx: 'auth0_?(?:management_?|mgmt_?)?(?:api_?)?token', body: [jwtHeader('RS256'), '.', r('b64url', 40, 1000, 200), '.', r('b64url', 40, 700, 342)],
    checksum: 'jwt', keywords: ['auth0'], confidence: 0.8, strength: 'strong' },
  vault('hvs.', 'vault-service-token', 'service token', 90, 91),
  vault('hvb.', 'vault-batch-token', 'batch token', 100, 138),
  vault('hvr.', 'vault-recovery-token', 'recovery token', 20, 91),
  { id: 'vault-token-legacy', provider: 'hashicorp', desc: 'HashiCorp Vault legacy token (s. + 24) next to a Vault key name', env: 'VAULT_TOKEN',
    ctx: 'vault_?(?:root_?|client_?)?token|x-vault-token', body: ['s.', r('alnum', 24)], keywords: ['vault'], confidence: 0.8, strength: 'strong', severity: 'critical' },
  { id: 'vault-unseal-key', provider: 'hashicorp', desc: 'HashiCorp Vault unseal key (base64, 44) after "Unseal Key N:"', env: 'Unseal Key 1',
    ctx: 'unseal[_ ]?key(?:\\s{0,2}[0-9]{1,2})?', body: [r('b64', 43), '='], endClass: 'A-Za-z0-9+/=', keywords: ['unseal'], confidence: 0.85, strength: 'strong', severity: 'critical',
    ex: (v) => `Unseal Key 1: ${v}` },
  { id: 'onepassword-service-account-token', provider: '1password', desc: '1Password service account token (ops_eyJ…)', env: 'OP_SERVICE_ACCOUNT_TOKEN',
    body: ['ops_eyJ', r('b64url', 250, 1000, 600), raw('={0,2}', () => '', '=')], endClass: 'A-Za-z0-9_=-', keywords: ['ops_eyj'], severity: 'critical' },
  { id: 'onepassword-secret-key', provider: '1password', desc: '1Password account Secret Key (A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX)', env: 'OP_SECRET_KEY',
    // The groups after the account id are for reading: 1Password takes the key with or without those dashes,
    // and copies lose one now and then, so each is optional (the A3- prefix and the lengths stay fixed).
    body: ['A3-', r('upper', 6), DASH, r('upper', 6), DASH, r('upper', 5), DASH, r('upper', 5), DASH, r('upper', 5), DASH, r('upper', 5)], keywords: ['a3-'], entropy: 3.0, severity: 'critical' },
  { id: 'onepassword-connect-token', provider: '1password', desc: '1Password Connect server token (JWT) next to a Connect key name', env: 'OP_CONNECT_TOKEN',
    ctx: 'op_?connect_?token', body: [jwtHeader('ES256'), '.', r('b64url', 40, 1000, 300), '.', r('b64url', 40, 200, 86)],
    checksum: 'jwt', keywords: ['op_connect', 'opconnect'], confidence: 0.85, strength: 'strong' },
  doppler('pt', 'doppler-personal-token', 'personal token', 'DOPPLER_TOKEN'),
  doppler('st', 'doppler-service-token', 'service token', 'DOPPLER_TOKEN', [raw('(?:[a-z0-9_-]{2,35}\\.)?', (g) => (g() < 0.5 ? '' : 'prd.'), 'a-z0-9_.-')]),
  doppler('sa', 'doppler-service-account-token', 'service account token', 'DOPPLER_TOKEN'),
  doppler('ct', 'doppler-cli-token', 'CLI token', 'DOPPLER_TOKEN'),
  doppler('scim', 'doppler-scim-token', 'SCIM token', 'DOPPLER_SCIM_TOKEN'),
  doppler('audit', 'doppler-audit-token', 'audit token', 'DOPPLER_AUDIT_TOKEN'),
  { id: 'infisical-service-token', provider: 'infisical', desc: 'Infisical service token (st.<id>.<secret>.<key>)', env: 'INFISICAL_TOKEN',
    body: ['st.', r('hex', 24), '.', r('hex', 32), '.', r('hex', 32)], keywords: ['st.'], severity: 'critical' },
  { id: 'infisical-client-secret', provider: 'infisical', desc: 'Infisical universal-auth client secret (64 hex) next to an Infisical key name', env: 'INFISICAL_CLIENT_SECRET',
    ctx: 'infisical_?(?:universal_?auth_?)?client_?secret', body: [r('hex', 64)], keywords: ['infisical'], confidence: 0.85, strength: 'strong' },
  { id: 'akeyless-access-key', provider: 'akeyless', desc: 'Akeyless access key (base64 44) next to an Akeyless key name', env: 'AKEYLESS_ACCESS_KEY',
    ctx: 'akeyless_?(?:access_?)?key', body: [r('b64', 43), '='], endClass: 'A-Za-z0-9+/=', keywords: ['akeyless'], confidence: 0.8, strength: 'strong' },
  { id: 'clerk-secret-key', provider: 'clerk', desc: 'Clerk secret key (sk_live_; sk_test_ is development) next to a Clerk key name', env: 'CLERK_SECRET_KEY',
    ctx: 'clerk_?(?:api_?)?secret_?key', body: [raw('sk_(?:live|test)_', () => 'sk_live_', 'a-z_'), r('alnum', 40, 60, 42)], keywords: ['clerk'], confidence: 0.97, strength: 'strong',
    testMode: (v) => v.replace('_live_', '_test_'), not: ['NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_live_Y2xlcmsuZXhhbXBsZS5jb20k'] },
  { id: 'keycloak-client-secret', provider: 'keycloak', desc: 'Keycloak client secret (32 alnum) next to a Keycloak key name', env: 'KEYCLOAK_CLIENT_SECRET',
    ctx: 'keycloak_?(?:client_?)?secret|kc_?client_?secret', body: [r('alnum', 32)], keywords: ['keycloak', 'kc_client'] },
  { id: 'stytch-secret', provider: 'stytch', desc: 'Stytch project secret (secret-live-; secret-test- is test mode)', env: 'STYTCH_SECRET',
    body: [raw('secret-(?:live|test)-', () => 'secret-live-', 'a-z-'), r('b64url', 36)], keywords: ['secret-live-', 'secret-test-'], testMode: (v) => v.replace('-live-', '-test-') },
  { id: 'workos-api-key', provider: 'workos', desc: 'WorkOS API key (sk_…) next to a WorkOS key name', env: 'WORKOS_API_KEY',
    ctx: 'workos_?(?:api_?)?key', body: ['sk_', raw('(?:live_|test_)?[A-Za-z0-9_-]{30,120}', (g) => draw(g, CS.alnum.chars, 44), 'A-Za-z0-9_-')], keywords: ['workos'], confidence: 0.85, strength: 'strong' },
  { id: 'ory-personal-access-token', provider: 'ory', desc: 'Ory Network personal/project API key (ory_pat_ / ory_apikey_)', env: 'ORY_API_KEY',
    body: [raw('ory_(?:pat|apikey)_', (g) => (g() < 0.5 ? 'ory_pat_' : 'ory_apikey_'), 'a-z_'), r('alnum', 32)], keywords: ['ory_pat_', 'ory_apikey_'] },
  { id: 'bitwarden-sm-access-token', provider: 'bitwarden', desc: 'Bitwarden Secrets Manager machine-account access token (0.<uuid>.<secret>:<key>)', env: 'BWS_ACCESS_TOKEN',
    body: ['0.', UUID, '.', r('alnum', 30), ':', r('b64', 22), '=='], endClass: 'A-Za-z0-9+/=', keywords: ['bws_access_token', '0.'], severity: 'critical' },
  { id: 'duo-secret-key', provider: 'duo', desc: 'Duo Security integration secret key (40 alnum) next to a Duo key name', env: 'DUO_SECRET_KEY',
    ctx: 'duo_?(?:integration_?)?(?:secret_?key|skey|client_?secret)', body: [r('alnum', 40)], keywords: ['duo'] },
  { id: 'onelogin-client-secret', provider: 'onelogin', desc: 'OneLogin API client secret (64 hex) next to a OneLogin key name', env: 'ONELOGIN_CLIENT_SECRET',
    ctx: 'onelogin_?(?:api_?)?client_?secret', body: [r('hex', 64)], keywords: ['onelogin'] },
  { id: 'jumpcloud-api-key', provider: 'jumpcloud', desc: 'JumpCloud API key (40 hex) next to a JumpCloud key name', env: 'JUMPCLOUD_API_KEY',
    ctx: 'jumpcloud_?(?:api_?)?key|jc_?api_?key', body: [r('hex', 40)], keywords: ['jumpcloud', 'jc_api'] },
  { id: 'cyberark-conjur-api-key', provider: 'cyberark', desc: 'CyberArk Conjur API key (51-55 lowercase alnum) next to a Conjur key name', env: 'CONJUR_AUTHN_API_KEY',
    ctx: 'conjur_?(?:authn_?)?api_?key', body: [r('lower', 50, 56, 53)], keywords: ['conjur'] },
];
