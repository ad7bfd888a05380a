// The list of `typeswan` sub-commands. Adding a command: write `src/cli/<name>.ts` exporting a
// `register<Name>(program: Command, io: CliIo): void` (see decode.ts), import it here and add it
// to the list. Throw UsageError (exit 2) or RuntimeFailure (exit 1); print through `io`.

import type { Command } from 'commander';
import { registerDecode } from './decode.js';
import type { CliIo } from './io.js';
import { registerLab } from './lab.js';
import { registerCheck } from './check.js';
import { registerShow } from './show.js';
import { registerDebug } from './debug.js';
import { registerClear } from './clear.js';
import { registerReload } from './reload.js';
import { registerStart } from './start.js';
import { registerPki } from './pki.js';
import { registerInitiate } from './initiate.js';
import { registerSas } from './sas.js';
import { registerEvents } from './events.js';
import { registerClient } from './client.js';

export type RegisterCommand = (program: Command, io: CliIo) => void;

export const commands: readonly RegisterCommand[] = [
  registerDecode,
  registerLab,
  registerCheck,
  registerShow,
  registerDebug,
  registerClear,
  registerReload,
  registerStart,
  registerPki,
  registerInitiate,
  registerSas,
  registerEvents,
  registerClient,
];
