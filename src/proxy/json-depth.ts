// Nesting-depth check run before JSON.parse: a hostile body of 100k '[' would otherwise cost a deep
// walk later (every stage that recurses over the parsed value). One linear pass over the text.

const OPEN_OBJ = 0x7b; // {
const OPEN_ARR = 0x5b; // [
const CLOSE_OBJ = 0x7d; // }
const CLOSE_ARR = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Occurrences of `ch` in `text`, stopping once past `stop` (indexOf is native and fast). */
function countUpTo(text: string, ch: string, stop: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1 && n <= stop; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** True when `text` nests arrays/objects deeper than `max` (strings are skipped). */
export function jsonTooDeep(text: string, max: number): boolean {
  // Depth can never exceed the number of openers: typical chat bodies have far fewer than `max`,
  // so the character walk below only runs for bodies that could be hostile.
  const objects = countUpTo(text, '{', max);
  if (objects + countUpTo(text, '[', max - objects) <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJ || c === OPEN_ARR) {
      if (++depth > max) return true;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) depth--;
  }
  return false;
}
