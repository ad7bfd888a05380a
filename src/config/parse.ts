// parseConfig: text of an IOS or PIX configuration (or a whole terminal capture) -> model.

import type { RouterConfig } from '../policy/model.js';
import { checkReferences, incompleteEntries } from './crossCheck.js';
import { detectDialect, type Dialect } from './dialect.js';
import type { ConfigError } from './errors.js';
import { parseLines } from './parser.js';

export interface ParseOptions {
  /** Force a dialect instead of detecting it. */
  readonly dialect?: Dialect;
  /**
   * What to do with broken cross-references (a crypto map naming a missing transform set,
   * ACL or dynamic map; an interface applying an unknown map; ...): `error` (default) throws
   * the first ConfigError, `warn` records them as warnings, `off` skips the check.
   */
  readonly crossCheck?: 'error' | 'warn' | 'off';
}

/**
 * Parses a configuration. Throws ConfigError for a crypto command with a wrong keyword or
 * value and (unless told otherwise) for broken references; everything not about IPsec is
 * listed in `ignored`; damaged certificates and keys become `warnings`.
 */
export function parseConfig(text: string, file: string, options: ParseOptions = {}): RouterConfig {
  const dialect = options.dialect ?? detectDialect(text);
  const builder = parseLines(text, file, dialect);
  const mode = options.crossCheck ?? 'error';
  let errors: ConfigError[] = [];
  if (mode !== 'off') {
    const partial = builder.build();
    errors = checkReferences(partial, builder.refs, builder.aclProblems);
    const first = errors[0];
    if (mode === 'error' && first) throw first;
  }
  for (const e of errors) builder.warn(e.line, e.detail);
  for (const w of incompleteEntries(builder.build())) builder.warn(w.line, w.message);
  return builder.build();
}

/** All cross-reference problems of a configuration text, without throwing on the first. */
export function configProblems(
  text: string,
  file: string,
  options: Pick<ParseOptions, 'dialect'> = {},
): ConfigError[] {
  const builder = parseLines(text, file, options.dialect ?? detectDialect(text));
  return checkReferences(builder.build(), builder.refs, builder.aclProblems);
}
