// Where the text comes from: test/example/doc paths and the file kind derived from the name.

const TEST_PATH = /(?:^|[\\/])(?:tests?|spec|specs|__tests__|__mocks__|mocks?|fixtures?|testdata|test-data|testing|e2e|stubs?|fakes?)(?:[\\/]|$)|[._-](?:test|spec|mock|fixture)s?\.[a-z]+$|(?:^|[\\/])test_[^\\/]*$/i;
const EXAMPLE_PATH = /(?:^|[\\/])(?:examples?|samples?|demos?|templates?|sandbox)(?:[\\/]|$)|\.(?:example|sample|template|dist|tmpl|tpl)(?:\.[a-z]+)?$|[._-](?:example|sample|template)s?\.[a-z]+$/i;
const DOC_PATH = /(?:^|[\\/])(?:docs?|documentation|man|wiki)(?:[\\/]|$)|\.(?:md|mdx|rst|adoc)$|(?:^|[\\/])(?:README|CHANGELOG|CONTRIBUTING)[^\\/]*$/i;

const KIND_BY_EXT: Record<string, string> = {
  env: 'env', yaml: 'yaml', yml: 'yaml', json: 'json', xml: 'xml', ini: 'ini', toml: 'toml', properties: 'properties',
  conf: 'ini', cfg: 'ini', md: 'doc', mdx: 'doc', rst: 'doc', txt: 'text', html: 'code', htm: 'code',
  sh: 'shell', bash: 'shell', zsh: 'shell', ps1: 'shell', bat: 'shell',
};

/** 'env' | 'yaml' | … | 'code' | 'doc' | 'text' ('code' for unknown extensions). */
export function fileKindOf(filePath: string | undefined): string | undefined {
  if (!filePath) return undefined;
  const base = filePath.split(/[\\/]/).pop() ?? '';
  if (/^\.env(?:\.|$)/i.test(base)) return 'env';
  const ext = /\.([A-Za-z0-9]+)$/.exec(base)?.[1]?.toLowerCase();
  if (!ext) return 'text';
  return KIND_BY_EXT[ext] ?? 'code';
}

/** `test-path`, `example-path`, `doc-path` signals for a file path. */
export function fileSignals(filePath: string | undefined): string[] {
  if (!filePath) return [];
  const out: string[] = [];
  if (TEST_PATH.test(filePath)) out.push('test-path');
  if (EXAMPLE_PATH.test(filePath)) out.push('example-path');
  if (DOC_PATH.test(filePath)) out.push('doc-path');
  return out;
}

// `e.g.` ends in a dot, so it takes no closing word boundary (`\b` after `.` needs a letter next: `e.g. x`
// and `e.g.)` never matched).
const NEARBY_PLACEHOLDER_WORDS = /\b(?:example|sample|dummy|fake|placeholder|not a real|mock|for testing|test (?:key|token|secret)|such as|replace (?:with|this)|your own)\b|\be\.g\./i;

/** `nearby:example` when the surrounding line(s) say the value is an example. */
export function nearbySignals(context: string): string[] {
  return NEARBY_PLACEHOLDER_WORDS.test(context) ? ['nearby:example'] : [];
}
