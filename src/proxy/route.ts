// Turns the request target into (route name, subpath, query). Only the path chooses the route:
// an absolute-form target's authority and the Host header are ignored, so a client can never make
// leakgate contact anything but a configured upstream. Paths that could climb out of the route
// ('..', '.', encoded slashes or backslashes, NUL) are rejected rather than guessed at.

export interface Target {
  /** First path segment: the route (upstream) name, or an admin path name. */
  route: string;
  /** The rest of the path, starting with '/' ('/' when empty), still percent-encoded as received. */
  subpath: string;
  /** Query string without '?', '' when absent. */
  query: string;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; reason: string };

// %2f %5c (encoded / and \) and %00 would let a segment smuggle a separator past the router.
const FORBIDDEN_ENCODED = /%(?:2f|5c|00)/i;

export function parseTarget(rawUrl: string): TargetResult {
  let url = rawUrl;
  // Absolute form ("GET http://host/openai/v1/x"): keep only the path; the authority is never used.
  if (!url.startsWith('/')) {
    const scheme = url.indexOf('://');
    if (scheme <= 0) return { ok: false, reason: 'request target must be an absolute path' };
    const slash = url.indexOf('/', scheme + 3);
    url = slash === -1 ? '/' : url.slice(slash);
  }
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  if (path.includes('\\') || FORBIDDEN_ENCODED.test(path)) {
    return { ok: false, reason: 'encoded slashes, backslashes and NUL are not allowed in the path' };
  }
  const segments = path.split('/');
  // segments[0] is '' (leading slash). Empty segments ('//') are collapsed; dot segments rejected.
  const kept: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i] as string;
    if (seg === '' && i !== segments.length - 1) continue;
    const decoded = seg.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') return { ok: false, reason: 'dot segments are not allowed in the path' };
    kept.push(seg);
  }
  const route = kept[0] ?? '';
  const rest = kept.slice(1);
  const subpath = '/' + rest.join('/');
  return { ok: true, target: { route, subpath, query } };
}
