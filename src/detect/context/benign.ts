// Benign shapes: random-looking strings that are not credentials (identifiers, digests, public
// material, code). Each cue is one `benign:*` signal.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_DIGEST = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/;
const INTEGRITY = /^(?:sha(?:1|256|384|512)|md5)[-:][A-Za-z0-9+/=]{20,}$/i;
const DATA_URI = /^data:[a-z]+\/[a-z0-9.+-]+;base64,/i;
const PUBLIC_MATERIAL = /-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK|X509 CRL|CERTIFICATE REQUEST)|^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+) AAAA/;
const PUBLISHABLE = /^pk_(?:live|test)_|^pub_|^publishable[-_]/i;
const FILE_PATH = /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)[\w./\\-]+$|^[\w.-]+\.(?:pem|key|crt|cer|p12|pfx|json|ya?ml|txt|env|ini|conf|cfg|jks|keystore|der|pub|js|ts|py|go|rb|java|so|dll)$/i;
const URL_NO_CRED = /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+(?::\d+)?(?:[/?#]\S*)?$/i;
const EMAIL = /^[\w.+-]+@[\w-]+\.[\w.-]+$/;
// Versions and semver ranges (^7.1.2, >=1.0 <2, 1.x || 2.x). Separators are mandatory between the
// repeated parts so the pattern cannot backtrack exponentially on long digit runs.
// A bare digit run is not a version (long ones are numeric credentials or ids: see NUMERIC below);
// a version has a dotted part or is short.
const VERSION = /^[~^<>=]{0,2}v?(?:\d{1,6}(?:\.(?:\d{1,9}|x|\*)){1,3}|\d{1,4})(?:-[\w.]+)?(?:\s+(?:\|\|\s+|-\s+)?[~^<>=]{0,2}v?\d{1,6}(?:\.(?:\d{1,9}|x|\*)){0,3})*$/;
const NUMERIC = /^[\d.,:+-]+$/;
/** Code: calls, member access, env lookups, interpolation of other variables. */
const CODE_EXPR =
  /^(?:[A-Za-z_$][\w$]*\s*\(|(?:process\.env|os\.environ|os\.getenv|System\.getenv|ENV\[|env\(|getenv|config\.|settings\.|self\.|this\.|params\.|args\.|props\.|request\.|req\.|options\.|opts\.)|!?[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*){1,6}(?:\(\)?)?;?$|(?:Uint|Int|Float|BigInt|BigUint)(?:8|16|32|64)(?:Clamped)?Array$|[A-Za-z_$][\w$]*\[['"]?[\w.-]+['"]?\]$|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|(?:true|false|null|nil|None|undefined|True|False)$)/;
/** Identifier-like words: camelCase / snake_case made of letters only (no digits mixed in). */
/** Separated words and plain numbers (no segment mixing letters and digits): names, dates, slugs. */
const WORDY = /^(?:[A-Za-z]+|\d+)(?:[-_.](?:[A-Za-z]+|\d+)){1,8}$/;
// Lower-case words joined by - _ . : (`token-type:jwt`, `service_account_p12`, `storage_v1_client`): words may
// end in one or two digits. Random dashed groups rarely read as words: two words of 3+ letters and one of 5+
// are needed, two of 5+ when there are digits.
const LOWER_WORDS = /^[a-z]+\d{0,2}(?:[-_.:][a-z]+\d{0,2}){1,8}$/;
const IDENT = /^[_$]*[A-Za-z]+(?:[_-]+[A-Za-z]+)*[_$]*$/;

/**
 * A camelCase / PascalCase identifier (`_ConvertOauth2ClientCredentialsToADC`,
 * `Base64DecodingYamlAuthorizedViewDefinition`): three or more capitalised words of 3+ letters covering
 * nearly every letter, at most two digits. Random base62 of any length almost never splits this way.
 */
function camelWords(value: string): boolean {
  if (value.length < 12 || value.length > 160 || !/^[_$]?[A-Za-z][A-Za-z0-9_]*$/.test(value)) return false;
  if ((value.match(/\d/g) ?? []).length > 2) return false;
  const words = value.match(/[A-Z]?[a-z]{3,}|[A-Z]{2,}(?![a-z])/g) ?? [];
  if (words.filter((w) => /^[A-Z][a-z]/.test(w)).length < 3) return false;
  const covered = words.reduce((n, w) => n + w.length, 0);
  return covered >= 0.9 * (value.match(/[A-Za-z]/g) ?? []).length;
}

function lowerWords(value: string): boolean {
  if (!LOWER_WORDS.test(value)) return false;
  const words = value.split(/[-_.:]/);
  if (words.filter((w) => /^[a-z]{3,}/.test(w)).length < 2) return false;
  // Words read as words: 5+ letters with a vowel (`zqhmt` is not one).
  const long = words.filter((w) => /^[a-z]{5,}/.test(w) && /[aeiou]/.test(w)).length;
  return /\d/.test(value) ? long >= 2 : long >= 1;
}

/** Natural-language text in CJK scripts (kana, hangul, ideographs): a sentence, not a credential. */
function prose(value: string): boolean {
  const cjk = (value.match(/[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef\u3000-\u303f]/g) ?? []).length;
  return cjk >= 4 && cjk >= value.length * 0.5;
}

export interface BenignInput {
  value: string;
  /** Text on the same line before the value (for public-key and data-URI cues). */
  before: string;
  /** The key name the value is assigned to (`api_key`, `publicToken`, `<apiToken>`), when there is one. */
  keyName?: string;
}

// A host name (`db1.ca.example.net`, `dev-lb1.api.corp.com:5215`): lower-case labels, a letter TLD.
const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,12}(?::\d{1,5})?$/;
// A host name followed by a path, no scheme (`authentication.gke.io/v1alpha1`, `registry.corp.io/team/app`).
const HOST_PATH = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,12}(?::\d{1,5})?\/[\w./%~-]*$/;
// An XML qualified name (`samlp:AttributeQuery`, `xs:string`).
const QNAME = /^[a-z]{1,12}:[A-Za-z][a-z]+(?:[A-Z][a-z]+)*$/;
// The value is itself the next assignment's name (`GITHUB_API_KEY=` then `DYNATRACE_API_KEY=` on the
// next line): an env-style or dotted config name with its operator.
// A value that starts with such a name and `=` (`jdbc.snowflake.url=jdbc:…` under an empty `…password=`) is
// that next assignment too.
const NAME_WITH_OPERATOR = /^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:\.[a-z][a-z0-9]*)+)(?:[=:]$|=)/;
// Key names that say the value is public (`public_key`, `publicToken`, `DOTENV_PUBLIC_KEY`).
const PUBLIC_NAME = /public|publishable/i;
const SECRET_WORD = /secret|private|passw|pwd/i;
// Key names whose value describes a secret rather than being one (`LLM_SECRET_NAME`, `tokenType`,
// `keystore.file`, `token_expires`): the last word of the name.
const DESCRIPTIVE_NAME =
  /(?:^|[_.-]|[a-z0-9](?=[A-Z]))(?:name|names|file|filename|path|dir|type|mode|header|field|prefix|suffix|length|len|size|count|ttl|timeout|expiry|expires|expiration|version|format|algorithm|alg|label|hint|endpoint|region|location)$/i;

// Key names that end in an identifier word (`credentialId`, `token_id`, `keyUUID`): the value names a
// credential, it is not one. A secret/password word in the name keeps it (Vault's `secret_id` is a secret).
const ID_NAME = /(?:^|[_.-]|[a-z0-9](?=[A-Z]))(?:id|ids|uuid|guid)$/i;
// `…Key` names from data structures, not cryptography (`foreignKey`, `partition_key`, `cacheKey`, S3
// `object_key`). `primaryKey` is left out: Azure names its storage and Cosmos DB access keys that way.
const STRUCTURE_KEY_NAME =
  /(?:^|[_.-]|[a-z0-9](?=[A-Z]))(?:foreign|partition|sort|sorting|range|cache|idempotency|routing|shard|lookup|dedup|dedupe|deduplication|composite|grouping|object|row|column|index|unique|cursor|i18n|translation|locale|message|label|map|dict|hot)[_.-]?key$/i;
// A secret word that runs on into a longer, ordinary word (`master-keying`, `keyboardLayout`, `tokenizer`,
// `author`): the name is not about a credential unless another secret word is left once those are taken out.
const NOT_SECRET_WORD = /key(?:ing|board|boards|word|words|stroke|strokes|frame|frames|note|notes|pad|space)|tokeni[sz](?:er|ers|ed|e|ation)|author(?:s|ity|ities|ed|ship)?(?![a-z])|passage|passenger|compass|passive|bypass/gi;
const SECRET_NAME_WORD = /secret|token|key|pass|pwd|auth|cred|bearer|salt|signature|private/i;
// `Authorization: <scheme> ` (or a bare `authorization=`) right before the value.
const AUTH_HEADER_BEFORE = /\bauthorization["']?\s{0,3}[:=]\s{0,3}["']?(?:[A-Za-z][\w-]{1,30}\s{1,4})?$/i;
// Anti-forgery tokens are per-session values a page embeds for every visitor, not credentials.
const CSRF_NAME = /csrf|xsrf|anti[_.-]?forgery|request[_.-]?verification/i;

export function benignSignals({ value, before, keyName }: BenignInput): string[] {
  const out: string[] = [];
  if (keyName !== undefined) {
    if (PUBLIC_NAME.test(keyName) && !SECRET_WORD.test(keyName)) out.push('benign:public-name');
    const stripped = keyName.replace(NOT_SECRET_WORD, ' ');
    if (DESCRIPTIVE_NAME.test(keyName) || STRUCTURE_KEY_NAME.test(keyName) || (stripped !== keyName && !SECRET_NAME_WORD.test(stripped)))
      out.push('benign:descriptive-name');
    if (ID_NAME.test(keyName) && !SECRET_WORD.test(keyName)) out.push('benign:id-name');
    if (CSRF_NAME.test(keyName)) out.push('benign:csrf-token');
  }
  if (HOSTNAME.test(value)) out.push('benign:hostname');
  if (HOST_PATH.test(value)) out.push('benign:url');
  if (QNAME.test(value)) out.push('benign:identifier');
  if (NAME_WITH_OPERATOR.test(value)) out.push('benign:code');
  // A value in an Authorization header (`Authorization: Token <40 hex>`) is the credential, whatever its shape.
  const authHeader = AUTH_HEADER_BEFORE.test(before.slice(-80));
  if (!authHeader && UUID.test(value)) out.push('benign:uuid');
  else if (!authHeader && (HEX_DIGEST.test(value) || (HEX_DIGEST.test(value.toLowerCase()) && /^[0-9A-F]+$/.test(value)))) out.push('benign:hex-digest');
  if (INTEGRITY.test(value) || /\b(?:integrity|sha512|sha256|checksum|digest|hash|fingerprint|etag|nonce|commit|sha)\b["']?\s*[:=]/i.test(before.slice(-40)))
    out.push('benign:digest');
  if (DATA_URI.test(value) || /data:[a-z]+\/[a-z0-9.+-]+;base64,$/i.test(before)) out.push('benign:data-uri');
  if (PUBLIC_MATERIAL.test(value) || /(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+)\s+$/.test(before)) out.push('benign:public-key');
  if (PUBLISHABLE.test(value)) out.push('benign:publishable-key');
  if (FILE_PATH.test(value)) out.push('benign:file-path');
  if (URL_NO_CRED.test(value)) out.push('benign:url');
  if (EMAIL.test(value)) out.push('benign:email');
  // Numbers under 16 digits (counts, timestamps, ports, phone numbers, snowflake-free ids) are not credentials.
  if (VERSION.test(value) || (NUMERIC.test(value) && value.replace(/\D/g, '').length < 16)) out.push('benign:number');
  // Dotted random segments (`pat.x8k2….q9z…`, a JWT-like `header.payload.`) are tokens, not member access or a
  // trailing `.`: code segments hold few digits.
  const randomSegment = value.split('.').some((seg) => seg.length >= 12 && seg.replace(/\D/g, '').length >= 4);
  if (!randomSegment && (CODE_EXPR.test(value) || /^[\w$]+\?\.|[.(]$/.test(value))) out.push('benign:code');
  if (value.includes('/') && value.split('/').some((seg) => /^[a-z][a-z-]{3,}$/.test(seg))) out.push('benign:file-path');
  else if (IDENT.test(value) && value.length <= 160) out.push('benign:identifier');
  else if (WORDY.test(value) && value.split(/[-_.]/).some((w) => /^[a-z]{3,}$/i.test(w))) out.push('benign:identifier');
  else if (lowerWords(value)) out.push('benign:identifier');
  else if (camelWords(value)) out.push('benign:identifier');
  if (prose(value)) out.push('benign:prose');
  if (/^0x[0-9a-fA-F]{1,16}$/.test(value)) out.push('benign:number');
  if (/^urn:[a-z0-9-]+:/i.test(value)) out.push('benign:urn');
  // `name:` (a dict key or label caught as a value) and words joined by a digit (`symbol2label`, `utf8decode`).
  if (/^[A-Za-z_][\w.]*:$/.test(value)) out.push('benign:code');
  if (/^[a-z]{3,}\d{1,2}[a-z]{3,}$/.test(value)) out.push('benign:identifier');
  return out;
}
