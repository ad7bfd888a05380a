// Builds the commander program and runs it with the CLI contract's exit codes.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { matchKeyword } from '../config/cursor.js';
import { PREFERRED_ABBREVIATIONS } from '../config/words.js';
import { commands } from './commands.js';
import { ExitCode, RuntimeFailure, UsageError } from './errors.js';
import { processIo, type CliIo } from './io.js';

export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('typeswan');
  program
    .description('IPsec VPN gateway and client (IKEv1, ESP, AH), configured in the Cisco IOS/PIX dialect')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const register of commands) register(program, io);
  // `.command()` copies these settings to children; commands added with `.addCommand()` do not.
  const configure = (command: Command, depth: number): void => {
    command.showHelpAfterError('(run with --help for usage)');
    command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    command.exitOverride();
    if (depth < 8) for (const child of command.commands) configure(child, depth + 1);
  };
  configure(program, 0);
  return program;
}

const IOS_EXEC_WORDS: readonly string[] = ['show', 'clear', 'debug', 'undebug'];

/** IOS exec commands take abbreviations (`sh cry isa sa`, `u all`) and `no debug all`. */
export function expandExecWords(argv: readonly string[], commandNames: readonly string[]): readonly string[] {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-') || commandNames.includes(first)) return argv;
  if (first.toLowerCase() === 'no' && matchKeyword(rest[0] ?? '', ['debug']) === 'debug')
    return ['undebug', ...rest.slice(1)];
  // A prefix of other commands too (`de`: debug or decode) is left for commander to refuse.
  const word = PREFERRED_ABBREVIATIONS.get(first.toLowerCase()) ?? matchKeyword(first, commandNames);
  return word !== undefined && IOS_EXEC_WORDS.includes(word) ? [word, ...rest] : argv;
}

/** Runs the CLI on `argv` (without `node` and the script path); resolves to the exit code. */
export async function runCli(given: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  const argv = expandExecWords(
    given,
    program.commands.map((c) => c.name()),
  );
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return ExitCode.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    return exitCodeOf(error, io);
  }
}

function exitCodeOf(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version are printed by commander and end successfully.
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.help' ||
      error.code === 'commander.version'
    ) {
      return ExitCode.ok;
    }
    return ExitCode.usage; // commander has already printed its message
  }
  if (error instanceof UsageError || error instanceof RuntimeFailure) {
    io.stderr(`typeswan: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`typeswan: internal error: ${message}\n`);
  return ExitCode.failure;
}

/** The version in the package.json above this file (src/cli or dist/src/cli). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'version' in parsed) {
        return String(parsed.version);
      }
    } catch {
      // not here: look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
