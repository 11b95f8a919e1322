// Who is asking: the configured tenant header, else a keyed fingerprint of the client's API key
// (never the key itself), else 'default'.

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Headers that carry a provider API key (OpenAI/Azure, Anthropic, Gemini). Names are lower-case (node:http). */
const KEY_HEADERS = ['x-api-key', 'x-goog-api-key', 'api-key'] as const;

/** Visible ASCII, 1–128 characters: what a tenant id may be (it lands in audit rows and metrics labels). */
function isTenantId(s: string): boolean {
  if (s.length === 0 || s.length > 128) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The client's API key, if any header carries one. */
export function clientApiKey(headers: Headers): string | undefined {
  const auth = first(headers.authorization)?.trim();
  if (auth) {
    const m = /^bearer\s+(\S+)$/i.exec(auth);
    if (m?.[1]) return m[1];
  }
  for (const h of KEY_HEADERS) {
    const v = first(headers[h])?.trim();
    if (v) return v;
  }
  return undefined;
}

/** Prefix marking a tenant id derived from an API key fingerprint (configure overrides under `key:<16 hex>`). */
export const KEY_TENANT_PREFIX = 'key:';

export function resolveTenant(headers: Headers, tenantHeader: string | null, fingerprint: (value: string) => string): string {
  if (tenantHeader) {
    const v = first(headers[tenantHeader])?.trim();
    if (v !== undefined && isTenantId(v)) return v;
  }
  const key = clientApiKey(headers);
  // 64 bits of the keyed HMAC: enough to tell tenants apart, useless for recovering the key.
  if (key) return KEY_TENANT_PREFIX + fingerprint(key).slice(0, 16);
  return 'default';
}
