// Is the value inside a comment? Line comments only (cheap, one line of look-behind); block
// comment bodies are caught by their leading `*` convention.

const LINE_COMMENT = /^\s*(?:\/\/|#(?!!)|--\s|;|%|\*\s|\/\*|<!--|REM\s|')/;

/** `truncated`: lineBefore is only the tail of a long line (its start is not the line start). */
export function commentSignals(lineBefore: string, truncated = false): string[] {
  if (!truncated && LINE_COMMENT.test(lineBefore)) return ['in-comment'];
  // Trailing comment after code: `x = 1  # token: abc`, `foo(); // key=…`
  if (/\s(?:\/\/|#)\s/.test(lineBefore)) return ['in-comment'];
  return [];
}
