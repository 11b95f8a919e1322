// Output formats of `leakgate scan`. Human output (text) and SARIF never carry the value, only a
// short keyed fingerprint; json/jsonl carry the exact value (DESIGN.md contract) unless --redact.
import { sep } from 'node:path';
import type { Finding } from '../detect/types.js';

export type Format = 'text' | 'json' | 'jsonl' | 'sarif';

/** A finding as the scan reports it: the policy's verdict and a short fingerprint beside it. */
export interface Reported {
  f: Finding;
  /** 64 hex: HMAC-SHA256 of the value (see scan.ts for the key). */
  fingerprint: string;
  /** Does this finding fail the scan (exit 1)? */
  fails: boolean;
  /** The action the configured policy takes on it (when a policy decides), else null. */
  action: string | null;
}

export interface ReportInput {
  findings: readonly Reported[];
  redact: boolean;
  errors: readonly string[];
  color: boolean;
}

/** Fingerprint as shown to people: enough to tell findings apart and match them, nothing of the value. */
export function shortFingerprint(fp: string): string {
  return `fp:${fp.slice(0, 12)}`;
}

function shownValue(f: Finding, redact: boolean): string {
  return redact ? `[REDACTED:${f.type}]` : f.value;
}

/** One jsonl line: exactly the DESIGN.md fields. */
export function jsonlRecord(f: Finding, redact: boolean): Record<string, unknown> {
  return {
    path: f.path,
    line: f.line,
    column: f.column,
    value: shownValue(f, redact),
    type: f.type,
    class: f.class,
    confidence: f.confidence,
    severity: f.severity,
    detector: f.detectors[0] ?? '',
  };
}

export function endPosition(f: Finding): { line: number; column: number } {
  const lines = f.value.split('\n');
  return lines.length === 1 ? { line: f.line, column: f.column + f.value.length } : { line: f.line + lines.length - 1, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function jsonReport(r: ReportInput): string {
  return (
    JSON.stringify(
      {
        findings: r.findings.map(({ f, fingerprint, fails, action }) => ({
          ...jsonlRecord(f, r.redact),
          end: endPosition(f),
          detectors: f.detectors,
          pack: f.pack,
          entropy: f.entropy,
          signals: f.signals,
          fingerprint,
          fails,
          ...(action !== null ? { action } : {}),
        })),
        errors: r.errors,
      },
      null,
      2,
    ) + '\n'
  );
}

const SECURITY_SEVERITY: Record<Finding['severity'], string> = { low: '3.0', medium: '5.0', high: '8.0', critical: '9.5' };

function sarif(r: ReportInput): unknown {
  const rules = new Map<string, Finding>();
  for (const { f } of r.findings) if (!rules.has(f.type)) rules.set(f.type, f);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'leakgate',
            informationUri: 'https://github.com/leakgate/leakgate',
            rules: [...rules.entries()].map(([type, f]) => ({
              id: type,
              name: type.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: `Secret of type ${type}` },
              defaultConfiguration: { level: f.severity === 'low' ? 'warning' : 'error' },
              properties: { tags: ['security', 'secrets'], 'security-severity': SECURITY_SEVERITY[f.severity] },
            })),
          },
        },
        results: r.findings.map(({ f, fingerprint, fails }) => {
          const end = endPosition(f);
          return {
            ruleId: f.type,
            // A finding that fails the scan is an error; one the policy only warns about is a warning.
            level: fails ? (f.severity === 'low' ? 'warning' : 'error') : f.class === 'genuine' ? 'warning' : 'note',
            message: { text: `${f.class} ${f.type} (${shortFingerprint(fingerprint)}), confidence ${f.confidence}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.path === '-' ? 'stdin' : f.path.split(sep).join('/') },
                  region: { startLine: f.line, startColumn: f.column, endLine: end.line, endColumn: end.column },
                },
              },
            ],
            // GitHub code scanning matches alerts across runs by this; it names the value only by its keyed MAC.
            partialFingerprints: { 'leakgateValue/v1': fingerprint.slice(0, 32) },
            properties: { class: f.class, confidence: f.confidence, severity: f.severity, detectors: f.detectors, signals: f.signals },
          };
        }),
      },
    ],
  };
}

function textReport(r: ReportInput): string {
  const c = (code: string, s: string): string => (r.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines = r.findings.map(({ f, fingerprint, fails, action }) => {
    const cls = f.class === 'genuine' ? c('31;1', f.class) : f.class === 'placeholder' ? c('33', f.class) : c('2', f.class);
    const verdict = fails ? c('31', 'FAIL') : c('2', 'info');
    const why = `${f.severity}, ${f.detectors.join('+')}${action !== null ? `, policy: ${action}` : ''}`;
    return `${c('1', `${f.path}:${f.line}:${f.column}`)}  ${verdict}  ${f.type}  ${cls}  confidence ${f.confidence.toFixed(2)}  ${shortFingerprint(fingerprint)}  ${c('2', `(${why})`)}`;
  });
  const failing = r.findings.filter((x) => x.fails).length;
  lines.push(`${r.findings.length} finding(s), ${failing} failing the scan`);
  return lines.join('\n') + '\n';
}

export function formatReport(format: Format, r: ReportInput): string {
  switch (format) {
    case 'jsonl':
      return r.findings.map(({ f }) => JSON.stringify(jsonlRecord(f, r.redact)) + '\n').join('');
    case 'json':
      return jsonReport(r);
    case 'sarif':
      return JSON.stringify(sarif(r), null, 2) + '\n';
    default:
      return textReport(r);
  }
}
