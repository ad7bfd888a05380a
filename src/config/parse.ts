// parseConfig: text of an IOS or PIX configuration (or a whole terminal capture) -> model.

import type { RouterConfig } from '../policy/model.js';
import { checkReferences, incompleteEntries, portRangeLines } from './crossCheck.js';
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

/** Everything a configuration text says, errors included (none thrown). */
export interface ConfigReading {
  readonly config: RouterConfig;
  /** Command errors in line order; cross-reference errors only when there are none. */
  readonly errors: readonly ConfigError[];
  /** Set when reading stopped after a thousand errors: the line it stopped at. */
  readonly stoppedAtLine?: number;
  /** Lines read as commands: 0 for an empty file, blanks or comments only. */
  readonly commandLines: number;
}

/** Reads a configuration, collecting every error instead of stopping at the first. */
export function readConfig(text: string, file: string, options: ParseOptions = {}): ConfigReading {
  const dialect = options.dialect ?? detectDialect(text);
  const parsed = parseLines(text, file, dialect);
  const builder = parsed.builder;
  const mode = options.crossCheck ?? 'error';
  let errors: readonly ConfigError[] = parsed.errors;
  if (parsed.errors.length === 0 && mode !== 'off') {
    const problems = checkReferences(builder.build(), builder.refs, builder.aclProblems);
    if (mode === 'error') errors = problems;
    else for (const e of problems) builder.warn(e.line, e.detail);
  }
  if (errors.length === 0) {
    const config = builder.build();
    for (const w of [...incompleteEntries(config), ...portRangeLines(config)])
      builder.warn(w.line, w.message);
  }
  return {
    config: builder.build(),
    errors,
    commandLines: parsed.commandLines,
    ...(parsed.stoppedAtLine !== undefined ? { stoppedAtLine: parsed.stoppedAtLine } : {}),
  };
}

/**
 * Parses a configuration. Throws ConfigError for a crypto command with a wrong keyword or
 * value, an unknown command, and (unless told otherwise) for broken references; the other
 * commands IOS and PIX know are listed in `ignored`; damaged certificates and keys become
 * `warnings`.
 */
export function parseConfig(text: string, file: string, options: ParseOptions = {}): RouterConfig {
  const reading = readConfig(text, file, options);
  const first = reading.errors[0];
  if (first) throw first;
  return reading.config;
}

/** All cross-reference problems of a configuration text, without throwing on the first. */
export function configProblems(
  text: string,
  file: string,
  options: Pick<ParseOptions, 'dialect'> = {},
): ConfigError[] {
  const { builder } = parseLines(text, file, options.dialect ?? detectDialect(text));
  return checkReferences(builder.build(), builder.refs, builder.aclProblems);
}
