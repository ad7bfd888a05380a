// Reads the tokens of one command left to right, turning every mismatch into a ConfigError
// that points at the token (or just past the end of the line when a token is missing).

import { parseIpv4 } from '../policy/ipv4.js';
import { ConfigError } from './errors.js';
import type { SourceLine, Token } from './lexer.js';
import { nearestKeyword } from './suggest.js';

export class Cursor {
  private index: number;

  constructor(
    readonly file: string,
    readonly src: SourceLine,
    start = 0,
  ) {
    this.index = start;
  }

  get position(): number {
    return this.index;
  }

  peek(offset = 0): Token | undefined {
    return this.src.tokens[this.index + offset];
  }

  atEnd(): boolean {
    return this.index >= this.src.tokens.length;
  }

  /** Where a missing token would have been: one column past the end of the line. */
  private endColumn(): number {
    const last = this.src.tokens[this.src.tokens.length - 1];
    return last ? last.column + last.text.length + 1 : 1;
  }

  /** `options`: the keywords that would have fitted, to suggest the nearest one. */
  error(
    token: Token | undefined,
    expected: string,
    message?: string,
    options?: readonly string[],
  ): ConfigError {
    const suggestion = token && options ? nearestKeyword(token.text, options) : undefined;
    return new ConfigError({
      file: this.file,
      line: token?.line ?? this.src.line,
      column: token?.column ?? this.endColumn(),
      found: token?.text ?? '',
      expected,
      source: this.src.text,
      ...(message !== undefined ? { message } : {}),
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
  }

  /** The next token, whatever it is. */
  word(expected: string): Token {
    const t = this.peek();
    if (!t) throw this.error(undefined, expected);
    this.index++;
    return t;
  }

  /**
   * One of `options` (case-insensitive, as IOS). A unique abbreviation is accepted the way
   * the IOS parser does (`encr` for `encryption`, `wr t`); the canonical option is returned.
   */
  keyword<const K extends string>(options: readonly K[], expected?: string): K {
    const t = this.peek();
    const what = expected ?? describeOptions(options);
    if (!t) throw this.error(undefined, what);
    const k = matchKeyword(t.text, options);
    if (k === undefined) throw this.error(t, what, undefined, options);
    this.index++;
    return k;
  }

  optionalKeyword<const K extends string>(options: readonly K[]): K | undefined {
    const t = this.peek();
    if (!t) return undefined;
    const k = matchKeyword(t.text, options);
    if (k !== undefined) this.index++;
    return k;
  }

  ipv4(expected = 'an IPv4 address'): string {
    const t = this.peek();
    if (!t || parseIpv4(t.text) === undefined) throw this.error(t, expected);
    this.index++;
    return t.text;
  }

  integer(min: number, max: number, expected?: string): number {
    const t = this.peek();
    const what = expected ?? `a number from ${min} to ${max}`;
    if (!t || !/^\d{1,10}$/.test(t.text)) throw this.error(t, what);
    const n = Number(t.text);
    if (n < min || n > max) throw this.error(t, what);
    this.index++;
    return n;
  }

  /** Remaining tokens (consumes them). */
  rest(): Token[] {
    const out = this.src.tokens.slice(this.index);
    this.index = this.src.tokens.length;
    return [...out];
  }

  end(): void {
    const t = this.peek();
    if (t) throw this.error(t, 'end of line');
  }
}

export function describeOptions(options: readonly string[]): string {
  return options.length === 1 ? `"${options[0] ?? ''}"` : `one of ${options.join(', ')}`;
}

export function matchKeyword<K extends string>(text: string, options: readonly K[]): K | undefined {
  const lower = text.toLowerCase();
  const exact = options.find((o) => o.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  if (/\d/.test(text)) return undefined; // `3` is not `31`, `group3` is not `group31`
  const prefixed = options.filter((o) => o.toLowerCase().startsWith(lower));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
