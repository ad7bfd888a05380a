// `typeswan pki authenticate|enroll|server`: SCEP (RFC 8894).

import type { Command } from 'commander';
import type { CliIo } from './io.js';

export function registerPkiScep(_pki: Command, _io: CliIo): void {}
