// Value generators: genuine credentials in real formats (random bodies, never real keys),
// placeholders of every kind, and benign look-alikes. Each returns the value, the finding type
// the rules would give it, and whether the rules would call its structure strong.
import { type Rng, HEX, UPPER, LOWER, DIGITS, ALNUM, B64, B64URL, B32 } from './rng.js';

export interface Val {
  value: string;
  /** Finding type; 'generic' is resolved later from the key name (password / api-key / entropy). */
  type: string;
  strong: boolean;
  /** Value family name (for the data card). */
  kind: string;
}

const SYM = '!@#$%^&*-_+=?.';
const b64pad = (s: string): string => s + '='.repeat((4 - (s.length % 4)) % 4);

function password(r: Rng): string {
  const style = r.int(0, 3);
  if (style === 0) return r.str(ALNUM + SYM, r.int(10, 24));
  if (style === 1) {
    const w = ['Blue', 'Horse', 'Tank', 'River', 'Maple', 'Orbit', 'Falcon', 'Cedar', 'Quartz', 'Nimbus', 'Copper', 'Violet'];
    return r.pick(w) + r.str(DIGITS, r.int(1, 3)) + r.pick(['!', '#', '$', '%', '&', '*']) + r.pick(w) + r.str(ALNUM, r.int(2, 5));
  }
  if (style === 2) return r.str(ALNUM, r.int(12, 20)) + r.pick(['!', '@', '#', '$']) + r.str(DIGITS, 2);
  return r.str(LOWER + DIGITS, r.int(14, 24));
}

function jwt(r: Rng): string {
  const header = Buffer.from(JSON.stringify({ alg: r.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({ sub: r.str(DIGITS, 8), iat: 1_700_000_000 + r.int(0, 9_999_999), role: r.pick(['admin', 'service', 'user']), jti: r.str(HEX, 16) }),
  ).toString('base64url');
  return `${header}.${payload}.${r.str(B64URL, r.pick([43, 86, 342]))}`;
}

export function genuine(r: Rng): Val {
  const k = r.int(0, 28);
  switch (k) {
    case 0:
      return { value: `sk-proj-${r.str(B64URL, r.int(74, 156))}`, type: 'openai-api-key', strong: true, kind: 'openai' };
    case 1:
      return { value: `sk-ant-api03-${r.str(B64URL, 93)}AA`, type: 'anthropic-api-key', strong: true, kind: 'anthropic' };
    case 2:
      return { value: `ghp_${r.str(ALNUM, 36)}`, type: 'github-pat', strong: true, kind: 'github' };
    case 3:
      return { value: `AKIA${r.str(UPPER.slice(0) + '234567', 16)}`, type: 'aws-access-key-id', strong: true, kind: 'aws-id' };
    case 4:
      return { value: r.str(B64, 40), type: 'aws-secret-access-key', strong: false, kind: 'aws-secret' };
    case 5:
      return { value: `xoxb-${r.str(DIGITS, 12)}-${r.str(DIGITS, 13)}-${r.str(ALNUM, 24)}`, type: 'slack-bot-token', strong: true, kind: 'slack' };
    case 6:
      return { value: `sk_live_${r.str(ALNUM, r.int(24, 99))}`, type: 'stripe-secret-key', strong: true, kind: 'stripe' };
    case 7:
      return { value: `AIza${r.str(B64URL, 35)}`, type: 'gcp-api-key', strong: true, kind: 'gcp' };
    case 8:
      return { value: `glpat-${r.str(B64URL, 20)}`, type: 'gitlab-pat', strong: true, kind: 'gitlab' };
    case 9:
      return { value: `hf_${r.str(LOWER + UPPER, 34)}`, type: 'huggingface-token', strong: true, kind: 'hf' };
    case 10:
    case 11:
      return { value: r.str(HEX, r.pick([32, 40, 48, 64])), type: 'generic', strong: false, kind: 'hex' };
    case 12:
    case 13:
      return { value: r.str(B64, r.int(20, 64)), type: 'generic', strong: false, kind: 'base64' };
    case 14:
    case 15:
      return { value: r.str(ALNUM, r.int(16, 48)), type: 'generic', strong: false, kind: 'alnum' };
    case 16:
      return { value: b64pad(r.str(B64, r.int(30, 60))), type: 'generic', strong: false, kind: 'base64-padded' };
    case 17:
    case 18:
    case 19:
    case 20:
      return { value: password(r), type: 'generic-password', strong: false, kind: 'password' };
    case 21:
      return { value: jwt(r), type: 'jwt', strong: false, kind: 'jwt' };
    case 22: {
      const pw = password(r).replace(/[@/:?#]/g, 'x');
      const scheme = r.pick(['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'redis', 'amqp']);
      return { value: `${scheme}://${r.pick(['app', 'admin', 'svc_user', 'root', 'deploy'])}:${pw}@${r.pick(['db', 'prod-db', 'cluster0.x1y2z', 'cache'])}.${r.pick(['internal', 'corp.net', 'mongodb.net', 'rds.amazonaws.com'])}:${r.pick([5432, 3306, 27017, 6379, 5672])}/${r.pick(['app', 'main', 'orders'])}`, type: 'connection-string', strong: false, kind: 'conn-url' };
    }
    case 23:
      return { value: `${r.str(ALNUM, 8)}-${r.str(ALNUM, 4)}-${r.str(ALNUM, 4)}-${r.str(ALNUM, 12)}`, type: 'generic', strong: false, kind: 'dashed' };
    case 24:
      return { value: `npm_${r.str(ALNUM, 36)}`, type: 'npm-token', strong: true, kind: 'npm' };
    case 25:
      return { value: `SG.${r.str(B64URL, 22)}.${r.str(B64URL, 43)}`, type: 'sendgrid-api-key', strong: true, kind: 'sendgrid' };
    case 26:
      return { value: r.str(B32, r.pick([16, 32])), type: 'generic', strong: false, kind: 'base32' };
    case 28:
      // Many services issue UUID-shaped API keys/tokens (Heroku-style): under a secret name they are secrets.
      return { value: `${r.str(HEX, 8)}-${r.str(HEX, 4)}-${r.str(HEX, 4)}-${r.str(HEX, 4)}-${r.str(HEX, 12)}`, type: 'generic', strong: false, kind: 'uuid-token' };
    default:
      return { value: `${r.str(LOWER + DIGITS, r.int(24, 40))}`, type: 'generic', strong: false, kind: 'lower-alnum' };
  }
}

const PLACEHOLDER_LITERALS = [
  'YOUR_API_KEY', 'YOUR_API_KEY_HERE', 'your-api-key', 'your_api_key_here', '<your-api-key>', '<API_KEY>', '<YOUR_TOKEN>', '<token>',
  '<password>', '[YOUR_SECRET]', 'INSERT_KEY_HERE', 'INSERT_YOUR_TOKEN', 'REPLACE_ME', 'replace-with-your-key', 'changeme', 'change-me',
  'CHANGE_ME', 'changeit', 'password', 'Password1', 'password123', 'P@ssw0rd', 'secret', 'mysecret', 'supersecret', 's3cr3t', 'admin',
  'admin123', 'root', 'test', 'testing', 'test123', 'testpassword', 'dummy', 'dummy-token', 'fake', 'fake-key', 'fake_api_key',
  'xxxxxxxx', 'xxxxxxxxxxxxxxxxxxxxxxxx', 'XXXXXXXXXXXXXXXXXXXX', 'XXXX-XXXX-XXXX-XXXX', '********', '****************', '...',
  'sk-...', 'sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'sk-proj-xxxxxxxxxxxxxxxxxxxxxxxx', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'abc123', 'abcdef', '12345678', '123456789012345678',
  '0000000000000000', 'aaaaaaaaaaaaaaaa', '1111111111111111', 'foo', 'foobar', 'bar', 'my-secret-key', 'my_secret_token', 'mysecretpassword',
  'example-api-key-123', 'example_token', 'EXAMPLE_KEY', 'test-api-key', 'test_token_123', 'fake_token_for_tests', 'dummy-secret-value',
  'not-a-real-key', 'notarealtoken', '<redacted>', '[REDACTED]', 'REDACTED', 'null', 'None', 'TODO', 'TBD', 'sample-key',
  'abcdef0123456789abcdef0123456789', '0123456789abcdef0123456789abcdef', '1234567890abcdef', 'sk_test_key', 'pass', 'qwerty', 'letmein',
  'hunter2', 'hello123', 'default', 'key', 'token', 'apikey', 'api-key-goes-here', 'PUT_YOUR_KEY_HERE', 'your-secret', 'mypassword',
  'secret123', 'xoxb-your-token', 'xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx', 'glpat-xxxxxxxxxxxxxxxxxxxx', 'hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
];

const ENV_NAMES = ['API_KEY', 'OPENAI_API_KEY', 'TOKEN', 'DB_PASSWORD', 'SECRET_KEY', 'GITHUB_TOKEN', 'AUTH_TOKEN', 'STRIPE_KEY', 'CLIENT_SECRET'];

export function placeholder(r: Rng): Val {
  const k = r.int(0, 13);
  const env = r.pick(ENV_NAMES);
  let value: string;
  let type = 'generic';
  let strong = false;
  let kind = 'literal';
  switch (k) {
    case 0:
      value = r.pick([`\${${env}}`, `\${{ secrets.${env} }}`, `{{ .Values.${env.toLowerCase()} }}`, `{{${env.toLowerCase()}}}`, `%(${env.toLowerCase()})s`, `$${env}`, `\${env:${env}}`, `@@${env}@@`, `#{${env}}`, `{${env.toLowerCase()}}`]);
      kind = 'template';
      break;
    case 1:
      value = r.pick([`process.env.${env}`, `os.environ["${env}"]`, `os.getenv("${env}")`, `ENV["${env}"]`, `System.getenv("${env}")`, `env("${env}")`]);
      kind = 'env-ref';
      break;
    case 2:
      // Made-up test-style keys with a placeholder cue (a real test-account key is genuine: testModeKey()).
      value = madeUpTestKey(r);
      kind = 'test-style-fake';
      break;
    case 3: {
      const base = r.pick(['sk-', 'ghp_', 'AKIA', 'xoxb-', 'glpat-', 'sk_live_', 'AIza', '']);
      const fill = r.pick(['x', 'X', '0', '*', 'a', '1']);
      value = base + fill.repeat(r.int(16, 40));
      kind = 'filled-prefix';
      if (base !== '') {
        type = 'provider-shaped';
        strong = true;
      }
      break;
    }
    case 4: {
      const w = r.pick(['EXAMPLE', 'example', 'FAKE', 'fake', 'TEST', 'test', 'DUMMY', 'SAMPLE']);
      const body = r.str(ALNUM, r.int(10, 24));
      value = r.pick([body + w, w + body, body.slice(0, 6) + w + body.slice(6), `${w.toLowerCase()}-${body}`]);
      kind = 'marked-random';
      break;
    }
    case 5: {
      const u = r.pick(['YOUR', 'MY', 'INSERT', 'ENTER', 'PUT']);
      const n = r.pick(['API_KEY', 'TOKEN', 'SECRET', 'PASSWORD', 'ACCESS_KEY', 'CLIENT_SECRET', 'KEY']);
      value = r.pick([`${u}_${n}`, `${u}_${n}_HERE`, `<${u}_${n}>`, `${u.toLowerCase()}-${n.toLowerCase().replace(/_/g, '-')}`, `<${n.toLowerCase()}>`]);
      kind = 'your-x';
      break;
    }
    case 6: {
      const seq = r.pick(['abcdefghijklmnopqrstuvwxyz', '0123456789', 'ABCDEFGHIJKLMNOP', 'abcdef0123456789', 'qwertyuiop']);
      value = seq.repeat(4).slice(0, r.int(12, 40));
      kind = 'sequence';
      break;
    }
    case 7:
      value = r.pick(['*', 'x', 'X', '•', '#', '0']).repeat(r.int(6, 32));
      kind = 'mask';
      break;
    default:
      value = r.pick(PLACEHOLDER_LITERALS);
      kind = 'literal';
      if (/^(sk-|ghp_|AKIA|xoxb-|glpat-|hf_)/.test(value)) {
        type = 'provider-shaped';
        strong = true;
      }
  }
  return { value, type, strong, kind };
}

function uuid(r: Rng): string {
  return `${r.str(HEX, 8)}-${r.str(HEX, 4)}-4${r.str(HEX, 3)}-${r.pick(['8', '9', 'a', 'b'])}${r.str(HEX, 3)}-${r.str(HEX, 12)}`;
}

export interface BenignVal extends Val {
  /** Key names that go naturally with this value. */
  keys: readonly string[];
}

export function benign(r: Rng): BenignVal {
  const k = r.int(0, 16);
  const v = (value: string, kind: string, keys: readonly string[], type = 'generic'): BenignVal => ({ value, type, strong: false, kind, keys });
  switch (k) {
    case 0:
      return v(uuid(r), 'uuid', ['id', 'uuid', 'request_id', 'requestId', 'user_id', 'correlation_id', 'tenant_id', 'trace_id', 'session_id', 'installation_id', 'client_id']);
    case 1:
      return v(r.str(HEX, 40), 'git-sha', ['commit', 'sha', 'commit_sha', 'revision', 'GIT_COMMIT', 'head', 'ref', 'parent']);
    case 2:
      return v(r.str(HEX, 64), 'sha256', ['sha256', 'checksum', 'digest', 'hash', 'content_hash', 'sha256sum', 'file_hash', 'fingerprint']);
    case 3:
      return v(`sha512-${b64pad(r.str(B64, 86))}`, 'integrity', ['integrity', 'hash', 'subresource_integrity']);
    case 4:
      return v(`sha256:${r.str(HEX, 64)}`, 'docker-digest', ['digest', 'image', 'imageDigest', 'image_sha']);
    case 5:
      return v(`iVBORw0KGgo${r.str(B64, r.int(60, 160))}`, 'png-base64', ['data', 'image', 'icon', 'logo', 'thumbnail', 'avatar']);
    case 6:
      return v(`AAAAB3NzaC1yc2EAAAADAQABAAABAQ${r.str(B64, r.int(120, 200))}`, 'ssh-public-key', ['public_key', 'ssh_public_key', 'authorized_key', 'pubkey']);
    case 7:
      return v(`pk_live_${r.str(ALNUM, r.int(24, 60))}`, 'stripe-publishable', ['publishableKey', 'STRIPE_PUBLISHABLE_KEY', 'publishable_key', 'pk']);
    case 8:
      return v(r.str(HEX, 32), 'md5', ['md5', 'etag', 'ETag', 'cache_key', 'checksum', 'hash']);
    case 9:
      return v(`${r.pick(['main', 'vendor', 'runtime', 'app', 'chunk'])}.${r.str(HEX, r.pick([8, 16, 20]))}.${r.pick(['js', 'css'])}`, 'hashed-filename', ['src', 'file', 'bundle', 'asset', 'script']);
    case 10: {
      const parts = ['get', 'set', 'handle', 'User', 'Account', 'Token', 'Request', 'Manager', 'Factory', 'Provider', 'Default', 'Internal', 'Config', 'Resolver', 'Async', 'Callback'];
      let s = '';
      const n = r.int(3, 6);
      for (let i = 0; i < n; i++) s += r.pick(parts);
      return v(s, 'identifier', ['name', 'handler', 'className', 'method', 'symbol', 'token_class']);
    }
    case 11:
      return v(`${r.str(LOWER + UPPER + '_$', 1)}${r.str(ALNUM + '_$', r.int(18, 40))}`, 'minified', ['var', 'e', 't', 'n', 'r', 'k', 'module']);
    case 12:
      return v(`arn:aws:iam::${r.str(DIGITS, 12)}:role/${r.pick(['deploy', 'ci-runner', 'lambda-exec', 'readonly'])}`, 'aws-arn', ['role_arn', 'arn', 'RoleArn', 'secret_arn']);
    case 13:
      return v(r.pick(['X-API-Key', 'Authorization', 'x-auth-token', 'api_key', 'access_token', 'client_secret', 'password', 'user_password', 'PASSWORD_FIELD', 'Bearer', 'bearer', 'refresh_token', 'password_hash', 'hashed_password', 'prod/db/credentials', 'projects/acme/secrets/api-key/versions/latest', 'vault:secret/data/app#token', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api']), 'reference', ['token_type', 'header_name', 'field', 'secret_name', 'secretRef', 'param', 'name', 'key_name', 'password_field', 'secret_id', 'auth_header', 'column']);
    case 14:
      return v(`${r.str(HEX, 8)}${r.str(HEX, 8)}`, 'span-id', ['span_id', 'trace_id', 'traceparent', 'request_id', 'x-request-id']);
    case 15:
      return v(`${r.pick(['1.2.', '2.0.', '3.14.', '0.9.'])}${r.int(0, 99)}+${r.pick(['build', 'sha'])}.${r.str(HEX, 12)}`, 'version', ['version', 'build', 'release', 'build_id']);
    default:
      return v(`${r.pick(['bc1q', '0x'])}${r.str(HEX.slice(0) + 'ghjkmnpqrstuvwxyz', r.int(38, 40))}`, 'wallet-address', ['address', 'wallet', 'recipient', 'contract']);
  }
}

/** A genuine-looking random value used in benign or fake-named contexts (the context alone decides). */
export function randomShaped(r: Rng): Val {
  const k = r.int(0, 3);
  if (k === 0) return { value: r.str(HEX, r.pick([32, 40, 64])), type: 'generic', strong: false, kind: 'hex' };
  if (k === 1) return { value: r.str(B64, r.int(24, 60)), type: 'generic', strong: false, kind: 'base64' };
  if (k === 2) return { value: r.str(ALNUM, r.int(20, 40)), type: 'generic', strong: false, kind: 'alnum' };
  return { value: uuid(r), type: 'generic', strong: false, kind: 'uuid' };
}

// ---- Round 2 (issue 5): test-mode keys, passwords, look-alikes under secret-ish names ----

/**
 * A provider's test/sandbox key in its real format (random body): a real credential of a test account,
 * so genuine (the rules add a `test-mode` signal and lower the severity). Formats are the providers'
 * documented ones, as the packs match them.
 */
export function testModeKey(r: Rng): Val & { keys: readonly string[] } {
  const k = r.int(0, 9);
  const v = (value: string, type: string, keys: readonly string[]): Val & { keys: readonly string[] } => ({ value, type, strong: true, kind: 'test-mode', keys });
  switch (k) {
    case 0:
    case 1:
      return v(`sk_test_${r.chance(0.5) ? '51' + r.str(ALNUM, 97) : r.str(ALNUM, r.int(24, 34))}`, 'stripe-secret-key', ['stripe_secret_key', 'stripe_api_key', 'stripe_key', 'secret_key', 'api_key', 'stripe_secret']);
    case 2:
      return v(`rk_test_${r.str(ALNUM, r.int(24, 99))}`, 'stripe-restricted-key', ['stripe_restricted_key', 'stripe_key', 'api_key', 'restricted_key']);
    case 3:
      return v(`FLWSECK_TEST-${r.str(HEX, 32)}-X`, 'flutterwave-secret-key', ['flutterwave_secret_key', 'flw_secret_key', 'secret_key', 'flw_seckey']);
    case 4:
      return v(`access-sandbox-${r.str(HEX, 8)}-${r.str(HEX, 4)}-${r.str(HEX, 4)}-${r.str(HEX, 4)}-${r.str(HEX, 12)}`, 'plaid-access-token', ['plaid_access_token', 'access_token', 'plaid_token', 'item_access_token']);
    case 5:
      return v(`shippo_test_${r.str(HEX, 40)}`, 'shippo-api-token', ['shippo_api_token', 'shippo_token', 'api_token', 'shippo_key']);
    case 6:
      return v(`duffel_test_${r.str(B64URL, 43)}`, 'duffel-api-token', ['duffel_access_token', 'duffel_token', 'api_token', 'access_token']);
    case 7:
      return v(`rzp_test_${r.str(ALNUM, 14)}`, 'razorpay-key-id', ['razorpay_key', 'razorpay_key_id', 'rzp_key']);
    case 8:
      return v(`xnd_development_${r.str(B64URL, r.int(40, 60))}`, 'xendit-api-key', ['xendit_secret_key', 'xendit_api_key', 'secret_key']);
    default:
      return v(`klarna_test_api_${r.str(B64URL, r.int(40, 60))}`, 'klarna-api-key', ['klarna_api_key', 'klarna_key', 'api_key']);
  }
}

/** A made-up test-style key: prefix-shaped but with a placeholder cue (sequence, filler, a word). */
export function madeUpTestKey(r: Rng): string {
  const pre = r.pick(['sk-test-', 'sk_test_', 'test_sk_', 'sk-test_', 'pk_test_', 'test-key-', 'rk_test_', 'FLWSECK_TEST-', 'access-sandbox-']);
  const body = r.pick([
    'x'.repeat(r.int(16, 32)),
    'X'.repeat(r.int(16, 32)),
    '0'.repeat(r.int(16, 32)),
    '1234567890abcdef'.slice(0, r.int(10, 16)),
    'abcdefghijklmnopqrstuvwxyz'.slice(0, r.int(10, 26)),
    r.pick(['your_key_here', 'YOUR_SECRET_KEY', 'yourkey', 'key', 'example', 'EXAMPLE', 'dummy', 'fake', 'placeholder', 'replace_me', 'key_123', 'abc123', '...', '<key>']),
    r.pick(['your', 'example', 'dummy', 'fake', 'mock']) + r.str(LOWER + DIGITS, r.int(6, 14)),
    r.str(LOWER, 4).repeat(r.int(3, 6)),
  ]);
  return pre + body;
}

const WORDS = [
  'maple', 'orbit', 'falcon', 'cedar', 'quartz', 'nimbus', 'copper', 'violet', 'harbor', 'lantern', 'pebble', 'thistle', 'juniper', 'walrus',
  'tundra', 'saffron', 'mango', 'canyon', 'ember', 'glacier', 'hazel', 'indigo', 'kestrel', 'lotus', 'meadow', 'nectar', 'otter', 'pixel',
  'quill', 'raven', 'sierra', 'tango', 'umber', 'vortex', 'willow', 'yonder', 'zephyr', 'basalt', 'cobalt', 'delta', 'fjord', 'gecko',
];
const cap = (w: string): string => w[0]!.toUpperCase() + w.slice(1);

/** A password someone chose: words + digits + symbols, or random; never one of the known weak ones. */
export function chosenPassword(r: Rng): string {
  const w = (): string => (r.chance(0.6) ? cap(r.pick(WORDS)) : r.pick(WORDS));
  const style = r.int(0, 6);
  if (style === 0) return `${w()}${r.str(DIGITS, r.int(2, 4))}${r.pick(['!', '#', '$', '%', '&', '*', '?', '@'])}`;
  if (style === 1) return [w(), w(), w()].join(r.pick(['-', '_', '.', ''])) + (r.chance(0.6) ? r.str(DIGITS, r.int(1, 3)) : '');
  if (style === 2) return `${w()}${r.pick(['!', '#', '$', '%', '&', '*', '@'])}${r.str(DIGITS, r.int(1, 4))}${w()}`;
  if (style === 3) return r.str(ALNUM + SYM, r.int(8, 14));
  if (style === 4) {
    // leetspeak on a word pair: still chosen, not a known example
    const s = (w() + w()).replace(/a/g, '4').replace(/e/g, '3').replace(/o/g, '0');
    return s + r.pick(['!', '#', '$', '']) + r.str(DIGITS, r.int(1, 3));
  }
  if (style === 5) return r.str(LOWER + DIGITS, r.int(8, 12)) + r.str(UPPER, 1) + r.pick(['!', '.', '-']);
  return `${r.str(UPPER, 1)}${r.str(LOWER, r.int(3, 6))}${r.str(DIGITS, r.int(2, 4))}${r.str(LOWER, r.int(2, 4))}${r.pick(['!', '$', '#', ''])}`;
}

/** Well-known weak or example passwords (placeholders by the class definition). */
export const WEAK_PASSWORDS = [
  'changeme', 'change_me', 'changeit', 'password', 'password1', 'password123', 'Password1', 'Password123', 'Password123!', 'P@ssw0rd', 'P@ssword1',
  'passw0rd', 'admin', 'admin123', 'Admin@123', 'root', 'toor', 'root123', 'secret', 'secret123', 'mysecret', 'supersecret', 'topsecret',
  'letmein', 'letmein123', 'qwerty', 'qwerty123', 'welcome', 'Welcome1', 'welcome123', '123456', '12345678', '123456789', 'abc123', 'test',
  'test123', 'Test@123', 'test1234', 'testpass', 'testpassword', 'pass', 'pass123', 'pass1234', 'hunter2', 'correcthorsebatterystaple',
  'mypassword', 'mysecretpassword', 'yourpassword', 'your_password', 'your-password', '<your-password>', '<password>', '[PASSWORD]',
  '<db-password>', 'YOUR_PASSWORD', 'YOUR_DB_PASSWORD', 'PASSWORD_HERE', 'enter-password', 'example', 'examplepassword', 'dummy', 'dummypass',
  'guest', 'default', 'postgres', 'mysql', 'redis', 'iloveyou', 'monkey', 'dragon', 'sunshine', 'foobar', 'xxxxxx', '********', '******',
];

/**
 * A benign value under a secret-ish key name: the name mentions key/token/secret/password but the
 * value is an identifier, hash, time or reference (name ends in _id/_hash/_name/_version/…).
 */
export function benignUnderSecretName(r: Rng): { val: Val; key: string } {
  const k = r.int(0, 11);
  const uuid = `${r.str(HEX, 8)}-${r.str(HEX, 4)}-4${r.str(HEX, 3)}-${r.pick(['8', '9', 'a', 'b'])}${r.str(HEX, 3)}-${r.str(HEX, 12)}`;
  const bv = (value: string, kind: string): Val => ({ value, type: 'generic', strong: false, kind });
  switch (k) {
    case 0:
      return { val: bv(uuid, 'uuid'), key: r.pick(['api_key_id', 'token_id', 'secret_id', 'key_id', 'credential_id', 'kms_key_id', 'client_id', 'app_id']) };
    case 1:
      // A digest *labelled* as one in the value itself (sha256:…), not a bare hex string: a bare hex under
      // a secret-ish name is too close to a real hex secret for the value alone to tell (it cost recall).
      return { val: bv(`sha256:${r.str(HEX, 64)}`, 'sha256'), key: r.pick(['token_hash', 'password_sha256', 'secret_digest', 'api_key_hash']) };
    case 2: {
      const salt = r.str(B64.replace('+', '.'), 22);
      return { val: bv(`$2b$${r.pick(['10', '12'])}$${salt}${r.str(B64.replace('+', '.'), 31)}`, 'bcrypt-hash'), key: r.pick(['password_hash', 'hashed_password', 'pw_hash', 'passwordDigest', 'encrypted_password']) };
    }
    case 3:
      return { val: bv(`SHA256:${r.str(B64, 43)}`, 'key-fingerprint'), key: r.pick(['key_fingerprint', 'ssh_key_fingerprint', 'host_key', 'fingerprint']) };
    case 4:
      return { val: bv(`${r.pick(['v', ''])}${r.int(1, 9)}`, 'version'), key: r.pick(['key_version', 'token_version', 'secret_generation']) };
    case 5:
      return { val: bv(`${2020 + r.int(0, 6)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00Z`, 'timestamp'), key: r.pick(['token_expires_at', 'password_changed_at', 'key_created', 'secret_rotated_at']) };
    case 6:
      return { val: bv(r.pick(['prod/api/stripe', 'projects/acme/secrets/db-password/versions/3', `arn:aws:secretsmanager:us-east-1:${r.str(DIGITS, 12)}:secret:prod/app-${r.str(ALNUM, 6)}`, `kv/data/${r.pick(['app', 'billing', 'ci'])}/${r.pick(['token', 'password', 'api-key'])}`, `${r.pick(['app', 'web', 'api'])}-${r.pick(['secrets', 'credentials', 'tokens'])}`]), 'reference'), key: r.pick(['secret_name', 'secretName', 'password_secret_ref', 'token_secret', 'api_key_secret_name', 'secret_path', 'vault_path']) };
    case 7:
      return { val: bv(uuid, 'uuid'), key: r.pick(['idempotency_key', 'partition_key', 'row_key']) };
    case 8:
      return { val: bv(`${r.pick(['pk_live_', 'pk_test_'])}${r.str(ALNUM, r.int(24, 60))}`, 'stripe-publishable'), key: r.pick(['stripe_publishable_key', 'publishable_key', 'public_key', 'stripe_pk']) };
    case 9:
      return { val: bv(`${r.pick(['projects', 'orgs'])}/${r.pick(['acme', 'billing', 'web'])}/${r.pick(['tokens', 'keys'])}/${r.int(1, 999)}`, 'reference'), key: r.pick(['token_resource', 'key_path', 'api_key_resource']) };
    case 10:
      return { val: bv(`${r.pick(['v', ''])}${r.int(1, 4)}.${r.int(0, 30)}.${r.int(0, 99)}`, 'version'), key: r.pick(['token_version', 'api_key_version', 'secret_version', 'auth_api_version']) };
    default:
      return { val: bv(`${r.str(LOWER, r.int(3, 8))}${r.pick(['-', '_', '.'])}${r.str(LOWER, r.int(3, 8))}@${r.pick(['acme.io', 'corp.example', 'mail.internal'])}`, 'email'), key: r.pick(['auth_user', 'smtp_username', 'token_owner', 'key_owner']) };
  }
}
