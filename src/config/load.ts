// One entry point for every reader of a configuration file (`start`, `check`, `reload`):
// bytes -> text -> model (IOS/PIX text or the JSON model) -> what the gateway runs of it.

import { readFileSync } from 'node:fs';
import type { RouterConfig, Warning } from '../policy/model.js';
import { ConfigError } from './errors.js';
import { configText } from './input.js';
import { loadConfigJson } from './json.js';
import { readConfig } from './parse.js';
import { planRun, type Refusal } from './unsupported.js';

export type ConfigLoad =
  | {
      readonly ok: true;
      /** The configuration as written. */
      readonly model: RouterConfig;
      /** What the engines get (see planRun): inert policies and redacted keys left out. */
      readonly runnable: RouterConfig;
      /** Lines with no effect in this gateway (planRun), e.g. an unsupported policy. */
      readonly inert: readonly Warning[];
      /** The model's warnings and the inert lines, in line order. */
      readonly warnings: readonly Warning[];
    }
  | {
      readonly ok: false;
      /** Errors in line order. */
      readonly errors: readonly ConfigError[];
      /** Set when reading stopped after a thousand errors: the line it stopped at. */
      readonly stoppedAtLine?: number;
      /** What the gateway would refuse to run (only when the model itself has no error). */
      readonly refused: readonly Refusal[];
      readonly model?: RouterConfig;
    };

function failed(error: ConfigError): ConfigLoad {
  return { ok: false, errors: [error], refused: [] };
}

/** Parses `text` as the model JSON when it looks like JSON or the file ends in .json. */
export function looksLikeJson(text: string, file: string): boolean {
  return file.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
}

/** Reads a configuration from its bytes (or text); never throws a ConfigError. */
export function readConfiguration(input: Uint8Array | string, file: string): ConfigLoad {
  let text: string;
  let model: RouterConfig;
  try {
    text = typeof input === 'string' ? input : configText(input, file);
    if (looksLikeJson(text, file)) {
      model = loadConfigJson(text, file);
    } else {
      const reading = readConfig(text, file);
      if (reading.commandLines === 0) {
        return failed(
          new ConfigError({
            file,
            line: 0,
            column: 0,
            found: text.trim() === '' ? 'an empty file' : 'only comments',
            expected: 'an IOS or PIX configuration',
            message: `no IOS or PIX command: the file is ${text.trim() === '' ? 'empty or blank' : 'only comments'}`,
          }),
        );
      }
      if (reading.errors.length > 0) {
        const stopped = reading.stoppedAtLine;
        return {
          ok: false,
          errors: reading.errors,
          refused: [],
          ...(stopped !== undefined ? { stoppedAtLine: stopped } : {}),
        };
      }
      model = reading.config;
    }
  } catch (error) {
    if (error instanceof ConfigError) return failed(error);
    throw error;
  }
  const plan = planRun(model);
  if (plan.refused.length > 0) return { ok: false, errors: [], refused: plan.refused, model };
  const warnings = [...model.warnings, ...plan.inert].sort((a, b) => a.line - b.line);
  return { ok: true, model, runnable: plan.runnable, inert: plan.inert, warnings };
}

/** A warning as check prints it and start and reload log it: `file:line: message`. */
export function warningText(file: string, warning: Warning): string {
  return `${file}:${warning.line}: ${warning.message}`;
}

/** Reads the configuration file at `path` (see readConfiguration). */
export function loadConfiguration(path: string): ConfigLoad {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return failed(
      new ConfigError({
        file: path,
        line: 0,
        column: 0,
        found: code ?? 'an unreadable file',
        expected: 'a readable file',
        message: `cannot read the configuration${code === undefined ? '' : ` (${code})`}`,
      }),
    );
  }
  return readConfiguration(bytes, path);
}
