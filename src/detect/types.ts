// The detect stage's public contract. detect/ sees text segments and returns findings;
// it knows nothing of HTTP or wire formats.

export type SecretClass = 'genuine' | 'placeholder' | 'benign';
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** A piece of text to scan, with a stable location (a JSON path in a body, or a file path). */
export interface Segment {
  path: string;
  text: string;
}

/** Hints about where the text came from; they feed the context rules. */
export interface ScanContext {
  /** File path when scanning files (CLI); used for test/doc/example cues and file kind. */
  filePath?: string;
  /** 'prompt' | 'completion' | 'env' | 'yaml' | 'json' | 'code' | … ; derived from filePath when absent. */
  fileKind?: string;
  /** Report benign candidates too (training data, debugging). */
  includeBenign?: boolean;
  /** Only these packs (by name); all when absent. */
  packs?: string[];
}

export interface Finding {
  /** Segment path the finding lives in. */
  path: string;
  /** UTF-16 offsets into the segment text: text.slice(start, end) === value. */
  start: number;
  end: number;
  /** 1-based line and column of start within the segment text. */
  line: number;
  column: number;
  /** The secret substring. Stays inside detect/ and the CLI; audit stores only its fingerprint. */
  value: string;
  /** Provider/credential kind, e.g. 'aws-access-key-id', 'github-pat', 'generic-password'. */
  type: string;
  class: SecretClass;
  confidence: number;
  severity: Severity;
  /** Detector ids that matched (first one decided the type). */
  detectors: string[];
  /** Filter pack the deciding detector came from. */
  pack: string;
  /** Shannon entropy of value, bits per character. */
  entropy: number;
  /** Why: e.g. 'keyword:password', 'in-comment', 'test-path', 'placeholder:template-var', 'checksum:valid', 'model:genuine'. */
  signals: string[];
}

/** The detect engine as the rest of the product sees it. */
export interface DetectEngine {
  /** Rules only: synchronous, used by the streaming scanner and as the model fallback. */
  scanRules(segments: readonly Segment[], ctx?: ScanContext): Finding[];
  /** Rules then the classifier for candidates the rules are unsure of (falls back to rules on any model failure). */
  scan(segments: readonly Segment[], ctx?: ScanContext): Promise<Finding[]>;
  /** Identifies the rules in force (hash of packs + settings) for the audit log. */
  readonly rulesetHash: string;
  /** Model version in force, or 'none'. */
  readonly modelVersion: string;
  /**
   * Streaming hold-back: how many trailing characters of `text` could still be the start (or part)
   * of a secret and must be held until more text arrives. 0 for an ordinary trailing word.
   */
  holdback(text: string): number;
}

/**
 * The classifier stage as the engine sees it (implemented in detect/model). Given rule findings
 * and their segments, returns the findings with class/confidence refined and signals added
 * ('model:genuine', 'model:timeout', 'model:unavailable', …). Never rejects: on any model failure
 * it returns the rules' findings with a fallback signal.
 */
export interface Classifier {
  readonly version: string;
  refine(findings: Finding[], segments: ReadonlyMap<string, string>, ctx?: ScanContext): Promise<Finding[]>;
  /** 'ready' | 'degraded' (load failure, timeouts) | 'disabled'. */
  status(): { state: 'ready' | 'degraded' | 'disabled'; detail?: string };
}
