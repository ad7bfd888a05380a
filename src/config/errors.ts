/**
 * A configuration the parser or the JSON loader refuses. `line`/`column` are 1-based and
 * point at the offending token (0 when unknown, e.g. JSON input, where `path` says where).
 * The message is rendered once, compiler style: `r1.cfg:12:21: expected one of des, 3des,
 * aes; found "3dez"`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly found: string;
  readonly expected: string;
  /** The message without the location prefix. */
  readonly detail: string;
  /** JSON path (`$.isakmpPolicies[0].hash`) for errors in a JSON model. */
  readonly path?: string;
  /** The nearest keyword to what was found, when it looks like a typo of one. */
  readonly suggestion?: string;
  /** The offending line as written, for a caret under `column` (IOS's `^` marker). */
  readonly source?: string;

  constructor(d: {
    file: string;
    line: number;
    column: number;
    found: string;
    expected: string;
    message?: string;
    path?: string;
    suggestion?: string;
    source?: string;
  }) {
    const detail =
      (d.message ??
        `expected ${d.expected}; found ${d.found === '' ? 'end of line' : JSON.stringify(d.found)}`) +
      (d.suggestion !== undefined ? `; did you mean "${d.suggestion}"?` : '');
    const where =
      d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.path !== undefined ? `${d.file}: ${d.path}` : d.file;
    super(`${where}: ${detail}`);
    this.file = d.file;
    this.line = d.line;
    this.column = d.column;
    this.found = d.found;
    this.expected = d.expected;
    this.detail = detail;
    if (d.path !== undefined) this.path = d.path;
    if (d.suggestion !== undefined) this.suggestion = d.suggestion;
    if (d.source !== undefined) this.source = d.source;
  }
}
