// Shared by `show`, `debug` and `clear`: the --control option and a connection that turns
// connection problems into the CLI's runtime failure (exit 1).

import type { Command } from 'commander';
import { defaultControlPath } from '../gateway/controlProtocol.js';
import { ControlClient, ControlConnectionError } from './controlClient.js';
import { RuntimeFailure } from './errors.js';

export function addControlOption(command: Command): Command {
  return command.option(
    '--control <path>',
    `control socket of a running gateway (default ${defaultControlPath()}, or $TYPESWAN_CONTROL)`,
  );
}

export async function connectControl(path: string | undefined): Promise<ControlClient> {
  try {
    return await ControlClient.connect(path ?? defaultControlPath());
  } catch (error) {
    if (error instanceof ControlConnectionError) throw new RuntimeFailure(error.message);
    throw error;
  }
}

/** IOS accepts unique prefixes (`show cry isa sa`): expands `word` against `options`. */
export function expandKeyword(word: string | undefined, options: readonly string[]): string | undefined {
  if (word === undefined) return undefined;
  const lower = word.toLowerCase();
  const exact = options.find((o) => o === lower);
  if (exact !== undefined) return exact;
  const matches = options.filter((o) => o.startsWith(lower));
  return matches.length === 1 ? matches[0] : undefined;
}
