// Canonical serialisation of audit rows: the exact bytes the hash chain covers. The format is the
// JSON Canonicalization Scheme (RFC 8785) restricted to integers, so any language can re-implement it:
// object keys sorted by UTF-16 code units, no whitespace, strings escaped as ECMAScript
// JSON.stringify does, numbers only as safe integers (fractions are stored scaled, see rows.ts).

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

/** Serialises a value canonically; throws on fractional/unsafe numbers and on unsupported types. */
export function canonicalJson(value: CanonicalValue): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON: ${value} is not a safe integer`);
      // -0 serialises as 0 in JSON.stringify, as RFC 8785 requires.
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += canonicalJson(value[i] as CanonicalValue);
        }
        return out + ']';
      }
      const obj = value as { readonly [key: string]: CanonicalValue };
      // Default sort compares UTF-16 code units, which is what RFC 8785 specifies.
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(k) + ':' + canonicalJson(v);
      }
      return out + '}';
    }
    default:
      throw new TypeError(`canonical JSON: unsupported type ${typeof value}`);
  }
}
