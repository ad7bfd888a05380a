// Splits configuration text into lines of tokens, remembering where every token was.

export interface Token {
  readonly text: string;
  readonly line: number; // 1-based
  readonly column: number; // 1-based
}

export interface SourceLine {
  readonly line: number;
  /** The line as written, trailing whitespace removed (joined lines: the first one). */
  readonly text: string;
  /** Column of the first token minus one (tabs count as one). */
  readonly indent: number;
  readonly tokens: readonly Token[];
  /** `!...` (IOS) or `: ...` (PIX) comment, or a blank line. */
  readonly comment: boolean;
  readonly blank: boolean;
  /** Set when the next printed line was a wrapped continuation joined onto this one. */
  readonly joinedLine?: number;
}

function tokenize(text: string, line: number): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ text: m[0], line, column: m.index + 1 });
  return out;
}

function isComment(trimmed: string): boolean {
  return trimmed.startsWith('!') || trimmed === ':' || trimmed.startsWith(': ');
}

/**
 * A keyword cut at a hyphen at the end of a line, completed at the start of the next one
 * (the chapter prints `... no-xauth no-` / `config-mode`). Only joins word-hyphen + word,
 * which never occurs in a well-formed command.
 */
function wrapsOnto(prev: Token | undefined, next: SourceLine | undefined): boolean {
  if (!prev || !next || next.comment || next.blank || next.indent !== 0) return false;
  const first = next.tokens[0];
  return /^[a-z][a-z0-9]*-$/i.test(prev.text) && first !== undefined && /^[a-z][a-z0-9-]*$/i.test(first.text);
}

export function lexLines(text: string): SourceLine[] {
  const raw = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const lines: SourceLine[] = raw.map((rawLine, i) => {
    const trimmedEnd = rawLine.replace(/\s+$/, '');
    const tokens = tokenize(trimmedEnd, i + 1);
    const trimmed = trimmedEnd.trimStart();
    return {
      line: i + 1,
      text: trimmedEnd,
      indent: tokens[0] ? tokens[0].column - 1 : 0,
      tokens,
      comment: isComment(trimmed),
      blank: trimmed === '',
    };
  });
  const out: SourceLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const cur = lines[i];
    if (!cur) continue;
    const next = lines[i + 1];
    const last = cur.tokens[cur.tokens.length - 1];
    if (!cur.comment && wrapsOnto(last, next) && last && next) {
      const [first, ...rest] = next.tokens;
      const joined: Token = { text: last.text + (first?.text ?? ''), line: last.line, column: last.column };
      out.push({ ...cur, tokens: [...cur.tokens.slice(0, -1), joined, ...rest], joinedLine: next.line });
      i++;
      continue;
    }
    out.push(cur);
  }
  return out;
}
