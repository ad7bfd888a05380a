// Options and helpers shared by the `typeswan pki` commands.

import type { KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { AltNames } from '../pki/extensions.js';
import { DEFAULT_KEYSTORE, KeyLabelError, readKeyPair, type KeyUsage } from '../pki/keystore.js';
import { PkiError } from '../pki/pkix.js';
import { RuntimeFailure, UsageError } from './errors.js';
import type { CliIo } from './io.js';

export interface KeystoreOptions {
  readonly keystore: string;
}

export interface SubjectOptions {
  readonly subject?: string;
  readonly dns?: string[];
  readonly ip?: string[];
  readonly email?: string[];
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function keystoreOption(): Option {
  return new Option('--keystore <dir>', 'key store directory').default(DEFAULT_KEYSTORE);
}

export function addSubjectOptions(command: Command): Command {
  return command
    .option('--subject <dn>', 'subject, e.g. "CN=vpn1.example.com,O=Example,C=US"')
    .option('--dns <name>', 'subjectAltName dNSName (repeatable)', collect)
    .option('--ip <address>', 'subjectAltName iPAddress (repeatable)', collect)
    .option('--email <address>', 'subjectAltName rfc822Name (repeatable)', collect);
}

export function altNamesOf(options: SubjectOptions): AltNames {
  return { dns: options.dns ?? [], ip: options.ip ?? [], email: options.email ?? [] };
}

/** Runs a pki action: the library's PkiError is the user's input at fault (exit 2). */
export function pkiAction<A extends unknown[]>(
  run: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      if (error instanceof PkiError || error instanceof KeyLabelError) throw new UsageError(error.message);
      if (error instanceof UsageError || error instanceof RuntimeFailure) throw error;
      const code = error instanceof Error && 'code' in error ? String(error.code) : '';
      if (code.startsWith('E'))
        throw new RuntimeFailure(error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
}

export function readInputFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(
      `${path}: cannot read ${what}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Writes `text` to `path`, or to stdout when there is no path. */
export function output(io: CliIo, path: string | undefined, text: string, mode = 0o644): void {
  if (path === undefined) io.stdout(text);
  else writeFileSync(path, text, { mode });
}

export function parseIntegerOption(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`${option} ${text}: expected a whole number from ${min} to ${max}`);
  return value;
}

export function requireKey(keystore: string, label: string, usage: KeyUsage = 'general'): KeyObject {
  const key = readKeyPair(keystore, label, usage);
  if (key === undefined)
    throw new UsageError(
      `key store ${keystore} has no key pair named ${label} (run \`typeswan pki genkey --label ${label}\`)`,
    );
  return key;
}

export const passwordSource = {
  what: 'password',
  fileOption: '--password-file',
  envOption: '--password-env',
} as const;
