// Streaming hold-back: how much of a text's tail could still be (the start of) a secret. Holding
// every trailing word would delay each event by a token gap, so only hold a run that could still
// become a known provider prefix, follows a secret cue, is long or random-looking, or is an open
// PEM private-key block.

export interface HoldbackPolicy {
  holdback(text: string): number;
}

const SECRET_CHAR = /[A-Za-z0-9+/=_\-.~:@%$!*#&?]/;
const CUE_BEFORE = /(?:[=:]\s*["'`]?|(?:bearer|basic|token|bot)\s+|\b(?:password|passwd|pwd|secret|token|key|apikey|api_key)\s+(?:is\s+)?["'`]?|-u\s+["']?|--user\s+["']?)$/i;
const OPEN_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/g;

export function createHoldback(providerPrefixes: readonly string[], maxHold: number): HoldbackPolicy {
  // Prefix literals worth holding for: those a value starts with (not bare words like "heroku").
  const prefixes = [...new Set(providerPrefixes.filter((k) => k.length >= 3 && /[^a-z]/.test(k)))];
  const upperPrefixes = [...new Set(providerPrefixes.filter((k) => k.length >= 3 && /^[a-z0-9]+$/.test(k)).map((k) => k.toUpperCase()))];

  function couldBePrefix(run: string): boolean {
    const low = run.toLowerCase();
    for (const p of prefixes) if (p.startsWith(low) || low.startsWith(p)) return true;
    if (run.length >= 2 && run === run.toUpperCase() && /[A-Z]/.test(run)) {
      for (const p of upperPrefixes) if (p.startsWith(run) || run.startsWith(p)) return true;
    }
    return false;
  }

  function randomLooking(run: string): boolean {
    if (run.length >= 24) return true;
    if (run.length < 8) return false;
    const hasDigit = /[0-9]/.test(run);
    const hasUpper = /[A-Z]/.test(run);
    const hasLower = /[a-z]/.test(run);
    return hasDigit && (hasUpper || hasLower) && (hasUpper ? 1 : 0) + (hasLower ? 1 : 0) + 1 >= 2;
  }

  return {
    holdback(text: string): number {
      if (text.length === 0) return 0;
      // An open private-key block is held whole until its END marker arrives.
      const lastBegin = text.lastIndexOf('-----BEGIN ');
      if (lastBegin !== -1) {
        OPEN_PEM.lastIndex = lastBegin;
        const m = OPEN_PEM.exec(text);
        if (m && m.index === lastBegin && !text.includes('-----END', lastBegin)) return Math.min(text.length - lastBegin, maxHold);
      }
      // A partial BEGIN marker at the very end.
      const dash = text.lastIndexOf('-----');
      if (dash !== -1 && dash >= text.length - 40 && /^-----(?:B(?:E(?:G(?:I(?:N(?: [A-Z0-9 ]*)?)?)?)?)?)?$/.test(text.slice(dash))) return Math.min(text.length - dash, maxHold);
      if (/-{1,4}$/.test(text)) return Math.min(/-{1,4}$/.exec(text)?.[0].length ?? 0, maxHold);

      let i = text.length;
      while (i > 0 && SECRET_CHAR.test(text[i - 1] ?? '') && text.length - i < maxHold) i--;
      const run = text.slice(i);
      if (run.length === 0) return 0;
      const before = text.slice(Math.max(0, i - 64), i);
      const hold = Math.min(run.length, maxHold);
      if (CUE_BEFORE.test(before)) return hold;
      if (/:\/\/[^\s/@]*:/.test(run) || /:\/\/[^\s/@]*$/.test(run)) return hold;
      if (couldBePrefix(run)) return hold;
      // `key=value` / `key: value` inside one run (no space).
      if (/[=:]/.test(run.slice(1))) return hold;
      if (randomLooking(run)) return hold;
      return 0;
    },
  };
}
