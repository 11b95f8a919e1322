// A small, test-only DetectEngine: four fixed detectors (AWS access key id, GitHub PAT, a
// `password = "…"` assignment, a PEM private key) and a simple hold-back. Fixed literals only
// (no user patterns), so plain JS regexes are fine here. Counts its calls for the cache tests.
import type { DetectEngine, Finding, ScanContext, Segment, SecretClass } from '../../../src/detect/types.js';

interface Rule {
  id: string;
  pack: string;
  severity: Finding['severity'];
  re: RegExp;
  /** Capture group holding the secret (0 = whole match). */
  group: number;
  placeholder(value: string): boolean;
}

const PLACEHOLDER_PASSWORDS = new Set(['changeme', 'password', 'your_password', 'xxxxxxxx']);

const RULES: readonly Rule[] = [
  { id: 'aws-access-key-id', pack: 'cloud', severity: 'critical', re: /(?<![A-Za-z0-9_])AKIA[A-Z2-7]{16}(?![A-Za-z0-9_])/g, group: 0, placeholder: (v) => v.endsWith('EXAMPLE') },
  { id: 'github-pat', pack: 'vcs', severity: 'high', re: /(?<![A-Za-z0-9_])ghp_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g, group: 0, placeholder: (v) => /^ghp_x+$/i.test(v) },
  { id: 'generic-password', pack: 'generic', severity: 'medium', re: /password"?\s*[:=]\s*"([^"\s]{4,})"/gi, group: 1, placeholder: (v) => PLACEHOLDER_PASSWORDS.has(v.toLowerCase()) || v.startsWith('${') },
  { id: 'private-key', pack: 'generic', severity: 'critical', re: /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g, group: 0, placeholder: () => false },
];

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const BEGIN = '-----BEGIN';

export class TestEngine implements DetectEngine {
  rulesetHash = 'test-ruleset-1';
  modelVersion = 'none';
  /** scan() calls, and the segments/characters they covered. */
  scanCalls = 0;
  scannedSegments = 0;
  scannedChars = 0;
  scanRulesCalls = 0;
  /** When set, scan/scanRules throw it. */
  failWith: Error | undefined;
  /** Only in tests of pack defaults. */
  packs: { name: string; spec: { actions?: { genuine?: 'allow' | 'warn' | 'redact' | 'block'; placeholder?: 'allow' | 'warn' | 'redact' | 'block' } } }[] = [];

  scanRules(segments: readonly Segment[], _ctx?: ScanContext): Finding[] {
    this.scanRulesCalls++;
    if (this.failWith) throw this.failWith;
    const out: Finding[] = [];
    for (const seg of segments) {
      for (const rule of RULES) {
        rule.re.lastIndex = 0;
        for (let m = rule.re.exec(seg.text); m !== null; m = rule.re.exec(seg.text)) {
          const value = m[rule.group]!;
          const start = m.index + (rule.group === 0 ? 0 : m[0].indexOf(value, m[0].length - value.length - 1));
          const cls: SecretClass = rule.placeholder(value) ? 'placeholder' : 'genuine';
          out.push({
            path: seg.path,
            start,
            end: start + value.length,
            ...lineCol(seg.text, start),
            value,
            type: rule.id,
            class: cls,
            confidence: cls === 'genuine' ? 0.95 : 0.8,
            severity: rule.severity,
            detectors: [rule.id],
            pack: rule.pack,
            entropy: entropy(value),
            signals: cls === 'placeholder' ? ['placeholder:test'] : [],
          });
        }
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start));
  }

  async scan(segments: readonly Segment[], ctx?: ScanContext): Promise<Finding[]> {
    this.scanCalls++;
    this.scannedSegments += segments.length;
    for (const s of segments) this.scannedChars += s.text.length;
    await Promise.resolve();
    return this.scanRules(segments, ctx);
  }

  holdback(text: string): number {
    let hold = 0;
    // Trailing word run that is, or could become, a known-prefix token.
    let i = text.length;
    while (i > 0 && /[A-Za-z0-9_]/.test(text[i - 1]!)) i--;
    const run = text.slice(i);
    if (run) {
      if ('AKIA'.startsWith(run) || (run.startsWith('AKIA') && run.length <= 20)) hold = Math.max(hold, run.length);
      if ('ghp_'.startsWith(run) || (run.startsWith('ghp_') && run.length <= 40)) hold = Math.max(hold, run.length);
    }
    // Inside an open quoted value after a password cue.
    const pw = /password"?\s*[:=]\s*"([^"\s]*)$/i.exec(text);
    if (pw) hold = Math.max(hold, pw[1]!.length);
    // Inside a PEM block whose END line has not arrived.
    const b = text.lastIndexOf(BEGIN);
    if (b !== -1) {
      const after = text.slice(b);
      if (!/-----END [A-Z ]*PRIVATE KEY-----/.test(after)) {
        const close = after.indexOf('-----', BEGIN.length);
        const header = close === -1 ? after.slice(BEGIN.length) : after.slice(BEGIN.length, close);
        const couldBeKey = close === -1 ? /^( [A-Z ]*-{0,4})?$/.test(header) : /^ [A-Z ]*PRIVATE KEY$/.test(header);
        if (couldBeKey) hold = Math.max(hold, after.length);
      }
    }
    // A marker that may be starting.
    for (let k = Math.min(BEGIN.length, text.length); k > 0; k--) {
      if (text.endsWith(BEGIN.slice(0, k))) {
        hold = Math.max(hold, k);
        break;
      }
    }
    return hold;
  }
}
