// Secret cue words before a value on its line: the key name it is assigned to, a header name,
// or a word in prose ("my token is …"). Gives `keyword:<word>` signals.

const CUE =
  /(pass(?:word|wd|phrase|wort|code)?|pwd|contrase(?:ñ|n)a|senha|mot[_ -]?de[_ -]?passe|kennwort|wachtwoord|parola|пароль|密码|パスワード|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|client[_.-]?secret|credential|auth|bearer|session[_.-]?key|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|conn(?:ection)?[_.-]?str(?:ing)?)/gi;

/** The cue words found in `before` (nearest last), normalised. */
export function keywordSignals(before: string): string[] {
  const tail = before.slice(-100);
  const found = new Set<string>();
  for (const m of tail.matchAll(CUE)) {
    const w = (m[1] ?? '').toLowerCase().replace(/[_.-]/g, '');
    found.add(`keyword:${normalise(w)}`);
  }
  return [...found];
}

function normalise(w: string): string {
  if (/^pass|^pwd|contrase|senha|motdepasse|kennwort|wachtwoord|parola|пароль|密码|パスワード/.test(w)) return 'password';
  if (/apikey/.test(w)) return 'api_key';
  return w;
}
