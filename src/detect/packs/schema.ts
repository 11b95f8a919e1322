// Filter packs are data: detectors (with their own true/false examples), entropy settings and
// context rules. This schema is the contract for filter-packs/*.yaml.
import { z } from 'zod';

const severity = z.enum(['low', 'medium', 'high', 'critical']);
const action = z.enum(['allow', 'warn', 'redact', 'block']);

/** A genuine example: a bare value (the whole string is the secret) or a text with the expected secret. */
const GenuineExample = z.union([
  z.string().min(1),
  z.strictObject({ text: z.string().min(1), value: z.string().min(1) }),
]);

export const CHECKSUMS = [
  'github-crc32', // GitHub ghp_/gho_/ghu_/ghs_/ghr_: base62 CRC32 of the body in the last 6 chars
  'npm-crc32', // npm_ tokens: same scheme as GitHub
  'jwt', // three base64url parts, header decodes to JSON with "alg"
  'pypi-macaroon', // pypi- + base64 macaroon whose location is pypi.org / test.pypi.org
  'luhn',
  'slack-webhook',
] as const;

export const DetectorSchema = z.strictObject({
  /** Stable id, kebab-case; also the finding type unless `type` is set. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case id'),
  provider: z.string().min(1),
  /** Finding type reported and written into [REDACTED:<type>]; defaults to id. */
  type: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  description: z.string().min(1),
  /** RE2 syntax. Must contain a named group (?<secret>…) that captures exactly the secret value. */
  pattern: z.string().min(1).refine((p) => p.includes('(?<secret>') || p.includes('(?P<secret>'), 'pattern needs a named group (?<secret>…)'),
  /**
   * Prefilter literals (case-insensitive). The detector runs on a segment only when one occurs.
   * Empty = always run (use sparingly: it costs speed).
   */
  keywords: z.array(z.string().min(2).transform((s) => s.toLowerCase())).default([]),
  /** Minimum Shannon entropy (bits/char) of the secret; below it the candidate is placeholder/benign. */
  entropy: z.number().min(0).max(8).optional(),
  checksum: z.enum(CHECKSUMS).optional(),
  severity: severity.default('high'),
  /** Base confidence when the match is clean (0–1). Prefix+checksum formats ~0.99, keyword-anchored generic ~0.7. */
  confidence: z.number().min(0).max(1).default(0.9),
  /** 'strong': provider structure (prefix/checksum) suffices for genuine; 'weak': needs context/model agreement. */
  strength: z.enum(['strong', 'weak']).default('strong'),
  /**
   * Generic detector (key-name assignment, URL userinfo, Authorization header…): on an overlapping
   * span any provider detector wins. Optional, added after v1 (additive).
   */
  generic: z.boolean().optional(),
  examples: z.strictObject({
    genuine: z.array(GenuineExample).min(1),
    not: z.array(z.string()).default([]),
  }),
});

export const EntropySchema = z.strictObject({
  charset: z.enum(['base64', 'hex', 'alnum']),
  /** bits per character */
  threshold: z.number().min(0).max(8),
  minLength: z.number().int().positive(),
  maxLength: z.number().int().positive().default(512),
});

export const PackSchema = z.strictObject({
  pack: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  description: z.string().min(1),
  /** Default actions for this pack's findings (policy may override per route/tenant). */
  actions: z.strictObject({ genuine: action.optional(), placeholder: action.optional() }).optional(),
  detectors: z.array(DetectorSchema).default([]),
  entropy: z.array(EntropySchema).default([]),
  /** Values (RE2) that are never secrets for this pack, e.g. documented example keys. */
  allow: z.array(z.string()).default([]),
});

export type DetectorSpec = z.infer<typeof DetectorSchema>;
export type PackSpec = z.infer<typeof PackSchema>;
