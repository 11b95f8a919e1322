// Reversible redaction: a value redacted in a request is replaced by a stable per-request token
// (`[REDACTED:<type>#<n>]`); the same token in the response is restored before the client sees it.
// The vault lives only in one RequestGuard's memory and dies with it.

const TOKEN_OPEN = '[REDACTED:';

export class RedactionVault {
  readonly #byValue = new Map<string, string>();
  readonly #byToken = new Map<string, string>();
  #longest = 0;

  get size(): number {
    return this.#byToken.size;
  }

  /** The token for `value` (the same value always gets the same token within a request). */
  tokenFor(type: string, value: string): string {
    const known = this.#byValue.get(value);
    if (known !== undefined) return known;
    const token = `${TOKEN_OPEN}${type}#${this.#byToken.size + 1}]`;
    this.#byValue.set(value, token);
    this.#byToken.set(token, value);
    this.#longest = Math.max(this.#longest, token.length);
    return token;
  }

  /** `text` with every known token replaced by its value; unknown tokens are left as they are. */
  restore(text: string): string {
    if (this.#byToken.size === 0 || !text.includes(TOKEN_OPEN)) return text;
    let out = '';
    let from = 0;
    for (let i = text.indexOf(TOKEN_OPEN); i !== -1; i = text.indexOf(TOKEN_OPEN, i + 1)) {
      if (i < from) continue;
      const close = text.indexOf(']', i + TOKEN_OPEN.length);
      if (close === -1) break;
      const value = this.#byToken.get(text.slice(i, close + 1));
      if (value === undefined) continue;
      out += text.slice(from, i) + value;
      from = close + 1;
    }
    return out + text.slice(from);
  }

  /** How many trailing characters of `text` could be the start of a known token (hold them for the next chunk). */
  partialTokenLength(text: string): number {
    if (this.#byToken.size === 0) return 0;
    const floor = Math.max(0, text.length - this.#longest + 1);
    for (let i = text.lastIndexOf('[', text.length - 1); i >= floor; i = text.lastIndexOf('[', i - 1)) {
      const tail = text.slice(i);
      for (const token of this.#byToken.keys()) if (token.length > tail.length && token.startsWith(tail)) return tail.length;
      if (i === 0) break;
    }
    return 0;
  }
}

/** Restores tokens in a stream channel, holding a token split over chunks until it is whole. */
export class StreamRestorer {
  readonly #vault: RedactionVault;
  #held = '';

  constructor(vault: RedactionVault) {
    this.#vault = vault;
  }

  push(text: string): string {
    const all = this.#held + text;
    const hold = this.#vault.partialTokenLength(all);
    this.#held = all.slice(all.length - hold);
    return this.#vault.restore(all.slice(0, all.length - hold));
  }

  flush(): string {
    const rest = this.#held;
    this.#held = '';
    return this.#vault.restore(rest);
  }
}
