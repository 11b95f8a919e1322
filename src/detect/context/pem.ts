// Private-key blocks get their own placeholder cues: real key bodies legitimately contain runs
// like AAAAAAAA, so the value-wide cues do not apply; the body must be long, base64 and random.
import { shannonEntropy } from '../entropy.js';

const PEM_LIKE = /^(?:-{4,5} ?BEGIN |PuTTY-User-Key-File-)/;

export function isKeyBlock(value: string): boolean {
  return PEM_LIKE.test(value);
}

/** The base64 key material of a block: marker lines, headers and (escaped) line breaks removed. */
export function keyBody(value: string): string {
  return value
    .replace(/\\[rn]/g, '\n')
    .split('\n')
    .filter((l) => !/^-{4,5} ?(?:BEGIN|END) /.test(l) && !/^[A-Za-z-]+: /.test(l))
    .join('')
    .replace(/\s+/g, '');
}

export function keyBlockSignals(value: string): string[] {
  const body = keyBody(value);
  const out: string[] = [];
  if (/\.{3}|\*{3}|…|x{4,}|X{4,}|<[^>]*>|\$\{|\{\{/.test(body)) out.push('placeholder:redacted');
  if (/EXAMPLE|PLACEHOLDER|REDACTED|YOUR|FAKE|DUMMY/.test(body) && !/^[A-Za-z0-9+/=]{200,}$/.test(body)) out.push('placeholder:example-value');
  if (body.length < 64) out.push('placeholder:empty-key-body');
  else if (shannonEntropy(body) < 4.5) out.push('placeholder:few-chars');
  return out;
}
