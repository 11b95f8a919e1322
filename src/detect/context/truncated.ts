// A value that starts with a well-known provider prefix but is shorter than that provider's documented
// format (`sq0csp-UGg`, `ghp_abc123`) was cut off, mistyped or made up: the provider's own detector did not
// take it, and a generic/entropy match on it is not an issued credential. Like a failed checksum, this
// lowers the class (placeholder), it does not drop the value. Longer-than-documented bodies are left
// alone: providers lengthen their formats (a new, longer token must not be demoted).

// [prefix, shortest documented body after the prefix] — from the providers' published formats, the same
// lengths the provider packs match.
const FORMATS: readonly (readonly [RegExp, number])[] = [
  [/^gh[pousr]_/, 36],
  [/^github_pat_/, 82],
  [/^glpat-/, 20],
  [/^npm_/, 36],
  [/^pypi-/, 50],
  [/^[sr]k_live_/, 24],
  [/^sk-ant-(?:api|admin)\d\d-/, 80],
  [/^(?:AKIA|ASIA)/, 16],
  [/^AIza/, 35],
  [/^sq0csp-/, 43],
  [/^sq0atp-/, 22],
  [/^hf_/, 34],
  [/^dop_v1_/, 64],
  [/^shp(?:at|ca|pa|ss)_/, 32],
  [/^dckr_pat_/, 27],
];

/** True when `value` carries a known provider prefix and its body is shorter than the documented format. */
export function truncatedFormat(value: string): boolean {
  for (const [re, min] of FORMATS) {
    const m = re.exec(value);
    if (m) return value.length - m[0].length < min;
  }
  return false;
}
