// Passwords and challenge passwords for `typeswan pki`: from a file (first line), from an
// environment variable, or typed at the terminal without echo. Never from the command line,
// where `ps` and shell history would show them.

import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

export interface SecretOptions {
  readonly file?: string;
  readonly env?: string;
}

export interface SecretSource {
  readonly what: string;
  readonly fileOption: string;
  readonly envOption: string;
}

export async function readSecret(
  options: SecretOptions,
  source: SecretSource,
  confirm = false,
): Promise<string> {
  if (options.file !== undefined && options.env !== undefined)
    throw new UsageError(`${source.fileOption} and ${source.envOption}: give one`);
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new UsageError(
        `${source.fileOption} ${options.file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line === '') throw new UsageError(`${source.fileOption} ${options.file}: the first line is empty`);
    return line;
  }
  if (options.env !== undefined) {
    const value = process.env[options.env];
    if (value === undefined || value === '')
      throw new UsageError(`${source.envOption} ${options.env}: the variable is not set`);
    return value;
  }
  if (!process.stdin.isTTY)
    throw new UsageError(
      `no ${source.what}: give ${source.fileOption} FILE or ${source.envOption} VAR (no terminal to ask)`,
    );
  const first = await prompt(`${source.what}: `);
  if (first === '') throw new UsageError(`empty ${source.what}`);
  if (confirm && (await prompt(`Re-enter ${source.what}: `)) !== first)
    throw new UsageError(`the two ${source.what}s differ`);
  return first;
}

/** Reads one line from the terminal with echo off. */
function prompt(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new UsageError('interrupted'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
